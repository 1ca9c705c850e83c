// Field work on phones, end to end against the real relay: the household
// needs ledger (add, filter, import with a broken row, export), delivery
// rounds planned from needs (notes, undo, summary, who works which unit,
// the printed sheet), disinfection, nucleic-acid notice and registration,
// checkpoint duty, patrols, welfare checks that become needs, announcements
// and the psychological-support casebook. Every workflow has an offline,
// concurrent case, and every screen is photographed in Chinese and English.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { after, before, describe, test } from "node:test";
import { inBothLanguages, launch, phone, screenshot, untilControlled } from "../lib/browser.mjs";
import { addBuilding, admin, createCommunity, inviteLink, join, untilSynced } from "../lib/community.mjs";
import { startRelay } from "../lib/relay.mjs";

let browser;
const scratch = mkdtempSync(joinPath(tmpdir(), "linli-field-"));

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Staff, a building with its lead, and volunteers, all joined and synced. */
async function community(relay, { volunteers = [], leads = 1 } = {}) {
  const c = createCommunity(relay);
  const staffContext = await phone(browser);
  const staff = await staffContext.newPage();
  await join(staff, inviteLink(relay, c, "staff"), "王主任");
  await addBuilding(staff, "3号楼");
  const building = await staff.locator(".buildings li", { hasText: "3号楼" }).getAttribute("data-building");
  await untilSynced(staff);
  const leadPhones = [];
  for (let i = 0; i < leads; i++) {
    const context = await phone(browser);
    const page = await context.newPage();
    await join(page, inviteLink(relay, c, "lead", { building }), i === 0 ? "赵楼长" : `楼长${i + 1}`);
    await untilSynced(page);
    leadPhones.push({ context, page });
  }
  const link = inviteLink(relay, c, "volunteer");
  const phones = [];
  for (const name of volunteers) {
    const context = await phone(browser);
    const page = await context.newPage();
    await join(page, link, name);
    await untilSynced(page);
    phones.push({ name, context, page });
  }
  return { id: c, building, staff, staffContext, leads: leadPhones, lead: leadPhones[0]?.page, phones };
}

async function openLedger(page, building) {
  await page.goto(new URL(`/ledger/${building}`, page.url()).href);
  await page.locator("[data-ledger-counts]").waitFor({ timeout: 15_000 });
}

async function addHousehold(page, { unit, room, size = 1, phone: tel = "", groups = [] }) {
  const form = page.locator("form", { has: page.locator("[data-action=add-household]") });
  if (!(await form.isVisible())) await page.locator("[data-action=open-add-household]").click();
  await form.locator("input[name=unit]").fill(unit);
  await form.locator("input[name=room]").fill(room);
  await form.locator("input[name=size]").fill(String(size));
  await form.locator("input[name=phone]").fill(tel);
  for (const g of groups) await form.locator(`input[name=group][value=${g}]`).check();
  await form.locator("[data-action=add-household]").click();
  await page.locator(`.household[data-household="${unit} ${room}"]`).waitFor();
}

async function addNeed(page, building, door, { kind = "food", urgency = "routine", detail = "" }) {
  await openLedger(page, building);
  await page.locator(`.household[data-household="${door}"]`).click();
  await page.locator(`[data-household-title="${door}"]`).waitFor();
  await page.locator("select[name=need-kind]").selectOption(kind);
  await page.locator("select[name=need-urgency]").selectOption(urgency);
  await page.locator("input[name=need-detail]").fill(detail);
  await page.locator("[data-action=add-need]").click();
  await page.locator(".need", { hasText: detail || "" }).first().waitFor();
}

/** Plans a round of `kind` on the new-round form and returns its URL. */
async function planRound(page, { kind, title, lines = [], volunteers = [], times, useLedger, needs }) {
  await page.goto(new URL(`/rounds/new`, page.url()).href);
  await page.locator("#round-kind").selectOption(kind);
  const building = page.locator("#round-building");
  if (await building.count()) await building.selectOption({ label: "3号楼" });
  await page.locator("#round-title").fill(title);
  if (times) await page.locator("#round-times").fill(String(times));
  if (lines.length) await page.locator("#round-stops").fill(lines.join("\n"));
  if (useLedger === false) await page.locator("input[name=use-ledger]").uncheck();
  for (const n of needs ?? []) await page.locator(".need-choice", { hasText: n }).locator("input").check();
  for (const v of volunteers) await page.locator(".choice", { hasText: v }).locator("input").check();
  await page.locator("[data-action=create-round]").click();
  await page.locator("[data-round-title]", { hasText: title }).waitFor();
  return page.url();
}

async function openNeeds(page, building, door) {
  await openLedger(page, building);
  await page.locator(`.household[data-household="${door}"]`).click();
  await page.locator(`[data-household-title="${door}"]`).waitFor();
}

async function openRound(page, title) {
  await page.goto(new URL("/", page.url()).href);
  await page.locator(".rounds a", { hasText: title }).click({ timeout: 20_000 });
  await page.locator("[data-round-title]", { hasText: title }).waitFor({ timeout: 15_000 });
}

function stop(page, door) {
  return page.locator(`.stop[data-stop="${door}"]`);
}

async function tap(page, door, action, note) {
  await stop(page, door).locator(`[data-action=${action}]`).click();
  if (note !== undefined) {
    await stop(page, door).locator("input[name=note]").fill(note);
    await stop(page, door).locator("[data-action=confirm-note]").click();
  }
}

describe("field work", () => {
  test("household ledger: add, filter, needs, CSV import with a broken row, export; two phones offline merge", async () => {
    const relay = await startRelay();
    try {
      const { staff, lead, building } = await community(relay);
      await openLedger(lead, building);
      await addHousehold(lead, { unit: "1单元", room: "101", size: 1, phone: "13800000001", groups: ["elderly_alone"] });
      await addHousehold(lead, { unit: "1单元", room: "302", size: 3, groups: ["infant"] });
      await addHousehold(lead, { unit: "2单元", room: "201", size: 2 });
      // A form filled wrong says so in Chinese and adds nothing.
      await lead.locator("input[name=unit]").fill("2单元");
      await lead.locator("input[name=room]").fill("");
      await lead.locator("[data-action=add-household]").click();
      await lead.locator(".error", { hasText: "请填写房号" }).waitFor();

      await lead.locator("[data-filter=elderly_alone]").click();
      await lead.locator("[data-households='1']").waitFor();
      await lead.locator("[data-filter=all]").click();
      await lead.locator("[data-households='3']").waitFor();
      await addNeed(lead, building, "1单元 101", { kind: "medicine", urgency: "urgent", detail: "降压药 2 盒" });
      await inBothLanguages(lead, "household");

      // Import: one broken row means nothing is imported, and the row is named.
      await openLedger(lead, building);
      const broken = joinPath(scratch, "broken.csv");
      writeFileSync(broken, "\uFEFF单元,房号,人数,电话,特殊人群,备注\n3单元,501,2,,孕产妇,\n3单元,502,abc,,,\n3单元,601,1,13900000000,独居老人、残疾人,轮椅\n");
      await lead.locator("input[name=import-file]").setInputFiles(broken);
      const problems = lead.locator("[data-import-problems]");
      await problems.waitFor();
      assert.match(await problems.innerText(), /第 ?3 ?行/);
      await screenshot(lead, "ledger-import-problems-zh");
      await lead.locator("[data-households='3']").waitFor();
      const good = joinPath(scratch, "good.csv");
      writeFileSync(good, readFileSync(broken, "utf8").replace("3单元,502,abc", "3单元,502,4"));
      await lead.locator("input[name=import-file]").setInputFiles(good);
      await lead.locator("[data-import-ready='3']").waitFor();
      await lead.locator("[data-action=confirm-import]").click();
      await lead.locator("[data-imported='3']").waitFor();
      await lead.locator("[data-households='6']").waitFor();
      await lead.locator("[data-filter=elderly_alone]").click();
      await lead.locator("[data-households='2']").waitFor();
      await lead.locator("[data-filter=all]").click();
      await inBothLanguages(lead, "ledger");

      // One household, once: the form offers the household already there;
      // the same file again fails the check (not the import after it); a
      // picture is not a spreadsheet; wrong columns are all named.
      const form = lead.locator("form", { has: lead.locator("[data-action=add-household]") });
      if (!(await form.isVisible())) await lead.locator("[data-action=open-add-household]").click();
      await form.locator("input[name=unit]").fill("3单元");
      await form.locator("input[name=room]").fill("501");
      await form.locator("[data-action=add-household]").click();
      await lead.locator("[data-already='3单元 501']").waitFor();
      await screenshot(lead, "ledger-household-already-zh");
      await lead.locator("[data-households='6']").waitFor();
      await lead.locator("[data-action=open-existing]").click();
      await lead.locator("[data-household-title='3单元 501']").waitFor();
      await openLedger(lead, building);
      await lead.locator("input[name=import-file]").setInputFiles(good);
      await problems.waitFor();
      assert.equal(await lead.locator("[data-import-ready]").count(), 0, "checked against the ledger before any import");
      assert.match(await problems.innerText(), /已有|already/);
      const picture = joinPath(scratch, "photo.png");
      writeFileSync(picture, Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex"));
      await lead.locator("input[name=import-file]").setInputFiles(picture);
      await lead.locator("[data-import-problems]", { hasText: "不是表格文件" }).waitFor();
      const columns = joinPath(scratch, "columns.csv");
      writeFileSync(columns, "姓名,楼层,电话\n张三,5,13800000000\n");
      await lead.locator("input[name=import-file]").setInputFiles(columns);
      await lead.locator("[data-import-problems='3']").waitFor();
      for (const c of ["单元", "房号", "人数"]) assert.match(await problems.innerText(), new RegExp(`“${c}”`));

      // Export: the file read back holds every household and the open need.
      const [download] = await Promise.all([lead.waitForEvent("download"), lead.locator("[data-action=export-csv]").click()]);
      const csv = readFileSync(await download.path(), "utf8");
      assert.ok(csv.startsWith("\uFEFF"), "BOM for Excel and WPS");
      assert.equal(csv.trim().split(/\r?\n/).length, 7);
      assert.match(csv, /1单元,101,1,13800000001,独居老人/);
      assert.match(csv, /降压药 2 盒/);

      // Staff and the lead both edit the ledger offline; both edits arrive.
      await untilSynced(lead);
      await openLedger(staff, building);
      await staff.locator("[data-households='6']").waitFor({ timeout: 15_000 });
      await untilControlled(lead);
      await untilControlled(staff);
      await lead.context().setOffline(true);
      await staff.context().setOffline(true);
      await addHousehold(lead, { unit: "4单元", room: "101", size: 2 });
      await staff.locator(`.household[data-household="2单元 201"]`).click();
      await staff.locator("select[name=need-kind]").selectOption("food");
      await staff.locator("input[name=need-detail]").fill("大米 10 斤");
      await staff.locator("[data-action=add-need]").click();
      await staff.locator(".need", { hasText: "大米 10 斤" }).waitFor();
      await lead.context().setOffline(false);
      await staff.context().setOffline(false);
      for (const p of [lead, staff]) {
        await openLedger(p, building);
        await p.locator("[data-households='7']").waitFor({ timeout: 15_000 });
        await p.locator(".need", { hasText: "大米 10 斤" }).waitFor({ timeout: 15_000 });
      }
    } finally {
      relay.kill();
    }
  });

  test("delivery from open needs: notes, undo, who works which unit, the lead's summary, the printed sheet; offline duplicates", async () => {
    const relay = await startRelay();
    try {
      const { lead, building, phones } = await community(relay, { volunteers: ["小李", "小张"] });
      await openLedger(lead, building);
      await addHousehold(lead, { unit: "1单元", room: "101" });
      await addHousehold(lead, { unit: "1单元", room: "502" });
      await addHousehold(lead, { unit: "2单元", room: "301" });
      await addNeed(lead, building, "1单元 101", { kind: "medicine", urgency: "urgent", detail: "胰岛素" });
      await addNeed(lead, building, "1单元 502", { kind: "food", detail: "米 油" });
      await addNeed(lead, building, "2单元 301", { kind: "daily_goods", detail: "尿不湿" });
      await openLedger(lead, building);
      await lead.locator("[data-action=plan-from-needs]").click();
      await lead.locator("[data-needs] input:checked").nth(2).waitFor();
      await inBothLanguages(lead, "round-new");
      await lead.locator("#round-title").fill("3号楼 配送");
      for (const v of ["小李", "小张"]) await lead.locator(".choice", { hasText: v }).locator("input").check();
      await lead.locator("[data-action=create-round]").click();
      await lead.locator("[data-round-title]", { hasText: "3号楼 配送" }).waitFor();
      const roundUrl = lead.url();
      await untilSynced(lead);
      await openLedger(lead, building);
      assert.equal(await lead.locator(".need[data-status=planned]").count(), 3, "the needs are planned");

      const [a, b] = phones;
      for (const p of [a, b]) await openRound(p.page, "3号楼 配送");
      await stop(a.page, "1单元 101").locator(".items", { hasText: "胰岛素" }).waitFor();
      // Who works which unit, while online.
      await a.page.locator(".unit-card[data-unit='1单元'] [data-action=claim-unit]").click();
      await b.page.locator(".unit-card[data-unit='1单元'] [data-working]", { hasText: "小李" }).waitFor({ timeout: 10_000 });
      await screenshot(b.page, "round-working-here-zh");

      await tap(a.page, "1单元 101", "delivered");
      await tap(a.page, "1单元 502", "refused", "住户说不需要了");
      await tap(b.page, "2单元 301", "problem", "门口无人，电话关机");
      await tap(b.page, "2单元 301", "undo");
      await tap(b.page, "2单元 301", "no-answer");
      // The outcome a stop shows is the selected button, and only that one.
      await stop(a.page, "1单元 101").locator("[data-action=delivered][aria-pressed=true]").waitFor();
      assert.equal(await stop(a.page, "1单元 101").locator("[aria-pressed=true]").count(), 1);
      await stop(b.page, "2单元 301").locator("[data-action=no-answer][aria-pressed=true]").waitFor();
      for (const p of [a, b]) await untilSynced(p.page);

      // Offline, both deliver to one door.
      for (const p of [a, b]) {
        await untilControlled(p.page);
        await p.context.setOffline(true);
      }
      await tap(a.page, "2单元 301", "delivered");
      await tap(b.page, "2单元 301", "delivered");
      for (const p of [a, b]) await p.context.setOffline(false);
      for (const p of [a, b]) {
        await stop(p.page, "2单元 301").and(p.page.locator("[data-duplicate=true]")).waitFor({ timeout: 15_000 });
        await p.page.locator("[data-progress='2/3']").waitFor();
      }
      await inBothLanguages(a.page, "round-delivery");

      await lead.goto(roundUrl);
      await lead.locator("[data-summary='2/1/1']").waitFor({ timeout: 15_000 });
      await lead.locator("[data-problem='1单元 502']", { hasText: "住户说不需要了" }).waitFor();
      await inBothLanguages(lead, "round-summary");

      // What the doors said reached the ledger: delivered needs are done
      // (their history names the volunteer and the round), the refusal put
      // its need back to open with the resident's reason.
      await openNeeds(lead, building, "1单元 101");
      const insulin = lead.locator(".need", { hasText: "胰岛素" });
      await insulin.and(lead.locator("[data-status=done]")).waitFor({ timeout: 15_000 });
      await insulin.locator("[data-need-event=delivered]", { hasText: "小李" }).waitFor({ state: "attached" });
      await insulin.locator("[data-need-event=delivered]", { hasText: "3号楼 配送" }).waitFor({ state: "attached" });
      await insulin.locator(".need-history summary").click();
      await inBothLanguages(lead, "household-need-delivered");
      await openNeeds(lead, building, "1单元 502");
      const rice = lead.locator(".need", { hasText: "米 油" });
      await rice.and(lead.locator("[data-status=open]")).waitFor({ timeout: 15_000 });
      await rice.locator("[data-need-event=refused]", { hasText: "住户说不需要了" }).waitFor({ state: "attached" });
      await openNeeds(lead, building, "2单元 301");
      await lead.locator(".need[data-status=done]", { hasText: "尿不湿" }).waitFor({ timeout: 15_000 });
      await openLedger(lead, building);
      assert.equal(await lead.locator(".need[data-status]").count(), 1, "only the refused need is open");
      await lead.goto(roundUrl);
      await lead.locator("[data-summary='2/1/1']").waitFor({ timeout: 15_000 });
      await lead.locator("[data-action=print-sheet]").click();
      await lead.locator(".sheet tr[data-stop='1单元 101']").waitFor();
      assert.equal(await lead.locator(".sheet tr[data-stop]").count(), 3);
      await inBothLanguages(lead, "round-sheet");
    } finally {
      relay.kill();
    }
  });

  test("a lead set up from the command line as the README shows: building add, invite by the building's number, the lead's ledger works", async () => {
    const relay = await startRelay();
    try {
      const c = createCommunity(relay);
      // No building yet: the invite is refused, saying how to add one.
      assert.throws(
        () => admin(relay, ["invite", "create", "--community", c, "--role", "lead", "--building", "3"]),
        (e) => /no buildings yet/.test(String(e.stderr)) && /building add/.test(String(e.stderr)),
      );
      const id = admin(relay, ["building", "add", "--community", c, "--name", "3号楼"]);
      admin(relay, ["building", "add", "--community", c, "--name", "12号楼"]);
      assert.throws(() => admin(relay, ["building", "add", "--community", c, "--name", "3号楼"]), (e) => /already has/.test(String(e.stderr)));
      const listed = admin(relay, ["building", "list", "--community", c]).split("\n");
      assert.equal(listed.length, 2);
      assert.equal(listed[0], `${id}\t3号楼`, "by number: 3号楼 before 12号楼");
      assert.match(listed[1], /^\S+\t12号楼$/);
      assert.throws(
        () => admin(relay, ["invite", "create", "--community", c, "--role", "lead", "--building", "9"]),
        (e) => /no building "9"/.test(String(e.stderr)) && /3号楼/.test(String(e.stderr)) && /12号楼/.test(String(e.stderr)),
      );
      for (const given of ["3号楼", id]) {
        admin(relay, ["invite", "create", "--community", c, "--role", "lead", "--building", given, "--uses", "1", "--expires", "7d", "--url", relay.url]);
      }
      const link = admin(relay, ["invite", "create", "--community", c, "--role", "lead", "--building", "3", "--uses", "1", "--expires", "7d", "--url", relay.url]);
      const context = await phone(browser);
      const lead = await context.newPage();
      await join(lead, link, "赵楼长");
      await untilSynced(lead);
      await lead.locator("[data-action=open-ledger]").click({ timeout: 15_000 });
      await lead.locator("[data-ledger-building]", { hasText: "3号楼" }).waitFor({ timeout: 15_000 });
      await addHousehold(lead, { unit: "1单元", room: "101" });
      await untilSynced(lead);
      await screenshot(lead, "ledger-cli-lead-zh");
      // Storage is said once, on the device screen, with why; nothing on
      // other screens while nothing is at risk.
      assert.equal(await lead.locator(".footer .storage-status").count(), 0);
      await lead.goto(new URL("/device", lead.url()).href);
      await lead.locator(".storage-status:not([data-state=checking])").waitFor();
      await screenshot(lead, "device-storage-zh");
    } finally {
      relay.kill();
    }
  });

  test("a need closed by hand on the lead's phone while a refusal is recorded on a volunteer's, both offline, stays done everywhere and the dashboard counts it", async () => {
    const relay = await startRelay();
    try {
      const { staff, lead, leads, building, phones } = await community(relay, { volunteers: ["小李"] });
      await openLedger(lead, building);
      await addHousehold(lead, { unit: "1单元", room: "101" });
      await addNeed(lead, building, "1单元 101", { kind: "medicine", urgency: "urgent", detail: "降压药" });
      await planRound(lead, { kind: "delivery", title: "送药", volunteers: ["小李"], needs: ["降压药"] });
      await untilSynced(lead);
      const [v] = phones;
      await openRound(v.page, "送药");
      await openNeeds(lead, building, "1单元 101");
      await lead.locator(".need[data-status=planned]", { hasText: "降压药" }).waitFor({ timeout: 15_000 });

      for (const p of [v.page, lead]) await untilControlled(p);
      await v.context.setOffline(true);
      await leads[0].context.setOffline(true);
      await lead.locator(".need", { hasText: "降压药" }).locator("[data-action=need-done]").click();
      await lead.locator(".need[data-status=done]", { hasText: "降压药" }).waitFor();
      await tap(v.page, "1单元 101", "refused", "家属已经送来了");
      await v.context.setOffline(false);
      await untilSynced(v.page);
      // The staff phone carries the refusal into the ledger while the lead
      // is still offline: there the need is open again, for now.
      await openLedger(staff, building);
      await staff.locator(".need[data-status=open]", { hasText: "降压药" }).waitFor({ timeout: 20_000 });
      await leads[0].context.setOffline(false);
      await untilSynced(lead);
      for (const page of [lead, staff]) {
        await openNeeds(page, building, "1单元 101");
        const need = page.locator(".need", { hasText: "降压药" });
        await need.and(page.locator("[data-status=done]")).waitFor({ timeout: 20_000 });
        await need.locator("[data-need-event=refused]", { hasText: "家属已经送来了" }).waitFor({ state: "attached" });
      }
      await staff.goto(new URL("/dashboard", staff.url()).href);
      await staff.locator("[data-figure=needs-done-today]", { hasText: "1" }).first().waitFor({ timeout: 15_000 });
      await staff.locator("[data-figure=needs-open]", { hasText: "0" }).first().waitFor();
    } finally {
      relay.kill();
    }
  });

  test("disinfection: points × times a day, done with the time, overdue highlighted; two phones offline", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, { volunteers: ["小李", "小张"], leads: 0 });
      await planRound(staff, { kind: "disinfection", title: "3号楼 消杀", lines: ["电梯厅 ×2", "垃圾投放点 ×1", "楼梯间"], times: 2, volunteers: ["小李", "小张"] });
      await untilSynced(staff);
      const [a, b] = phones;
      for (const p of [a, b]) {
        await openRound(p.page, "3号楼 消杀");
        await untilControlled(p.page);
        await p.context.setOffline(true);
      }
      await tap(a.page, "电梯厅", "disinfected");
      await tap(b.page, "电梯厅", "disinfected");
      await tap(b.page, "垃圾投放点", "disinfected");
      await stop(a.page, "电梯厅").locator("[data-times='1/2']").waitFor();
      for (const p of [a, b]) await p.context.setOffline(false);
      for (const p of [a, b]) {
        await stop(p.page, "电梯厅").locator("[data-times='2/2']").waitFor({ timeout: 15_000 });
        await stop(p.page, "电梯厅").and(p.page.locator("[data-state=done]")).waitFor();
        await stop(p.page, "垃圾投放点").and(p.page.locator("[data-state=done]")).waitFor();
      }
      // Late in the evening, the point not done twice is overdue.
      const late = await staff.context().newPage();
      await late.clock.install({ time: new Date(Date.now()) });
      await late.goto(staff.url());
      await late.locator("[data-round-title]").waitFor();
      const day = await late.evaluate(() => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
      await late.clock.setFixedTime(new Date(`${day}T22:30:00+08:00`));
      await late.reload();
      await stop(late, "楼梯间").and(late.locator("[data-overdue=true]")).waitFor({ timeout: 15_000 });
      assert.equal(await stop(late, "电梯厅").getAttribute("data-overdue"), "false");
      await inBothLanguages(late, "round-disinfection");
    } finally {
      relay.kill();
    }
  });

  test("nucleic-acid testing: notice round from the ledger with the method, registration, counts per unit, households not reached", async () => {
    const relay = await startRelay();
    try {
      const { lead, building, phones } = await community(relay, { volunteers: ["小李", "小张"] });
      await openLedger(lead, building);
      for (const [unit, room] of [["1单元", "101"], ["1单元", "201"], ["2单元", "101"], ["2单元", "202"]]) {
        await addHousehold(lead, { unit, room });
      }
      await planRound(lead, { kind: "testing_notice", title: "核酸通知", volunteers: ["小李", "小张"] });
      const noticeUrl = lead.url();
      await untilSynced(lead);
      const [a, b] = phones;
      for (const p of [a, b]) {
        await openRound(p.page, "核酸通知");
        await untilControlled(p.page);
      }
      await a.page.locator("#round-method").selectOption("phone");
      await a.context.setOffline(true);
      await tap(a.page, "1单元 101", "notified");
      await tap(a.page, "1单元 201", "not-reached");
      await tap(b.page, "2单元 101", "notified");
      await a.context.setOffline(false);
      await untilSynced(a.page, 20_000);
      await inBothLanguages(a.page, "round-testing-notice");
      await lead.goto(noticeUrl);
      await lead.locator("[data-unit-count='1单元:1/2']").waitFor({ timeout: 15_000 });
      await lead.locator("[data-unit-count='2单元:1/2']").waitFor();
      const missing = await lead.locator("[data-not-reached]").innerText();
      assert.match(missing, /1单元 201/);
      assert.match(missing, /2单元 202/);
      assert.doesNotMatch(missing, /1单元 101/);
      await inBothLanguages(lead, "round-testing-summary");

      await planRound(lead, { kind: "testing_registration", title: "核酸登记", volunteers: ["小李"] });
      await untilSynced(lead);
      await openRound(a.page, "核酸登记");
      await tap(a.page, "1单元 101", "tested");
      await tap(a.page, "1单元 201", "absent");
      await tap(a.page, "2单元 101", "exempt");
      await a.page.locator("[data-progress='2/4']").waitFor();
      await inBothLanguages(a.page, "round-testing-registration");

      // A delivery to every household of the ledger, the same box for each.
      await lead.goto(new URL("/rounds/new", lead.url()).href);
      await lead.locator("input[name=all-households]").check();
      await lead.locator("#round-every-item").fill("蔬菜包");
      await lead.locator("#round-title").fill("统一发放蔬菜包");
      await lead.locator("[data-action=create-round]").click();
      await lead.locator("[data-round-title]", { hasText: "统一发放蔬菜包" }).waitFor();
      assert.equal(await lead.locator(".stop").count(), 4);
      assert.equal(await lead.locator(".stop .items", { hasText: "蔬菜包" }).count(), 4);
    } finally {
      relay.kill();
    }
  });

  test("checkpoint duty and patrol: entries and exits with totals offline on two phones, checkpoints with an incident note", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, { volunteers: ["小李", "小张"], leads: 0 });
      await planRound(staff, { kind: "checkpoint_shift", title: "北门 卡口 上午班", volunteers: ["小李", "小张"] });
      await untilSynced(staff);
      const shift = staff.url();
      const [a, b] = phones;
      for (const p of [a, b]) {
        await openRound(p.page, "北门 卡口 上午班");
        await untilControlled(p.page);
        await p.context.setOffline(true);
      }
      await a.page.locator("input[name=people]").fill("3");
      await a.page.locator("input[name=reason]").fill("保供车辆");
      await a.page.locator("[data-action=log-pass]").click();
      await b.page.locator("[data-action=exit]").click();
      await b.page.locator("input[name=people]").fill("1");
      await b.page.locator("input[name=temperature-ok]").uncheck();
      await b.page.locator("input[name=reason]").fill("就医");
      await b.page.locator("[data-action=log-pass]").click();
      await b.page.locator("[data-totals='0/1/1/1']").waitFor();
      for (const p of [a, b]) await p.context.setOffline(false);
      for (const p of [a, b]) await p.page.locator("[data-totals='3/1/2/1']").waitFor({ timeout: 15_000 });
      await inBothLanguages(b.page, "round-checkpoint");
      await staff.goto(shift);
      await staff.locator("[data-totals='3/1/2/1']").waitFor({ timeout: 15_000 });

      await planRound(staff, { kind: "patrol", title: "夜间巡逻", lines: ["北门", "地下车库", "3号楼后侧"], volunteers: ["小张"] });
      await untilSynced(staff);
      const patrol = staff.url();
      await openRound(b.page, "夜间巡逻");
      await tap(b.page, "北门", "checked");
      await tap(b.page, "地下车库", "incident", "车库灯坏了");
      await untilSynced(b.page);
      await inBothLanguages(b.page, "round-patrol");
      await staff.goto(patrol);
      await staff.locator("[data-problem='地下车库']", { hasText: "车库灯坏了" }).waitFor({ timeout: 15_000 });
    } finally {
      relay.kill();
    }
  });

  test("welfare check of elderly living alone: 'needs help' recorded offline becomes an urgent need in the ledger", async () => {
    const relay = await startRelay();
    try {
      const { lead, building, phones } = await community(relay, { volunteers: ["小李"] });
      await openLedger(lead, building);
      await addHousehold(lead, { unit: "1单元", room: "101", groups: ["elderly_alone"] });
      await addHousehold(lead, { unit: "1单元", room: "202", groups: ["elderly_alone"] });
      await addHousehold(lead, { unit: "2单元", room: "301" });
      await planRound(lead, { kind: "welfare_check", title: "独居老人探访", volunteers: ["小李"] });
      const url = lead.url();
      assert.equal(await lead.locator(".stop").count(), 2, "the welfare list, not every household");
      await untilSynced(lead);
      const [a] = phones;
      await openRound(a.page, "独居老人探访");
      await untilControlled(a.page);
      await a.context.setOffline(true);
      await tap(a.page, "1单元 101", "fine");
      await tap(a.page, "1单元 202", "needs-help", "药快吃完了，需要买降压药");
      await a.context.setOffline(false);
      await untilSynced(a.page, 20_000);
      await inBothLanguages(a.page, "round-welfare");
      // The lead's phone turns it into a need without the round being opened.
      await openLedger(lead, building);
      await lead.locator(".need[data-urgency=urgent]", { hasText: "药快吃完了" }).waitFor({ timeout: 15_000 });
      assert.equal(await lead.locator(".need", { hasText: "药快吃完了" }).count(), 1);
      await lead.goto(url);
      await lead.locator("[data-problem='1单元 202']").waitFor({ timeout: 15_000 });
    } finally {
      relay.kill();
    }
  });

  test("announcements: staff post offline, everyone sees them after sync, read state kept across reloads", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, { volunteers: ["小李"], leads: 0 });
      await staff.goto(new URL("/announcements", staff.url()).href);
      await untilControlled(staff);
      await staff.context().setOffline(true);
      await staff.locator("[data-action=post-announcement]").click();
      await staff.locator("[data-error=title]").waitFor();
      await staff.locator("#announcement-title").fill("明早7点全员核酸");
      await staff.locator("#announcement-body").fill("请各楼住户按单元顺序下楼，戴好口罩，间隔一米。");
      await staff.locator("[data-action=post-announcement]").click();
      await staff.locator(".announcement", { hasText: "明早7点全员核酸" }).waitFor();
      await staff.context().setOffline(false);
      await untilSynced(staff, 20_000);
      const [a] = phones;
      await a.page.goto(new URL("/announcements", a.page.url()).href);
      const item = a.page.locator(".announcement", { hasText: "明早7点全员核酸" });
      await item.waitFor({ timeout: 15_000 });
      assert.equal(await item.getAttribute("data-unread"), "true");
      await inBothLanguages(a.page, "announcements");
      await a.page.goto(new URL("/", a.page.url()).href);
      await a.page.locator(".announcement-badge[data-loaded=true][data-unread-count='1']").waitFor();
      await a.page.locator(".announcement-badge").click();
      await item.locator("button.announcement-head").click();
      await a.page.locator(".announcement[data-unread=false]", { hasText: "明早7点全员核酸" }).waitFor();
      await a.page.reload();
      await a.page.locator(".announcement[data-unread=false]", { hasText: "明早7点全员核酸" }).waitFor();
      await a.page.goto(new URL("/", a.page.url()).href);
      await a.page.locator(".announcement-badge[data-loaded=true][data-unread-count='0']").waitFor();
    } finally {
      relay.kill();
    }
  });

  test("psychological follow-ups: only qualified volunteers and staff see the casebook", async () => {
    const relay = await startRelay();
    try {
      const { staff, phones } = await community(relay, { volunteers: ["心理志愿者", "小张"], leads: 0 });
      await staff.goto(new URL("/casebook", staff.url()).href);
      await staff.locator("[data-action=create-casebook]").click();
      await staff.locator(".casebook-qualified label", { hasText: "心理志愿者" }).locator("input[name=qualified]").check();
      await staff.locator("[data-action=save-qualified]").click();
      await untilSynced(staff, 20_000);
      const [q, other] = phones;
      await q.page.goto(new URL("/casebook", q.page.url()).href);
      await q.page.locator("#followup-note").waitFor({ timeout: 30_000 });
      await q.page.locator("#followup-door").fill("3单元 502");
      await q.page.locator("#followup-note").fill("电话疏导 30 分钟，情绪平稳");
      await q.page.locator("[data-action=record-followup]").click();
      await q.page.locator(".followup", { hasText: "情绪平稳" }).waitFor();
      await untilSynced(q.page, 20_000);
      await staff.locator(".followup", { hasText: "情绪平稳" }).waitFor({ timeout: 15_000 });

      // The volunteer records offline while staff record online: both kept.
      await untilControlled(q.page);
      await q.context.setOffline(true);
      await q.page.locator("#followup-door").fill("3单元 502");
      await q.page.locator("#followup-note").fill("上门看望，已能正常作息");
      await q.page.locator("[data-action=record-followup]").click();
      await q.page.locator(".followup", { hasText: "已能正常作息" }).waitFor();
      await staff.locator("#followup-door").fill("1单元 101");
      await staff.locator("#followup-note").fill("转介社工跟进");
      await staff.locator("[data-action=record-followup]").click();
      await q.context.setOffline(false);
      for (const p of [q.page, staff]) {
        await p.locator(".followup", { hasText: "已能正常作息" }).waitFor({ timeout: 15_000 });
        await p.locator(".followup", { hasText: "转介社工跟进" }).waitFor({ timeout: 15_000 });
      }
      await inBothLanguages(q.page, "casebook");
      await other.page.goto(new URL("/casebook", other.page.url()).href);
      await other.page.locator("text=只有经过认定的心理志愿者和社区工作者可以查看").waitFor();
      assert.equal(await other.page.locator(".followup").count(), 0);
    } finally {
      relay.kill();
    }
  });
});
