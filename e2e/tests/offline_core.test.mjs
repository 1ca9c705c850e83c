// The offline-first core on phones (browser contexts at 360×740) against the
// real relay: joining by invite link, recording offline and across reloads,
// merging with other phones, a relay that dies and comes back, three phones
// offline on one round, and a revoked device that can still export.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { after, before, describe, test } from "node:test";
import { launch, phone, screenshot, untilControlled } from "../lib/browser.mjs";
import { addBuilding, admin, createCommunity, inviteLink, join, planRound, record, stopState, untilSynced } from "../lib/community.mjs";
import { startRelay } from "../lib/relay.mjs";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A community with a staff phone, a building and `n` volunteer phones. */
async function community(relay, names) {
  const c = createCommunity(relay);
  const staffContext = await phone(browser);
  const staff = await staffContext.newPage();
  await join(staff, inviteLink(relay, c, "staff"), "王主任");
  await addBuilding(staff, "3号楼");
  const link = inviteLink(relay, c, "volunteer");
  const phones = [];
  for (const name of names) {
    const context = await phone(browser);
    const page = await context.newPage();
    await join(page, link, name);
    await untilSynced(page);
    phones.push({ name, context, page });
  }
  return { id: c, staff, staffContext, phones };
}

/** Opens the round (listed on the volunteer's home once synced). */
async function openRound(page, title) {
  const said = [];
  const listen = (m) => said.push(`${m.type()}: ${m.text()}`);
  page.on("console", listen);
  await page.goto(new URL("/", page.url()).href);
  try {
    await page.locator(".rounds a", { hasText: title }).click({ timeout: 30_000 });
  } catch (e) {
    // Not listed: say what the phone thought of its sync, to find out why.
    const status = await page.locator(".sync-status").evaluate((n) => n.outerHTML).catch(() => "none");
    await page.goto(new URL("/device", page.url()).href);
    await page.locator("main").waitFor();
    const device = await page.locator("main").innerText().catch(() => "");
    console.log(`round ${title} not listed; sync status ${status}; 我的设备:\n${device.slice(0, 3000)}`);
    console.log(`the page said:\n${said.slice(-40).join("\n")}`);
    throw e;
  } finally {
    page.off("console", listen);
  }
  await page.locator("[data-round-title]", { hasText: title }).waitFor({ timeout: 15_000 });
}

describe("offline-first core", () => {
  test("two phones: one offline across a reload, one online; both see both within 5 s", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, ["小李", "小张"]);
      const doors = ["3单元 501", "3单元 502", "3单元 601"];
      await planRound(staff, { building: "3号楼", title: "3号楼 午间配送", doors, volunteers: ["小李", "小张"] });
      await untilSynced(staff);
      const [a, b] = phones;
      for (const p of [a, b]) {
        await openRound(p.page, "3号楼 午间配送");
        await untilControlled(p.page);
      }
      await screenshot(a.page, "round-zh");

      await a.context.setOffline(true);
      await a.page.locator('.sync-status[data-state="offline"]').waitFor();
      await record(a.page, "3单元 501", "delivered");
      await a.page.locator('.sync-status[data-unsynced="1"]').waitFor();
      await a.page.reload();
      await a.page.locator("[data-round-title]").waitFor();
      assert.equal((await stopState(a.page, "3单元 501")).state, "done", "kept across an offline reload");
      assert.equal(await a.page.locator(".sync-status").getAttribute("data-state"), "offline");
      await screenshot(a.page, "round-offline-unsynced-zh");

      await record(b.page, "3单元 502", "delivered");
      await untilSynced(b.page);

      await a.context.setOffline(false);
      const started = Date.now();
      for (const p of [a, b]) {
        await p.page.locator('.stop[data-stop="3单元 501"][data-state="done"]').waitFor({ timeout: 5_000 });
        await p.page.locator('.stop[data-stop="3单元 502"][data-state="done"]').waitFor({ timeout: 5_000 });
      }
      assert.ok(Date.now() - started < 5_000, "both changes on both phones within 5 s");
      await untilSynced(a.page);
      await screenshot(a.page, "round-merged-zh");
    } finally {
      await relay.stop();
    }
  });

  test("the relay is killed and restarted while phones keep working: nothing is lost, sync resumes", async () => {
    const dataDir = mkdtempSync(joinPath(tmpdir(), "linli-e2e-restart-"));
    let relay = await startRelay({ dataDir });
    const listen = new URL(relay.url).host;
    try {
      const { id, staff, phones } = await community(relay, ["小李", "小张"]);
      const doors = ["1单元 101", "1单元 102", "1单元 201"];
      await planRound(staff, { building: "3号楼", title: "夜间配送", doors, volunteers: ["小李", "小张"] });
      await untilSynced(staff);
      const [a, b] = phones;
      for (const p of [a, b]) await openRound(p.page, "夜间配送");
      await record(a.page, "1单元 201", "delivered");
      await untilSynced(a.page);

      await relay.kill();
      for (const p of [a, b]) await p.page.locator('.sync-status:not([data-state="synced"])').waitFor();
      await record(a.page, "1单元 101", "delivered");
      await record(b.page, "1单元 102", "no-answer");
      await b.page.locator('.sync-status[data-unsynced="1"]').waitFor();
      await screenshot(b.page, "relay-down-zh");

      relay = await startRelay({ dataDir, listen });
      for (const p of [a, b]) {
        await untilSynced(p.page, 30_000);
        await p.page.locator('.stop[data-stop="1单元 101"][data-state="done"]').waitFor();
        await p.page.locator('.stop[data-stop="1单元 102"][data-state="attempted"]').waitFor();
        await p.page.locator('.stop[data-stop="1单元 201"][data-state="done"]').waitFor();
      }
      // A staff phone that joins only now finds everything on the relay.
      const fresh = await (await phone(browser)).newPage();
      await join(fresh, inviteLink(relay, id, "staff"), "赵干事");
      await openRound(fresh, "夜间配送");
      for (const [door, state] of [["1单元 101", "done"], ["1单元 102", "attempted"], ["1单元 201", "done"]]) {
        await fresh.locator(`.stop[data-stop="${door}"][data-state="${state}"]`).waitFor({ timeout: 15_000 });
      }
    } finally {
      await relay.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("three phones deliver on one round offline: all converge and the double delivery is flagged", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, ["小李", "小张", "小刘"]);
      const doors = ["2单元 301", "2单元 302", "2单元 401", "2单元 402"];
      await planRound(staff, { building: "3号楼", title: "周末配送", doors, volunteers: ["小李", "小张", "小刘"] });
      await untilSynced(staff);
      for (const p of phones) await openRound(p.page, "周末配送");
      for (const p of phones) await p.context.setOffline(true);
      const [a, b, c] = phones;
      await record(a.page, "2单元 301", "delivered");
      await record(b.page, "2单元 301", "delivered");
      await record(c.page, "2单元 302", "no-answer");
      await record(a.page, "2单元 302", "delivered");
      await record(b.page, "2单元 401", "delivered");
      await record(b.page, "2单元 401", "undo");
      for (const p of phones) await p.context.setOffline(false);
      const expected = [
        ["2单元 301", "done", "true"],
        ["2单元 302", "done", "false"],
        ["2单元 401", "pending", "false"],
        ["2单元 402", "pending", "false"],
      ];
      for (const p of phones) {
        await untilSynced(p.page, 20_000);
        for (const [door, state, duplicate] of expected) {
          await p.page
            .locator(`.stop[data-stop="${door}"][data-state="${state}"][data-duplicate="${duplicate}"]`)
            .waitFor({ timeout: 10_000 });
        }
        await p.page.locator("[data-duplicates='1']").waitFor();
        assert.equal(await p.page.locator("[data-progress]").getAttribute("data-progress"), "2/4");
      }
      await screenshot(a.page, "round-duplicate-zh");
      await a.page.getByRole("button", { name: "切换为英文" }).click();
      await a.page.locator(".flag", { hasText: "Duplicate" }).first().waitFor();
      await screenshot(a.page, "round-duplicate-en");
    } finally {
      await relay.stop();
    }
  });

  test("a revoked device is told so, and its unsynced records can still be exported", async () => {
    const relay = await startRelay();
    try {
      const { id, staff, phones } = await community(relay, ["小李"]);
      await planRound(staff, { building: "3号楼", title: "药品配送", doors: ["5单元 101", "5单元 102"], volunteers: ["小李"] });
      await untilSynced(staff);
      const [a] = phones;
      await openRound(a.page, "药品配送");
      await a.context.setOffline(true);
      await record(a.page, "5单元 102", "delivered");

      const line = admin(relay, ["device", "list", "--community", id]).split("\n").find((l) => l.includes("小李"));
      admin(relay, ["device", "revoke", line.split(/\s+/)[0]]);

      await a.context.setOffline(false);
      await a.page.locator("[data-banner=revoked]").waitFor({ timeout: 30_000 });
      assert.equal(await a.page.locator(".sync-status").getAttribute("data-state"), "revoked");
      await screenshot(a.page, "revoked-zh");
      const [download] = await Promise.all([
        a.page.waitForEvent("download"),
        a.page.locator("[data-banner=revoked] button").click(),
      ]);
      const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
      const round = exported.documents.find((d) => d.content?.title === "药品配送");
      assert.ok(round, "the round is in the export");
      assert.equal(round.unsynced, true, "marked as not on the relay");
      const events = round.content.events.map((e) => JSON.parse(e));
      assert.ok(events.some((e) => e.outcome === "delivered"), "the offline delivery is in the export");
      assert.ok(round.automerge_base64.length > 100);
    } finally {
      await relay.stop();
    }
  });

  test("two tabs on one phone share the store: a record in one shows in the other, offline, and survives reloads", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, ["小李"]);
      await planRound(staff, { building: "3号楼", title: "两页配送", doors: ["6单元 101", "6单元 102"], volunteers: ["小李"] });
      await untilSynced(staff);
      const [a] = phones;
      await openRound(a.page, "两页配送");
      const second = await a.context.newPage();
      await second.goto(a.page.url());
      await second.locator("[data-round-title]").waitFor();
      await a.context.setOffline(true);
      await record(a.page, "6单元 101", "delivered");
      await second.locator('.stop[data-stop="6单元 101"][data-state="done"]').waitFor({ timeout: 5_000 });
      await record(second, "6单元 102", "no-answer");
      await a.page.locator('.stop[data-stop="6单元 102"][data-state="attempted"]').waitFor({ timeout: 5_000 });
      for (const p of [a.page, second]) {
        await p.reload();
        await p.locator('.stop[data-stop="6单元 101"][data-state="done"]').waitFor();
        await p.locator('.stop[data-stop="6单元 102"][data-state="attempted"]').waitFor();
      }
      await a.context.setOffline(false);
      await staff.goto(a.page.url());
      await staff.locator('.stop[data-stop="6单元 102"][data-state="attempted"]').waitFor({ timeout: 15_000 });
    } finally {
      await relay.stop();
    }
  });

  test("leaving warns about unsynced changes, then wipes the phone", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, ["小李"]);
      await planRound(staff, { building: "3号楼", title: "退出前", doors: ["7单元 101"], volunteers: ["小李"] });
      await untilSynced(staff);
      const [a] = phones;
      await openRound(a.page, "退出前");
      await a.context.setOffline(true);
      await record(a.page, "7单元 101", "delivered");
      // Kept on the phone (the status counts it) before the page is reloaded.
      await a.page.locator('.sync-status[data-unsynced="1"]').waitFor();
      await a.page.goto(new URL("/device", a.page.url()).href);
      await a.page.locator('.doc-sync[data-doc-state="unsynced"]').waitFor();
      await screenshot(a.page, "device-unsynced-zh");
      let message = "";
      a.page.once("dialog", (d) => {
        message = d.message();
        d.dismiss();
      });
      await a.page.locator("[data-action=leave]").click();
      await a.page.waitForTimeout(200);
      assert.match(message, /1 份资料的更改没有同步/);
      assert.equal(new URL(a.page.url()).pathname, "/device", "dismissing keeps everything");
      a.page.once("dialog", (d) => d.accept());
      await a.page.locator("[data-action=leave]").click();
      await a.page.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
      await a.page.reload();
      await a.page.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
    } finally {
      await relay.stop();
    }
  });

  test("staff mint an invite in the app, show its QR code, and a new phone joins with the link", async () => {
    const relay = await startRelay();
    try {
      const { staff } = await community(relay, []);
      await screenshot(staff, "staff-home-zh");
      await staff.locator("[data-action=invite]").click();
      await staff.locator("#invite-role").selectOption("lead");
      await staff.locator("#invite-building").selectOption({ label: "3号楼" });
      await staff.locator("[data-action=mint]").click();
      await staff.locator(".invite-result svg.qr").waitFor();
      const link = await staff.locator("[data-invite-link]").getAttribute("data-invite-link");
      assert.match(link, /\/join#[1-9A-HJ-NP-Za-km-z]{16,}$/);
      await screenshot(staff, "invite-qr-zh");
      const lead = await (await phone(browser)).newPage();
      await join(lead, link, "李阿姨");
      await lead.locator("[data-ledger=here]").waitFor({ timeout: 15_000 });
      await lead.getByRole("heading", { level: 1, name: "3号楼" }).waitFor();
      await screenshot(lead, "lead-home-zh");
      await lead.goto(new URL("/device", lead.url()).href);
      await lead.locator('[data-role="lead"]').waitFor();
      await untilSynced(lead);
      await screenshot(lead, "device-zh");
    } finally {
      await relay.stop();
    }
  });

  test("a used-up invite is refused in Chinese, and nothing is stored", async () => {
    const relay = await startRelay();
    try {
      const c = createCommunity(relay);
      const link = inviteLink(relay, c, "volunteer", { uses: 1 });
      const first = await (await phone(browser)).newPage();
      await join(first, link, "小李");
      const second = await (await phone(browser)).newPage();
      await second.goto(link);
      await second.getByLabel("你的姓名或称呼").fill("小张");
      await second.locator("[data-action=join]").click();
      await second.getByRole("alert").filter({ hasText: "名额已用完" }).waitFor();
      await screenshot(second, "join-used-up-zh");
      await second.goto(relay.url);
      await second.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
    } finally {
      await relay.stop();
    }
  });
});
