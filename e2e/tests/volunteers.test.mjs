// Staff's and leads' volunteer roster (/volunteers) and a volunteer's record
// (/volunteers/:person), end to end against the real relay: staff, the lead
// of 3号楼, and two volunteers joined by invite (张伟 with 3号楼, 李娜
// without). No training, no post: the refusal names both missing courses,
// then the one still missing, then the shift is scheduled; a post that
// requires insurance waits for 实名. The 8-hour day across midnight is
// refused naming the day. Staff and the lead schedule the same volunteer
// offline, 5 hours each on one day: each phone accepts, and once back online
// both phones show both shifts and flag the day. The volunteer checks in on
// their phone offline while staff check them in on theirs: one session,
// hours counted once, then confirmed by staff. A lead sees only their
// building's volunteers. Screens are photographed at 360 px in Chinese and
// English.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { PHONE, go, inBothLanguages, launch, screenshot, untilControlled } from "../lib/browser.mjs";
import { addPost } from "../lib/team.mjs";
import { addBuilding, createCommunity, inviteLink, join, untilSynced } from "../lib/community.mjs";
import { startRelay } from "../lib/relay.mjs";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const COURSE_1 = "如何正确穿脱防护用品";
const COURSE_2 = "如何正确佩戴口罩";
/** The protective-equipment checklist, as the volunteer's own check-in has it. */
const PPE = ["mask", "gloves", "gown", "goggles", "sanitise"];

/** A phone in the community's time zone, optionally with a clock the test sets. */
async function phoneAt(clock) {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  if (clock) await context.clock.install({ time: clock });
  return context;
}

/**
 * Staff, 3号楼 with its lead, and volunteers joined by invite: 张伟 with the
 * building, 李娜 without. `clock` installs a settable clock on every phone.
 */
async function community(relay, { clock } = {}) {
  const c = createCommunity(relay);
  const staffContext = await phoneAt(clock);
  const staff = await staffContext.newPage();
  await join(staff, inviteLink(relay, c, "staff"), "王主任");
  await addBuilding(staff, "3号楼");
  const building = await staff.locator(".buildings li", { hasText: "3号楼" }).getAttribute("data-building");
  await untilSynced(staff);
  const leadContext = await phoneAt(clock);
  const lead = await leadContext.newPage();
  await join(lead, inviteLink(relay, c, "lead", { building }), "赵楼长");
  await untilSynced(lead);
  const phones = {};
  for (const [name, b] of [["张伟", building], ["李娜", undefined]]) {
    const context = await phoneAt(clock);
    const page = await context.newPage();
    await join(page, inviteLink(relay, c, "volunteer", { building: b }), name);
    await untilSynced(page);
    phones[name] = { context, page };
  }
  return { id: c, building, staff, staffContext, lead, leadContext, phones };
}

/** The volunteer list, once every volunteer's own document is on the phone. */
async function openList(page, count) {
  await go(page, "/volunteers");
  await page.locator(`[data-vol-count="${count}"]`).waitFor({ timeout: 20_000 });
  await page.locator(".vol-item[data-syncing]").waitFor({ state: "detached", timeout: 20_000 });
}

/** Opens a volunteer's record from the list. */
async function openRecord(page, name, count) {
  await openList(page, count);
  await page.locator(`.vol-item[data-name="${name}"]`).click();
  await page.locator("[data-volunteer-name]", { hasText: name }).waitFor();
  await page.locator("form.schedule-form").waitFor({ timeout: 20_000 });
}

/** Fills the schedule form and submits it; returns the outcome's element. */
async function schedule(page, title, { day, start, end }) {
  const form = page.locator("form.schedule-form");
  const value = await form.locator("select[name=shift-post] option", { hasText: title }).getAttribute("value");
  await form.locator("select[name=shift-post]").selectOption(value);
  await form.locator("input[name=shift-date]").fill(day);
  if (start) await form.locator("input[name=shift-start]").fill(start);
  if (end) await form.locator("input[name=shift-end]").fill(end);
  await form.locator("[data-action=schedule]").click();
  return form.locator("[data-refusal], [data-scheduled]").first();
}

async function refused(page, title, times) {
  const outcome = await schedule(page, title, times);
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute("data-refusal"), "", `refused: ${await outcome.innerText()}`);
  return outcome.innerText();
}

async function scheduled(page, title, times) {
  const outcome = await schedule(page, title, times);
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute("data-scheduled"), "", `scheduled: ${await outcome.innerText()}`);
}

/** A day some way ahead, `YYYY-MM-DD`, and the day after. */
function days(ahead = 3) {
  const base = Date.now() + 8 * 3600_000 + ahead * 86_400_000;
  return [0, 1].map((n) => new Date(base + n * 86_400_000).toISOString().slice(0, 10));
}

describe("volunteer roster and record", () => {
  test("no training no post, names the missing courses; insurance; a lead sees their building; backbone export", async () => {
    const relay = await startRelay();
    try {
      const { staff, lead } = await community(relay);
      await addPost(staff, { title: "3号楼卡口值守", courses: ["g-protect-1", "g-protect-2"] });
      await addPost(staff, { title: "物资转运", start: "13:00", end: "17:00", insurance: true });
      // Today, so the list shows the shifts as today's.
      const [day] = days(0);

      await openRecord(staff, "张伟", 2);
      const both2 = await refused(staff, "3号楼卡口值守", { day });
      assert.match(both2, /不培训不上岗/);
      assert.match(both2, new RegExp(COURSE_1));
      assert.match(both2, new RegExp(COURSE_2));
      // The form keeps what was entered.
      assert.equal(await staff.locator("input[name=shift-date]").inputValue(), day);
      assert.equal(await staff.locator("input[name=shift-start]").inputValue(), "08:00");
      await staff.locator(`.vol-course[data-course=g-protect-1][data-state=not-started]`).waitFor();
      await inBothLanguages(staff, "volunteer-refused");

      await staff.locator(".vol-course[data-course=g-protect-1] [data-action=confirm-course]").click();
      await staff.locator(".vol-course[data-course=g-protect-1][data-state=passed]").waitFor();
      const one = await refused(staff, "3号楼卡口值守", { day });
      assert.match(one, new RegExp(COURSE_2));
      assert.doesNotMatch(one, new RegExp(COURSE_1));

      await staff.locator(".vol-course[data-course=g-protect-2] [data-action=assess-pass]").click();
      await staff.locator(".vol-course[data-course=g-protect-2][data-state=passed]").waitFor();
      await scheduled(staff, "3号楼卡口值守", { day });
      await staff.locator(".vol-shift", { hasText: "3号楼卡口值守" }).waitFor();

      // Insurance: refused until 实名 is ticked.
      const insurance = await refused(staff, "物资转运", { day });
      assert.match(insurance, /志愿北京/);
      await staff.locator("input[name=platform-registered]").check();
      await staff.locator("[data-badges] .badge", { hasText: "已实名" }).waitFor();
      await scheduled(staff, "物资转运", { day });
      await staff.locator("[data-shifts='2']").waitFor();

      // Agreement date, psych qualification and backbone; a recognition.
      await staff.locator("input[name=agreement-date]").fill(day);
      await staff.locator("[data-action=save-agreement]").click();
      await staff.locator(`[data-agreement="${day}"]`).waitFor();
      await staff.locator("input[name=backbone]").check();
      await staff.locator("[data-badges] .vol-badge-backbone").waitFor();
      await staff.locator("[data-action=recognise]").click();
      await staff.locator(".vol-recognitions .error", { hasText: "请写下" }).waitFor();
      await staff.locator("textarea[name=recognition-story]").fill("连续十天为独居老人送菜送药");
      await staff.locator("[data-action=recognise]").click();
      await staff.locator("[data-recognitions='1']").waitFor();

      // The list: badges, filters, and the backbone roster file.
      await openList(staff, 2);
      const zhang = staff.locator('.vol-item[data-name="张伟"]');
      assert.equal(await zhang.getAttribute("data-backbone"), "true");
      assert.equal(await zhang.getAttribute("data-insured"), "true");
      assert.equal(await zhang.getAttribute("data-agreement"), "true");
      assert.equal(await zhang.locator("[data-training]").getAttribute("data-training"), "2/2");
      assert.equal(await zhang.locator("[data-today]").getAttribute("data-today"), "2");
      await staff.locator("[data-filter=backbone]").click();
      await staff.locator("[data-vol-shown='1']").waitFor();
      await staff.locator("[data-filter=missing-credentials]").click();
      await staff.locator("[data-vol-shown='1']").waitFor();
      assert.equal(await staff.locator('.vol-item[data-name="李娜"]').count(), 1);
      await staff.locator("[data-filter=all]").click();
      await staff.locator("[data-vol-shown='2']").waitFor();
      await inBothLanguages(staff, "volunteers");
      const [download] = await Promise.all([staff.waitForEvent("download"), staff.locator("[data-action=export-backbone]").click()]);
      const csv = readFileSync(await download.path(), "utf8");
      assert.ok(csv.startsWith("\uFEFF"), "BOM for Excel and WPS");
      const lines = csv.trim().split(/\r?\n/);
      assert.equal(lines.length, 2, csv);
      assert.match(lines[0], /姓名,手机号,来源,技能,服务总时长（小时）,出勤次数/);
      assert.match(lines[1], /^张伟,/);

      // (f) The lead of 3号楼 sees 张伟 only, and not 李娜's record.
      await untilSynced(staff);
      await openList(lead, 1);
      assert.equal(await lead.locator('.vol-item[data-name="张伟"]').count(), 1);
      assert.equal(await lead.locator('.vol-item[data-name="李娜"]').count(), 0);
      assert.equal(await lead.locator("[data-action=export-backbone]").count(), 0, "export is staff's");
      await screenshot(lead, "volunteers-lead-zh");
      const li = await staff.locator('.vol-item[data-name="李娜"]').getAttribute("data-person");
      await go(lead, `/volunteers/${li}`);
      await lead.locator("[data-vol-not-yours]").waitFor();
    } finally {
      await relay.stop();
    }
  });

  test("the 8-hour day across midnight is refused naming the day", async () => {
    const relay = await startRelay();
    try {
      const { staff } = await community(relay);
      await addPost(staff, { title: "夜间巡逻", start: "20:00", end: "02:00" });
      const [day, next] = days();
      await openRecord(staff, "李娜", 2);
      // 20:00–02:00: 4 hours on the first day, 2 on the next.
      await scheduled(staff, "夜间巡逻", { day });
      await staff.locator(".vol-shift", { hasText: "次日 02:00" }).waitFor();
      // 4 + 5 hours on the first day.
      const first = await refused(staff, "夜间巡逻", { day, start: "14:00", end: "19:00" });
      assert.match(first, new RegExp(`${day}.*已排 4 小时.*再排 5 小时.*8 小时`));
      assert.equal(await staff.locator("input[name=shift-start]").inputValue(), "14:00", "the form keeps its values");
      await inBothLanguages(staff, "volunteer-over-8h-refused");
      // 2 + 7 hours on the next day: the night shift counts there too.
      const second = await refused(staff, "夜间巡逻", { day: next, start: "06:00", end: "13:00" });
      assert.match(second, new RegExp(`${next}.*已排 2 小时.*再排 7 小时`));
      // One post at a time: 01:00–03:00 runs into the night shift.
      const overlap = await refused(staff, "夜间巡逻", { day: next, start: "01:00", end: "03:00" });
      assert.match(overlap, new RegExp(`时间重叠：${day} 20:00–02:00（夜间巡逻）`));
      await scheduled(staff, "夜间巡逻", { day: next, start: "06:00", end: "12:00" });
      await staff.locator("[data-shifts='2']").waitFor();
      await staff.locator(".vol-over-cap").waitFor({ state: "detached" });
      // Cancelling (after confirming) frees the time.
      staff.once("dialog", (d) => d.accept());
      await staff.locator(".vol-shift", { hasText: "次日 02:00" }).locator("[data-action=cancel-shift]").click();
      await staff.locator("[data-shifts='1']").waitFor();
      await scheduled(staff, "夜间巡逻", { day, start: "14:00", end: "19:00" });
    } finally {
      await relay.stop();
    }
  });

  test("staff and the lead schedule offline past 8 hours: both shifts kept, the day flagged on both phones", async () => {
    const relay = await startRelay();
    try {
      const { staff, staffContext, lead, leadContext } = await community(relay);
      await addPost(staff, { title: "3号楼卡口值守", start: "08:00", end: "13:00" });
      await untilSynced(staff);
      const [day] = days();
      await openRecord(staff, "张伟", 2);
      await openRecord(lead, "张伟", 1);
      await lead.locator("select[name=shift-post] option", { hasText: "3号楼卡口值守" }).waitFor({ state: "attached" });
      await untilControlled(staff);
      await untilControlled(lead);
      await staffContext.setOffline(true);
      await leadContext.setOffline(true);
      await scheduled(staff, "3号楼卡口值守", { day, start: "08:00", end: "13:00" });
      await scheduled(lead, "3号楼卡口值守", { day, start: "14:00", end: "19:00" });
      for (const p of [staff, lead]) {
        await p.locator("[data-shifts='1']").waitFor();
        assert.equal(await p.locator(".vol-over-cap").count(), 0, "each phone alone is within 8 hours");
      }
      await staffContext.setOffline(false);
      await leadContext.setOffline(false);
      for (const p of [staff, lead]) {
        await p.locator("[data-shifts='2']").waitFor({ timeout: 30_000 });
        const flag = p.locator(`.vol-over-cap[data-over-cap="${day}"]`);
        await flag.waitFor();
        assert.match(await flag.innerText(), /两部手机离线排班合并后.*共 10 小时，超过 8 小时/);
        assert.equal(await p.locator('.vol-shift[data-over="true"]').count(), 2);
      }
      await inBothLanguages(staff, "volunteer-over-cap");
      // Nothing more fits that day.
      const more = await refused(lead, "3号楼卡口值守", { day, start: "20:00", end: "21:00" });
      assert.match(more, new RegExp(day));
    } finally {
      await relay.stop();
    }
  });

  test("the volunteer and staff both check in offline: one session, hours counted once, confirmed by staff", async () => {
    const relay = await startRelay();
    try {
      const day = "2030-05-02";
      const at = (time) => new Date(`${day}T${time}:00+08:00`);
      const { staff, staffContext, phones } = await community(relay, { clock: at("07:30") });
      const { page: vol, context: volContext } = phones["张伟"];
      await addPost(staff, { title: "2号门卡口", start: "09:00", end: "13:00" });
      await openRecord(staff, "张伟", 2);
      await scheduled(staff, "2号门卡口", { day });
      await untilSynced(staff);

      // The volunteer's phone: the shift starts within the hour.
      await vol.clock.setFixedTime(at("08:55"));
      await go(vol, "/me?tab=shifts");
      await vol.locator("[data-action=check-in]").waitFor({ timeout: 30_000 });
      await untilControlled(vol);
      await untilControlled(staff);
      await volContext.setOffline(true);
      await staffContext.setOffline(true);
      await vol.locator("[data-action=check-in]").click();
      for (const item of PPE) await vol.locator(`.ppe-checklist input[name=ppe][value=${item}]`).check();
      await vol.locator("[data-action=confirm-check-in]").click();
      await vol.locator("[data-checked-in=true]").waitFor();

      // Staff, offline too, check the same volunteer in for the same duty.
      await staff.clock.setFixedTime(at("09:00"));
      await staff.locator("[data-action=proxy-check-in]").click();
      await staff.locator("[data-action=confirm-check-in]").waitFor();
      assert.ok(await staff.locator("[data-action=confirm-check-in]").isDisabled(), "the checklist first");
      for (const item of PPE) await staff.locator(`.ppe-checklist input[name=ppe][value=${item}]`).check();
      await staff.locator("[data-action=confirm-check-in]").click();
      await staff.locator(".vol-duty[data-on-duty=true]").waitFor();

      await volContext.setOffline(false);
      await staffContext.setOffline(false);
      await untilSynced(vol, 30_000);
      await untilSynced(staff, 30_000);
      // The earlier check-in (08:55, the volunteer's) opens the one session.
      await staff.locator(".vol-duty", { hasText: "08:55" }).waitFor({ timeout: 20_000 });

      await staff.clock.setFixedTime(at("13:00"));
      await staff.locator("[data-action=proxy-check-out]").click();
      await staff.locator(".vol-duty[data-on-duty=false]").waitFor();
      const dayRow = staff.locator(`.vol-day[data-day="${day}"]`);
      await dayRow.waitFor();
      assert.equal(await dayRow.getAttribute("data-sessions"), "1");
      assert.equal(await dayRow.getAttribute("data-minutes"), String(4 * 60 + 5));
      assert.equal(await dayRow.locator("[data-session]").count(), 1);
      assert.equal(await dayRow.getAttribute("data-confirmed"), "no");

      // (e) Staff confirm the day's hours.
      await dayRow.locator("[data-action=confirm-hours]").click();
      await staff.locator(`.vol-day[data-day="${day}"][data-confirmed=yes]`).waitFor();
      await inBothLanguages(staff, "volunteer-attendance");

      // The volunteer's phone has the check-out and the confirmation.
      await untilSynced(staff);
      await vol.locator("[data-checked-in=true]").waitFor({ state: "detached", timeout: 20_000 });
    } finally {
      await relay.stop();
    }
  });
});
