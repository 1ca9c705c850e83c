// Recruitment by link, end to end against the real relay: staff make a
// recruitment link on /recruitment (QR code and group-chat message), new
// phones open it and register (a wrong phone number first), wait for
// approval on the pending screen; staff see each application with what was
// registered, approve one (it opens the volunteer home by itself, on the
// roster) and decline the other (it is told so). Screens are photographed
// at 360 px in Chinese and English.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { inBothLanguages, launch, phone, screenshot } from "../lib/browser.mjs";
import { addBuilding, createCommunity, inviteLink, join, untilSynced } from "../lib/community.mjs";
import { startRelay } from "../lib/relay.mjs";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A new phone (no session) opens the link and fills in the form. */
async function openForm(link) {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(link);
  await page.locator("[data-recruit-heading]", { hasText: "和平里社区" }).waitFor();
  return page;
}

async function fill(page, { name, tel, source, skills = [], availability = "" }) {
  await page.locator("#recruit-name").fill(name);
  await page.locator("#recruit-phone").fill(tel);
  if (source) await page.locator("#recruit-source").selectOption(source);
  for (const s of skills) await page.locator(`input[name=skill][value=${s}]`).check();
  await page.locator("#recruit-availability").fill(availability);
}

describe("recruitment", () => {
  test("recruitment by link on a new phone: register, wait, approved by staff; another declined", async () => {
    const relay = await startRelay();
    try {
      const c = createCommunity(relay);
      const staffContext = await phone(browser);
      const staff = await staffContext.newPage();
      await join(staff, inviteLink(relay, c, "staff"), "王主任");
      await untilSynced(staff);
      await addBuilding(staff, "3号楼");

      // Staff: the recruitment page mints the link, and shows it again later.
      await staff.locator("[data-action=recruitment]").click();
      await staff.locator("[data-applications-none]").waitFor();
      await staff.locator("[data-action=mint-recruitment]").click();
      const shown = staff.locator("[data-recruit-link]");
      await shown.waitFor();
      const link = await shown.getAttribute("data-recruit-link");
      assert.match(link, /\/recruit#[A-Za-z0-9]{8,}$/);
      const message = await staff.locator("#recruit-message").inputValue();
      assert.ok(message.startsWith("【和平里社区招募志愿者】"), message);
      assert.ok(message.includes(`点击链接报名：${link}`), message);
      await staff.locator("svg.qr").waitFor();
      await staff.locator("[data-action=copy-message]").click();
      await staff.locator(".recruit-copied, .notice[role=status]").first().waitFor();
      await staff.reload();
      await staff.locator(`[data-recruit-link="${link}"]`).waitFor();

      // A phone that has joined already is told so.
      await staff.goto(link);
      await staff.locator("[data-joined=already]").waitFor();

      // A link that does not exist says so before anyone types anything.
      const stranger = await (await phone(browser)).newPage();
      await stranger.goto(new URL("/recruit#AAAAAAAAAAAAAAAAAAAAAA", relay.url).href);
      await stranger.locator("[data-invite-refused=invite_unknown]").waitFor();
      assert.equal(await stranger.locator("#recruit-name").count(), 0);

      // A new phone registers: a wrong number is refused in Chinese next to
      // the field, and what was typed stays.
      const recruit = await openForm(link);
      await fill(recruit, {
        name: "李志愿",
        tel: "12345",
        source: "new_economy_worker",
        skills: ["driving", "medical"],
        availability: "工作日晚上、周末全天",
      });
      await recruit.locator("[data-action=register]").click();
      await recruit.locator("[data-error=phone]", { hasText: "手机号格式不对" }).waitFor();
      assert.equal(await recruit.locator("#recruit-name").inputValue(), "李志愿");
      assert.equal(await recruit.locator("#recruit-source").inputValue(), "new_economy_worker");
      assert.ok(await recruit.locator("input[name=skill][value=driving]").isChecked());
      await inBothLanguages(recruit, "recruit-form-error");
      await recruit.locator("#recruit-phone").fill("138 0000 1234");
      await recruit.locator("[data-action=register]").click();
      await recruit.locator("[data-recruit-pending]", { hasText: "报名已提交，等待社区审核" }).waitFor({ timeout: 15_000 });
      await recruit.locator("[data-fact=phone]", { hasText: "138 0000 1234" }).waitFor();
      await recruit.locator("[data-fact=skills]", { hasText: "驾驶" }).waitFor();
      await recruit.locator("[data-delivered=true]").waitFor({ timeout: 15_000 });
      await inBothLanguages(recruit, "recruit-pending");
      // Reopened, the phone still waits (and asks for nothing else).
      await recruit.goto(new URL("/", relay.url).href);
      await recruit.locator("[data-recruit-pending]").waitFor();

      // A second person registers and will be declined.
      const other = await openForm(link);
      await fill(other, { name: "赵路人", tel: "13900009999", source: "resident" });
      await other.locator("[data-action=register]").click();
      await other.locator("[data-recruit-pending]").waitFor({ timeout: 15_000 });
      await other.locator("[data-delivered=true]").waitFor({ timeout: 15_000 });

      // Staff see both applications with what was registered.
      await staff.goto(new URL("/recruitment", relay.url).href);
      const first = staff.locator(".application", { hasText: "李志愿" });
      await first.locator("[data-fact=phone]", { hasText: "138 0000 1234" }).waitFor({ timeout: 30_000 });
      await first.locator("[data-fact=source]", { hasText: "快递员、外卖员等新就业群体" }).waitFor();
      await first.locator("[data-fact=availability]", { hasText: "周末全天" }).waitFor();
      const second = staff.locator(".application", { hasText: "赵路人" });
      await second.locator("[data-fact=phone]", { hasText: "13900009999" }).waitFor({ timeout: 30_000 });
      await staff.locator("[data-applications='2']").waitFor();
      await inBothLanguages(staff, "recruitment");

      await first.locator("[data-action=approve]").click();
      await staff.locator("[data-decided]", { hasText: "李志愿" }).waitFor();
      staff.once("dialog", (d) => d.accept());
      await second.locator("[data-action=reject]").click();
      await staff.locator("[data-decided]", { hasText: "赵路人" }).waitFor();
      await staff.locator("[data-applications-none]").waitFor();
      // Offline, the list says it needs the network, and comes back with it.
      await staffContext.setOffline(true);
      await staff.locator("[data-applications-offline]", { hasText: "需要联网" }).waitFor();
      await staffContext.setOffline(false);
      await staff.locator("[data-applications-none]").waitFor();

      // The approved phone opens the volunteer home by itself (it asks every
      // 15 s), with the community; the declined one is told.
      await recruit.locator("text=李志愿，志愿者，辛苦了").waitFor({ timeout: 25_000 });
      await recruit.locator('.sync-status[data-state="synced"]').waitFor({ timeout: 15_000 });
      await other.locator("[data-recruit-rejected]").waitFor({ timeout: 25_000 });

      // The approved volunteer is on the roster: staff can assign them.
      await staff.goto(new URL("/rounds/new", relay.url).href);
      await staff.locator(".choice", { hasText: "李志愿" }).waitFor();
      assert.equal(await staff.locator(".choice", { hasText: "赵路人" }).count(), 0);
    } finally {
      relay.kill();
    }
  });
});
