// A volunteer's own page "我的" (/me), end to end against the real relay: a
// volunteer phone joined by invite (it starts its own volunteer document),
// and staff. Check-in waits for the whole protective-equipment checklist;
// ad-hoc service checked in and out offline survives an offline reload and
// syncs once back online; a night shift and a morning shift on the next day
// add up to 10 hours, flagged (Playwright's clock moves the phone's time);
// the profile says what is wrong with a phone number in Chinese and keeps
// the fixed one; feedback is sent and listed; a course marked done awaits
// confirmation. Screens are photographed at 360 px in Chinese and English.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { go, inBothLanguages, launch, phone, screenshot, untilControlled } from "../lib/browser.mjs";
import { addPost, scheduleByName } from "../lib/team.mjs";
import { createCommunity, inviteLink, join, untilSynced } from "../lib/community.mjs";
import { startRelay } from "../lib/relay.mjs";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Staff and one volunteer, joined by invite and synced. */
async function community(relay) {
  const c = createCommunity(relay);
  const staffContext = await phone(browser);
  const staff = await staffContext.newPage();
  await join(staff, inviteLink(relay, c, "staff"), "王主任");
  await untilSynced(staff);
  const context = await phone(browser);
  const vol = await context.newPage();
  await join(vol, inviteLink(relay, c, "volunteer"), "李明");
  await untilSynced(vol);
  return { id: c, staff, vol, context };
}

/** Opens "我的" on a tab once the volunteer's own document is on the phone. */
async function openMe(page, tab = "shifts") {
  await page.goto(new URL(`/me?tab=${tab}`, page.url()).href);
  await page.locator(`[data-tab=${tab}][aria-current=page]`).waitFor();
  await page.locator("[data-me-name]").waitFor();
  await page.locator(".me-head ~ section, .me-head ~ form").first().waitFor();
  // The volunteer document is read from the phone's store after the page
  // loads: the notice that it is missing goes once it is read.
  await page.locator("[data-me-missing]").waitFor({ state: "detached", timeout: 10_000 });
}

const PPE = ["mask", "gloves", "gown", "goggles", "sanitise"];

/** Ticks the whole checklist and checks in. */
async function checkIn(page, action = "check-in-adhoc") {
  await page.locator(`[data-action=${action}]`).click();
  for (const item of PPE) await page.locator(`input[name=ppe][value=${item}]`).check();
  await page.locator("[data-action=confirm-check-in]").click();
  await page.locator("[data-checked-in=true]").waitFor();
}

async function checkOut(page) {
  await page.locator("[data-action=check-out]").click();
  await page.locator("[data-checked-in=true]").waitFor({ state: "detached" });
}

/** Beijing's date today, `YYYY-MM-DD`, and the day after. */
function beijingDays() {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const next = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return [today, next];
}

describe("我的 (/me)", () => {
  test("check-in waits for the checklist; ad-hoc service offline survives a reload and syncs", async () => {
    const relay = await startRelay();
    try {
      const { vol, context } = await community(relay);
      const [today] = beijingDays();
      // The phone's clock, so the session has a known length.
      await vol.clock.install({ time: new Date(`${today}T08:58:00+08:00`) });
      await vol.clock.setFixedTime(new Date(`${today}T09:00:00+08:00`));
      await openMe(vol);
      await vol.locator("[data-shifts=none]").waitFor();
      await untilControlled(vol);
      await context.setOffline(true);

      // (a) The checklist gates the check-in, item by item.
      await vol.locator("[data-action=check-in-adhoc]").click();
      const confirm = vol.locator("[data-action=confirm-check-in]");
      await vol.locator("[data-ppe-hint='5']").waitFor();
      assert.ok(await confirm.isDisabled(), "nothing ticked: no check-in");
      for (const item of PPE.slice(0, 4)) await vol.locator(`input[name=ppe][value=${item}]`).check();
      await vol.locator("[data-ppe-hint='1']", { hasText: "还有 1 项没有勾选" }).waitFor();
      assert.ok(await confirm.isDisabled(), "four of five: still no check-in");
      assert.equal(await vol.locator("[data-checked-in]").count(), 0);
      await inBothLanguages(vol, "me-checklist");
      await vol.locator("input[name=ppe][value=sanitise]").check();
      await vol.locator("[data-ppe-hint]").waitFor({ state: "detached" });
      assert.ok(await confirm.isEnabled(), "all ticked");
      await confirm.click();
      await vol.locator("[data-checked-in=true][data-since='09:00']").waitFor();
      await vol.locator(".me-on-duty h2", { hasText: "临时服务" }).waitFor();

      // (b) 75 minutes later, still offline.
      await vol.clock.setFixedTime(new Date(`${today}T10:15:00+08:00`));
      await vol.locator(".me-since[data-elapsed='75']", { hasText: /已签到 09:00，已服务 1\s小时\s15\s分/ }).waitFor({ timeout: 20_000 });
      await checkOut(vol);
      await vol.locator(".me-checked-out[data-day-total='75']", { hasText: "今天共服务 1.25 小时" }).waitFor();

      await vol.reload();
      await vol.locator("[data-me-name]").waitFor({ timeout: 15_000 });
      await vol.locator("[data-tab=hours]").click();
      const day = vol.locator(`.me-day[data-day='${today}']`);
      await day.and(vol.locator("[data-minutes='75'][data-confirmed=false]")).waitFor();
      assert.match(await day.innerText(), /待确认/);
      await vol.locator("[data-total-minutes='75']").waitFor();
      assert.equal(await vol.locator(".sync-status").getAttribute("data-state"), "offline");

      await context.setOffline(false);
      await untilSynced(vol, 20_000);
      await vol.locator(`.me-day[data-day='${today}'][data-minutes='75']`).waitFor();
    } finally {
      relay.kill();
    }
  });

  test("a night shift and a morning shift on the next day: 10 hours, flagged across midnight", async () => {
    const relay = await startRelay();
    try {
      const { vol } = await community(relay);
      const [day1, day2] = beijingDays();
      await vol.clock.install({ time: new Date(`${day1}T19:58:00+08:00`) });
      await vol.clock.setFixedTime(new Date(`${day1}T20:00:00+08:00`));
      await openMe(vol);
      await checkIn(vol);
      await vol.clock.setFixedTime(new Date(`${day2}T05:00:00+08:00`));
      await checkOut(vol);
      // 20:00–05:00: 4 h on the first day, 5 h on the second.
      await vol.locator(".me-checked-out[data-day-total='300']").waitFor();
      assert.equal(await vol.locator(".me-over-cap").count(), 0, "neither day is over 8 hours yet");

      await vol.clock.setFixedTime(new Date(`${day2}T08:00:00+08:00`));
      await checkIn(vol);
      await vol.clock.setFixedTime(new Date(`${day2}T13:00:00+08:00`));
      await checkOut(vol);
      await vol.locator(".me-checked-out[data-day-total='600']").waitFor();
      const warning = vol.locator(`.me-over-cap[data-over-day='${day2}']`);
      await warning.waitFor();
      assert.equal(
        (await warning.innerText()).trim(),
        "今天已服务 10 小时，超过每天 8 小时，请注意休息并告知社区"
      );
      assert.equal(await vol.locator(`.me-over-cap[data-over-day='${day1}']`).count(), 0);

      await vol.locator("[data-tab=hours]").click();
      await vol.locator(`.me-day[data-day='${day1}'][data-minutes='240']`).waitFor();
      await vol.locator(`.me-day[data-day='${day2}'][data-minutes='600'] [data-over-cap]`).waitFor();
      assert.equal(await vol.locator(`.me-day[data-day='${day1}'] [data-over-cap]`).count(), 0);
      await vol.locator("[data-total-minutes='840']").waitFor();
      await inBothLanguages(vol, "me-over-cap");

      // The next day the warning names the day.
      const day3 = new Date(Date.parse(`${day2}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      await vol.clock.setFixedTime(new Date(`${day3}T09:00:00+08:00`));
      await vol.reload();
      const later = vol.locator(`.me-over-cap[data-over-day='${day2}']`);
      await later.waitFor({ timeout: 15_000 });
      const [, m, d] = day2.split("-").map(Number);
      assert.equal((await later.innerText()).trim(), `${m}月${d}日已服务 10 小时，超过每天 8 小时，请注意休息并告知社区`);
      await untilSynced(vol, 20_000);
    } finally {
      relay.kill();
    }
  });

  test("profile with a wrong phone number, then fixed; feedback sent and listed; a course marked done", async () => {
    const relay = await startRelay();
    try {
      const { vol, staff } = await community(relay);
      await openMe(vol, "profile");
      await vol.locator("#me-name").waitFor();
      assert.equal(await vol.locator("#me-name").inputValue(), "李明");
      await vol.locator("#me-name").fill("李明明");
      await vol.locator("#me-phone").fill("12345");
      await vol.locator("#me-source").selectOption("resident");
      await vol.locator("input[name=skill][value=driving]").check();
      await vol.locator("#me-availability").fill("工作日晚上");
      await vol.locator("[data-action=save-profile]").click();
      await vol.locator("[data-error=phone]", { hasText: "手机号格式不对" }).waitFor();
      assert.equal(await vol.locator("[data-saved]").count(), 0, "nothing saved");
      await vol.locator("#me-phone").fill("138 0013 8000");
      await vol.locator("[data-action=save-profile]").click();
      await vol.locator("[data-saved=true]").waitFor();
      assert.equal(await vol.locator("[data-error=phone]").count(), 0);
      await vol.locator("[data-fact=insurance][data-on=false]", { hasText: "未注册" }).waitFor();
      await vol.locator("[data-fact=agreement][data-on=false]", { hasText: "未签订" }).waitFor();
      await inBothLanguages(vol, "me-profile");
      await vol.reload();
      await vol.locator("#me-phone").waitFor();
      await vol.waitForFunction(() => document.querySelector("#me-phone")?.value === "138 0013 8000");
      assert.equal(await vol.locator("#me-source").inputValue(), "resident");
      assert.ok(await vol.locator("input[name=skill][value=driving]").isChecked());
      assert.equal(await vol.locator("#me-availability").inputValue(), "工作日晚上");
      // The roster staff assign rounds from shows the new name.
      await untilSynced(vol, 20_000);
      await staff.goto(new URL("/rounds/new", staff.url()).href);
      await staff.locator(".choice", { hasText: "李明明" }).waitFor({ timeout: 20_000 });

      await vol.locator("[data-tab=feedback]").click();
      await vol.locator("[data-feedback=none]").waitFor();
      await vol.locator("[data-action=send-feedback]").click();
      await vol.locator("[data-error=feedback]", { hasText: "请写下内容" }).waitFor();
      await vol.locator("[data-kind=suggestion]").click();
      await vol.locator("#me-feedback").fill("3号楼的消杀记录表可以贴在单元门口，方便居民查看。");
      await vol.locator("[data-action=send-feedback]").click();
      await vol.locator("[data-sent]").waitFor();
      const sent = vol.locator(".me-feedback-item[data-kind=suggestion]");
      await sent.waitFor();
      assert.match(await sent.innerText(), /改进建议[\s\S]*消杀记录表可以贴在单元门口/);
      assert.equal(await vol.locator("#me-feedback").inputValue(), "", "the box is cleared once sent");

      await vol.locator("[data-tab=training]").click();
      await vol.locator("[data-section=防护篇][data-open=false] [data-action=toggle-section]").click();
      const course = vol.locator(".me-course[data-course=g-protect-1]");
      await course.and(vol.locator("[data-state=not_started]")).waitFor();
      await course.locator("[data-action=course-done]").click();
      await course.and(vol.locator("[data-state=awaiting]")).waitFor();
      assert.match(await course.innerText(), /已学完，待确认/);
      assert.equal(await course.locator("[data-action=course-done]").count(), 0);
      await untilSynced(vol, 20_000);
      await inBothLanguages(vol, "me-training");
    } finally {
      relay.kill();
    }
  });
  test("a night shift staff scheduled: on top with its post, checked in from the checklist, the coming one listed", async () => {
    const relay = await startRelay();
    try {
      const { staff, vol } = await community(relay);
      const [day1, day2] = beijingDays();
      const day3 = new Date(Date.parse(`${day2}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      await addPost(staff, { title: "夜间卡口值守", start: "22:00", end: "06:00" });
      await scheduleByName(staff, "李明", "夜间卡口值守", { day: day1, start: "22:00", end: "06:00" });
      await scheduleByName(staff, "李明", "夜间卡口值守", { day: day3, start: "08:00", end: "12:00" });
      await untilSynced(staff);

      await vol.clock.install({ time: new Date(`${day1}T21:50:00+08:00`) });
      await vol.clock.setFixedTime(new Date(`${day1}T21:55:00+08:00`));
      await openMe(vol);
      const now = vol.locator(".me-now .me-shift[data-post=夜间卡口值守][data-phase=soon]");
      await now.waitFor({ timeout: 20_000 });
      assert.equal(await now.locator(".me-shift-time").innerText(), "22:00–次日06:00");
      await vol.locator(`.me-upcoming .me-shift[data-post=夜间卡口值守] [data-span="08:00–12:00"]`).waitFor();
      await now.locator("[data-action=check-in]").click();
      await vol.locator("[data-ppe-purpose]", { hasText: "夜间卡口值守 · 22:00–次日06:00" }).waitFor();
      assert.ok(await vol.locator("[data-action=confirm-check-in]").isDisabled());
      for (const item of PPE) await vol.locator(`input[name=ppe][value=${item}]`).check();
      await vol.locator("[data-action=confirm-check-in]").click();
      const duty = vol.locator(".me-on-duty[data-checked-in=true][data-since='21:55']");
      await duty.locator("h2", { hasText: "夜间卡口值守" }).waitFor();
      assert.match(await duty.locator("[data-duty-span]").innerText(), /今天 22:00–次日06:00 · 社区值守/);
      assert.equal(await vol.locator(".me-now").count(), 0, "the shift checked in on is not offered again");

      await vol.clock.setFixedTime(new Date(`${day1}T23:40:00+08:00`));
      await vol.locator(".me-since[data-elapsed='105']", { hasText: /已签到 21:55，已服务 1\s小时\s45\s分/ }).waitFor({ timeout: 20_000 });
      await inBothLanguages(vol, "me-checked-in");
      await untilSynced(vol, 20_000);
    } finally {
      relay.kill();
    }
  });
});
