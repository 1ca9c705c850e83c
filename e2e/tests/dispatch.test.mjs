// Volunteer management after the field: the dispatch board (who is on duty
// where, who is missing, moving a volunteer to another post under the
// training gate; a check-in made offline shows after reconnecting), service
// hours (check-ins at known times with a night across midnight, staff
// confirm a day, the CSV and Excel exports read back and checked cell by
// cell), the honour roll with its export and the backbone roster, and
// feedback written on a volunteer's phone read in the staff inbox. Every
// screen is photographed in Chinese and English.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { inflateRawSync } from "node:zlib";
import { PHONE, go, inBothLanguages, launch, screenshot } from "../lib/browser.mjs";
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

const HOUR = 3_600_000;
const BEIJING = 8 * HOUR;

/** A phone in the community's time zone, optionally with a clock the test sets. */
async function phoneAt({ clock } = {}) {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  if (clock) await context.clock.install({ time: clock });
  return context;
}

/** Staff and volunteers, all joined and synced. */
async function community(relay, volunteers, { clock } = {}) {
  const c = createCommunity(relay);
  const staffContext = await phoneAt();
  const staff = await staffContext.newPage();
  await join(staff, inviteLink(relay, c, "staff"), "王主任");
  await untilSynced(staff);
  const link = inviteLink(relay, c, "volunteer");
  const phones = {};
  for (const name of volunteers) {
    const context = await phoneAt({ clock });
    const page = await context.newPage();
    await join(page, link, name);
    await untilSynced(page);
    phones[name] = { context, page };
  }
  return { id: c, staff, staffContext, phones };
}

/** `YYYY-MM-DD` and `HH:MM` in Beijing for an instant. */
function beijing(ms) {
  const iso = new Date(ms + BEIJING).toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** The volunteer ticks the protective-equipment checklist and checks in. */
async function confirmCheckIn(page) {
  await page.locator(".ppe-checklist input[name=ppe]").first().waitFor();
  for (const box of await page.locator(".ppe-checklist input[name=ppe]").all()) await box.check();
  await page.locator("[data-action=confirm-check-in]").click();
  await page.locator("[data-action=check-out]").waitFor();
}

async function checkInAdHoc(page) {
  await go(page, "/me?tab=shifts");
  await page.locator("[data-action=check-in-adhoc]").click();
  await confirmCheckIn(page);
}

async function checkOut(page) {
  await page.locator("[data-action=check-out]").click();
  await page.locator(".me-checked-out").waitFor();
}

/** What the board shows: counts and, per line, the volunteer's state and group. */
async function board(page) {
  return {
    onDuty: Number(await page.locator("[data-count=on-duty]").getAttribute("data-n")),
    expected: Number(await page.locator("[data-count=expected]").getAttribute("data-n")),
  };
}

async function untilBoard(page, want, timeout = 20_000) {
  const start = Date.now();
  let seen;
  while (Date.now() - start < timeout) {
    seen = await board(page);
    if (seen.onDuty === want.onDuty && seen.expected === want.expected) return;
    await page.waitForTimeout(250);
  }
  assert.deepEqual(seen, want, "the board's counts");
}

/** The files inside a zip archive (stored or deflated), by name. */
function unzip(buffer) {
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, "a zip archive");
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const files = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buffer.readUInt32LE(at), 0x02014b50);
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const data = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const raw = buffer.subarray(data, data + size);
    files[name] = (method === 8 ? inflateRawSync(raw) : raw).toString("utf8");
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

const unescapeXml = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** The first sheet of an .xlsx as rows of cell texts (inline or shared strings, numbers). */
function sheetRows(buffer) {
  const files = unzip(buffer);
  const sheet = Object.keys(files).find((n) => /^xl\/worksheets\/sheet\d*\.xml$/.test(n));
  assert.ok(sheet, "a worksheet in the archive");
  const shared = [...(files["xl/sharedStrings.xml"] ?? "").matchAll(/<si>(.*?)<\/si>/gs)].map((m) =>
    unescapeXml([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join(""))
  );
  const col = (ref) => [...ref.replace(/\d+$/, "")].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return [...files[sheet].matchAll(/<row[^>]*>(.*?)<\/row>/gs)].map((row) => {
    const cells = [];
    for (const c of row[1].matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const [, ref, attrs, body = ""] = c;
      const inline = body.match(/<is>(.*?)<\/is>/s);
      const value = body.match(/<v>(.*?)<\/v>/s)?.[1] ?? "";
      let text;
      if (inline) text = unescapeXml([...inline[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join(""));
      else if (/t="s"/.test(attrs)) text = shared[Number(value)];
      else text = unescapeXml(value);
      cells[col(ref)] = text;
    }
    return Array.from(cells, (v) => v ?? "");
  });
}

/** A downloaded file: its suggested name and bytes. */
async function download(page, action) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.locator(`[data-action=${action}]`).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

const HEADER = ["姓名", "手机号", "项目名称", "服务日期", "开始时间", "结束时间", "服务时长（小时）"];

describe("dispatch, hours, honours and feedback", () => {
  test("dispatch board: check-ins show within seconds, an offline check-in after reconnecting, who is missing, moving under the training gate", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, ["张伟", "李娜", "王强", "赵敏"]);
      const now = Date.now();
      // A shift running now: from an hour ago (not before midnight) to two
      // hours on (not past midnight), Beijing time.
      const today = beijing(now).day;
      const from = beijing(Math.max(now - HOUR, Date.parse(`${today}T00:00:00+08:00`))).time;
      const toMs = Math.min(now + 2 * HOUR, Date.parse(`${today}T23:59:00+08:00`));
      const to = beijing(toMs).time;
      await addPost(staff, { title: "东门值守" });
      await addPost(staff, { title: "物资配送", category: "delivery", courses: ["g-protect-1"] });
      await addPost(staff, { title: "西门值守" });
      await scheduleByName(staff, "张伟", "东门值守", { day: today, start: from, end: to });
      await scheduleByName(staff, "李娜", "东门值守", { day: today, start: from, end: to });
      await untilSynced(staff);

      // 李娜 leaves a phone number so the board can call her.
      const lina = phones["李娜"].page;
      await go(lina, "/me?tab=profile");
      await lina.locator("input[name=phone]").fill("13800138000");
      await lina.locator("[data-action=save-profile]").click();
      await lina.locator(".me-saved").waitFor();

      // 张伟 checks in on his shift, 王强 without one.
      const zhang = phones["张伟"].page;
      await go(zhang, "/me?tab=shifts");
      await zhang.locator(".me-now [data-action=check-in]").click({ timeout: 20_000 });
      await confirmCheckIn(zhang);
      await checkInAdHoc(phones["王强"].page);

      await go(staff, "/dispatch");
      await untilBoard(staff, { onDuty: 2, expected: 1 });
      const east = staff.locator(".dispatch-post", { hasText: "东门值守" });
      await east.locator('.dispatch-line[data-state=on-duty][data-volunteer="张伟"]').waitFor();
      const missing = east.locator('.dispatch-line[data-state=expected][data-volunteer="李娜"]');
      await missing.waitFor();
      assert.equal(await missing.locator("[data-action=call]").getAttribute("href"), "tel:13800138000");
      const adHoc = staff.locator(".dispatch-post[data-post=none]");
      await adHoc.locator('.dispatch-line[data-volunteer="王强"]').waitFor();
      assert.match(await adHoc.locator(".dispatch-post-title").innerText(), /临时服务/);
      assert.match(await staff.locator("[data-dispatch-summary]").innerText(), /在岗 2 人 \/ 应到未到 1 人/);

      // 赵敏 checks in with no network: the board learns it after she reconnects.
      const zhao = phones["赵敏"];
      await zhao.context.setOffline(true);
      await checkInAdHoc(zhao.page);
      await staff.waitForTimeout(2_000);
      assert.deepEqual(await board(staff), { onDuty: 2, expected: 1 }, "an offline check-in is not on the board yet");
      await zhao.context.setOffline(false);
      await untilBoard(staff, { onDuty: 3, expected: 1 });
      await adHoc.locator('.dispatch-line[data-volunteer="赵敏"]').waitFor();

      // Moving 张伟 to the delivery post is refused: he has not passed the course.
      const line = east.locator('.dispatch-line[data-volunteer="张伟"]');
      await line.locator("[data-action=reassign]").click();
      const form = line.locator("[data-reassign]");
      await form.locator("[data-action=confirm-reassign]").click();
      assert.match(await form.locator("[data-error=reassign]").innerText(), /请先选择/);
      const delivery = await form.locator("select[name=reassign-post] option", { hasText: "物资配送" }).getAttribute("value");
      await form.locator("select[name=reassign-post]").selectOption(delivery);
      await form.locator("[data-action=confirm-reassign]").click();
      assert.match(await form.locator("[data-error=reassign]").innerText(), /不培训不上岗：还没有通过 .+/);
      await inBothLanguages(staff, "dispatch-board-refused");
      // The board refreshes under the open form and keeps it.
      const west = await form.locator("select[name=reassign-post] option", { hasText: "西门值守" }).getAttribute("value");
      await form.locator("select[name=reassign-post]").selectOption(west);
      await form.locator("[data-action=confirm-reassign]").click();
      await staff.locator("[data-dispatch=moved]", { hasText: "西门值守" }).waitFor();
      await staff
        .locator(".dispatch-post", { hasText: "西门值守" })
        .locator('.dispatch-line[data-volunteer="张伟"]')
        .waitFor();
      assert.equal(await east.locator('.dispatch-line[data-volunteer="张伟"]').count(), 0);
      await untilBoard(staff, { onDuty: 3, expected: 1 });
      await inBothLanguages(staff, "dispatch-board");

      // The volunteer's phone hears of the move.
      await untilSynced(staff);
      await go(zhang, "/me?tab=shifts");
      await zhang.locator(".me-on-duty", { hasText: "西门值守" }).waitFor({ timeout: 20_000 });

      // Offline, staff still see the board, as of the last sync.
      await staff.context().setOffline(true);
      await staff.locator("[data-dispatch-as-of]", { hasText: "离线" }).waitFor({ timeout: 15_000 });
      await untilBoard(staff, { onDuty: 3, expected: 1 });
      await staff.context().setOffline(false);

      // Checked out, 王强 leaves the board.
      await checkOut(phones["王强"].page);
      await untilBoard(staff, { onDuty: 2, expected: 1 });

      // A volunteer's phone does not open the board.
      await go(lina, "/dispatch");
      await lina.locator("[data-dispatch=not-allowed]").waitFor();
    } finally {
      await relay.stop();
    }
  });

  test("service hours: known check-in times and a night across midnight, staff confirm a day, CSV and Excel read back", async () => {
    const relay = await startRelay();
    try {
      const at = (s) => new Date(`${s}+08:00`);
      const { staff, phones } = await community(relay, ["张伟", "李娜"], { clock: at("2022-05-01T07:30:00") });
      const zhang = phones["张伟"].page;
      const lina = phones["李娜"].page;
      await go(zhang, "/me?tab=profile");
      await zhang.locator("input[name=phone]").fill("13900139000");
      await zhang.locator("[data-action=save-profile]").click();
      await zhang.locator(".me-saved").waitFor();

      // The phone's clock stands at the moment of each tap (timers keep running).
      const session = async (page, start, end) => {
        await page.clock.setFixedTime(at(start));
        await checkInAdHoc(page);
        await page.clock.setFixedTime(at(end));
        await checkOut(page);
      };
      await session(zhang, "2022-05-01T08:00:00", "2022-05-01T11:30:00");
      await session(zhang, "2022-05-01T22:00:00", "2022-05-02T01:00:00");
      await session(lina, "2022-05-01T09:00:00", "2022-05-01T17:30:00");
      await untilSynced(zhang);
      await untilSynced(lina);

      await go(staff, "/hours");
      // Bad ranges say what is wrong and keep the page.
      await staff.locator("input[name=hours-from]").fill("2022-05-03");
      await staff.locator("input[name=hours-to]").fill("2022-05-01");
      await staff.locator("[data-error=to]").waitFor();
      await staff.locator("[data-hours=none]", { hasText: "请先改正日期范围" }).waitFor();
      await staff.locator("input[name=hours-from]").fill("2022-05-01");
      await staff.locator("input[name=hours-to]").fill("2022-05-02");
      const day1 = staff.locator('.hours-day[data-day="2022-05-01"]');
      const day2 = staff.locator('.hours-day[data-day="2022-05-02"]');
      await day1.locator('.hours-entry[data-volunteer="张伟"]').waitFor({ timeout: 20_000 });
      await day1.locator('.hours-entry[data-volunteer="李娜"]').waitFor({ timeout: 20_000 });
      const zhang1 = day1.locator('.hours-entry[data-volunteer="张伟"]');
      assert.equal(await zhang1.getAttribute("data-minutes"), String(210 + 120));
      assert.deepEqual(
        await zhang1.locator(".hours-session").evaluateAll((l) => l.map((e) => `${e.dataset.start}-${e.dataset.end}`)),
        ["08:00-11:30", "22:00-24:00"]
      );
      assert.equal(await day2.locator('.hours-entry[data-volunteer="张伟"] .hours-session').getAttribute("data-start"), "00:00");
      // 8.5 hours in a day is flagged.
      await day1.locator('.hours-entry[data-volunteer="李娜"] [data-over-cap]').waitFor();
      assert.equal(await staff.locator('tr[data-total="张伟"]').getAttribute("data-minutes"), String(210 + 120 + 60));

      // Nothing confirmed yet: the confirmed-only export says so.
      await staff.locator("input[name=only-confirmed]").check();
      await staff.locator("[data-action=export-hours-csv]").click();
      await staff.locator("[data-hours-message=error]").waitFor();

      // Confirm the first day for everyone, the second stays pending.
      await day1.locator("[data-action=confirm-day]").click();
      await day1.locator('.hours-entry[data-volunteer="张伟"][data-state=confirmed]').waitFor();
      await day1.locator('.hours-entry[data-volunteer="李娜"][data-state=confirmed]').waitFor();
      await day2.locator('.hours-entry[data-volunteer="张伟"][data-state=pending]').waitFor();
      assert.ok(await day1.locator("[data-action=confirm-day]").isDisabled());
      await inBothLanguages(staff, "hours");

      // Confirmed only, as CSV: UTF-8 with BOM, the platform's header, the exact times.
      const csv = await download(staff, "export-hours-csv");
      assert.equal(csv.name, "服务时长-和平里社区-2022-05-01至2022-05-02.csv");
      assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "starts with the UTF-8 BOM");
      const lines = csv.bytes.toString("utf8").slice(1).trimEnd().split(/\r\n/);
      assert.deepEqual(lines, [
        HEADER.join(","),
        "张伟,13900139000,和平里社区疫情防控志愿服务,2022-05-01,08:00,11:30,3.5",
        "张伟,13900139000,和平里社区疫情防控志愿服务,2022-05-01,22:00,24:00,2",
        "李娜,,和平里社区疫情防控志愿服务,2022-05-01,09:00,17:30,8.5",
      ]);

      // Every row, as Excel: the same cells, the night's second half on the next day.
      await staff.locator("input[name=only-confirmed]").uncheck();
      const xlsx = await download(staff, "export-hours-xlsx");
      assert.equal(xlsx.name, "服务时长-和平里社区-2022-05-01至2022-05-02.xlsx");
      assert.deepEqual(sheetRows(xlsx.bytes), [
        HEADER,
        ["张伟", "13900139000", "和平里社区疫情防控志愿服务", "2022-05-01", "08:00", "11:30", "3.5"],
        ["张伟", "13900139000", "和平里社区疫情防控志愿服务", "2022-05-01", "22:00", "24:00", "2"],
        ["李娜", "", "和平里社区疫情防控志愿服务", "2022-05-01", "09:00", "17:30", "8.5"],
        ["张伟", "13900139000", "和平里社区疫情防控志愿服务", "2022-05-02", "00:00", "01:00", "1"],
      ]);

      // Confirming the second day, offline: kept on the phone, on the relay later.
      await staff.context().setOffline(true);
      await day2.locator('.hours-entry[data-volunteer="张伟"] [data-action=confirm-hours]').click();
      await day2.locator('.hours-entry[data-volunteer="张伟"][data-state=confirmed]').waitFor();
      await staff.context().setOffline(false);
      await untilSynced(staff);
      // The volunteer sees the confirmation on their phone.
      await go(zhang, "/me?tab=hours");
      await zhang.locator('.me-day[data-day="2022-05-02"][data-confirmed=true]').waitFor({ timeout: 20_000 });

      // An empty range says so.
      await staff.locator("input[name=hours-from]").fill("2022-06-01");
      await staff.locator("input[name=hours-to]").fill("2022-06-07");
      await staff.locator("[data-hours=none]", { hasText: "没有已签退的服务记录" }).waitFor();
      await inBothLanguages(staff, "hours-empty");
    } finally {
      await relay.stop();
    }
  });

  test("honours and feedback: staff honour a volunteer everyone reads, withdraw one, export the list, keep a backbone roster; feedback from /me reaches the inbox", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, ["张伟", "李娜"]);
      const zhang = phones["张伟"].page;

      // Feedback and a suggestion on the volunteer's phone, one of them offline.
      await go(zhang, "/me?tab=feedback");
      await zhang.locator("button[data-kind=feedback]").click();
      await zhang.locator("textarea[name=feedback]").fill("今天东门测温枪没电了，换了两次电池。");
      await zhang.locator("[data-action=send-feedback]").click();
      await zhang.locator("[data-sent]").waitFor();
      await phones["张伟"].context.setOffline(true);
      await zhang.locator("button[data-kind=suggestion]").click();
      await zhang.locator("textarea[name=feedback]").fill("建议在楼道口贴消杀时间表，居民更放心。");
      await zhang.locator("[data-action=send-feedback]").click();
      await zhang.locator("[data-sent]").waitFor();
      await phones["张伟"].context.setOffline(false);
      await untilSynced(zhang);

      await go(staff, "/feedback");
      const items = staff.locator(".feedback-item");
      await staff.locator('.feedback-item[data-kind=suggestion][data-volunteer="张伟"]').waitFor({ timeout: 20_000 });
      await staff.locator('.feedback-item[data-kind=feedback][data-volunteer="张伟"]').waitFor();
      assert.match(await items.first().innerText(), /消杀时间表/, "newest first");
      await staff.locator("[data-filter=suggestion]").click();
      assert.equal(await items.count(), 1);
      assert.match(await items.first().innerText(), /张伟/);
      await staff.locator("[data-filter=all]").click();
      assert.equal(await items.count(), 2);
      await inBothLanguages(staff, "feedback");

      // An honour needs a volunteer and a story.
      await go(staff, "/honours");
      await staff.locator("[data-honours=none]").waitFor();
      await staff.locator("[data-action=add-honour]").click();
      await staff.locator("[data-error=person]").waitFor();
      await staff.locator("[data-error=story]").waitFor();
      const person = async (name) =>
        staff.locator("select[name=honour-person] option", { hasText: name }).getAttribute("value");
      await staff.locator("select[name=honour-person]").selectOption(await person("张伟"));
      await staff.locator("textarea[name=honour-story]").fill("连续十天为3号楼独居老人送菜送药，夜里还帮忙转运物资。");
      await staff.locator("[data-action=add-honour]").click();
      await staff.locator('.honour[data-honour="张伟"]').waitFor();
      // One entered by mistake is withdrawn, after a second tap.
      await staff.locator("select[name=honour-person]").selectOption(await person("李娜"));
      await staff.locator("textarea[name=honour-story]").fill("录错了");
      await staff.locator("[data-action=add-honour]").click();
      const mistake = staff.locator('.honour[data-honour="李娜"]');
      await mistake.locator("[data-action=withdraw-honour]").click();
      await mistake.locator("[data-action=cancel-withdraw]").click();
      await mistake.locator("[data-action=withdraw-honour]").click();
      await mistake.locator("[data-action=confirm-withdraw]").click();
      await mistake.waitFor({ state: "detached" });

      // The list exports for the community's reports.
      const csv = await download(staff, "export-honours-csv");
      assert.match(csv.name, /^优秀志愿者-和平里社区-\d{4}-\d{2}-\d{2}\.csv$/);
      const rows = csv.bytes.toString("utf8").replace(/^\ufeff/, "").trimEnd().split(/\r\n/);
      assert.equal(rows[0], "姓名,事迹,表彰日期");
      assert.equal(rows.length, 2);
      assert.match(rows[1], /^张伟,连续十天为3号楼独居老人送菜送药，夜里还帮忙转运物资。,\d{4}-\d{2}-\d{2}$/);

      // The backbone roster for the next call-up.
      const backbone = staff.locator(".backbone");
      await backbone.locator("[data-backbone=none]").waitFor();
      const option = await backbone.locator("select[name=backbone-person] option", { hasText: "张伟" }).getAttribute("value");
      await backbone.locator("select[name=backbone-person]").selectOption(option);
      await backbone.locator("[data-action=add-backbone]").click();
      await backbone.locator('.backbone-item[data-backbone="张伟"]').waitFor();
      await untilSynced(staff);
      await inBothLanguages(staff, "honours-staff");

      // Everyone reads the honour roll.
      await go(zhang, "/honours");
      await zhang.locator('.honour[data-honour="张伟"]', { hasText: "独居老人" }).waitFor({ timeout: 20_000 });
      assert.equal(await zhang.locator('.honour[data-honour="李娜"]').count(), 0, "the withdrawn one is not shown");
      assert.equal(await zhang.locator("[data-action=withdraw-honour], .honour-form, .backbone").count(), 0);
      await inBothLanguages(zhang, "honours-volunteer");

      // The inbox is staff's.
      await go(zhang, "/feedback");
      await zhang.locator("[data-feedback=not-allowed]").waitFor();
    } finally {
      await relay.stop();
    }
  });
});
