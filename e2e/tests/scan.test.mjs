// Joining by scanning the invite's QR code with the phone's camera, inside
// the app: Chromium's fake camera plays a video of the code, the app decodes
// it (rqrr, in wasm) and opens the join screen.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { ARGS, CHROMIUM, PHONE, screenshot } from "../lib/browser.mjs";
import { createCommunity, inviteLink } from "../lib/community.mjs";
import { writeQrY4m } from "../lib/qr_y4m.mjs";
import { startRelay } from "../lib/relay.mjs";

let relay;
let dir;

before(async () => {
  relay = await startRelay();
  dir = mkdtempSync(join(tmpdir(), "linli-e2e-scan-"));
});

after(async () => {
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a new phone scans the invite QR code in the app and joins", async () => {
  const c = createCommunity(relay);
  const link = inviteLink(relay, c, "volunteer");
  const video = writeQrY4m(link, join(dir, "invite.y4m"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...ARGS,
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  try {
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN", permissions: ["camera"] });
    const page = await context.newPage();
    await page.goto(relay.url);
    await page.locator("[data-action=scan]").click();
    await page.locator(".qr-scanner").waitFor();
    await page.getByLabel("你的姓名或称呼").waitFor({ timeout: 20_000 });
    await screenshot(page, "join-after-scan-zh");
    await page.getByLabel("你的姓名或称呼").fill("扫码志愿者");
    await page.locator("[data-action=join]").click();
    await page.getByRole("heading", { level: 1, name: "我的任务" }).waitFor();
    await screenshot(page, "volunteer-home-zh");
  } finally {
    await browser.close();
  }
});
