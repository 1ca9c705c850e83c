// The staff dashboard and reports (issue: every building's progress merged):
// on a phone holding the generated community, offline, every figure the
// dashboard shows equals the count this test makes from the documents
// itself (lib/progress.mjs, with the official automerge library); a lead
// sees the same for their building; the daily summary prints and exports
// the same numbers; and live, a volunteer's offline delivery reaches the
// staff dashboard once the volunteer is back online.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { go, inBothLanguages, launch, phone, screenshot } from "../lib/browser.mjs";
import { addBuilding, createCommunity, inviteLink, join, planRound, record, untilSynced } from "../lib/community.mjs";
import { makeFixture, offlinePhoneWith } from "../lib/fixture.mjs";
import { documents, expectedDashboard } from "../lib/progress.mjs";
import { startRelay } from "../lib/relay.mjs";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The `data-figure`s inside a locator, as name → text. */
async function figures(scope) {
  return scope.evaluate((root) =>
    Object.fromEntries([...root.querySelectorAll("[data-figure]")].map((e) => [e.dataset.figure, e.textContent.trim()]))
  );
}

/** Compares every figure on the page with the independent count. */
async function sameFigures(page, expected, day) {
  await page.locator(`[data-dashboard-day="${day}"]`).waitFor({ timeout: 30_000 });
  const community = await figures(page.locator("[data-scope=community]"));
  assert.deepEqual(community, expected.community, `${day}: the community's figures`);
  const shown = await page.locator(".building-day").evaluateAll((els) => els.map((e) => e.dataset.building));
  assert.deepEqual(shown, expected.order, `${day}: every building, by name`);
  for (const id of expected.order) {
    const got = await figures(page.locator(`.building-day[data-building="${id}"]`));
    assert.deepEqual(got, expected.buildings[id], `${day}: building ${id}`);
  }
  const groups = await page
    .locator("[data-needs-groups] [data-group]")
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.group, e.querySelector(".num").textContent.trim()])));
  assert.deepEqual(groups, expected.groups, `${day}: open needs by special group`);
}

describe("progress dashboard and reports", () => {
  test("every figure on the staff dashboard equals the count made from the generated community's documents, offline", async () => {
    const fixture = makeFixture("staff", { small: true });
    const docs = documents(fixture);
    const days = [...new Set(docs.rounds.map((r) => r.date))].sort();
    const [first, last] = [days[0], days[days.length - 1]];
    const relay = await startRelay();
    try {
      const { context, page } = await offlinePhoneWith(browser, relay, fixture);
      await go(page, `/dashboard?day=${last}`);
      const expected = expectedDashboard(docs, last);
      // The day in progress has something of everything to count.
      assert.ok(Number(expected.community["deliveries-problems"]) > 0);
      assert.ok(Number(expected.community["disinfection-overdue"]) > 0);
      assert.ok(Number(expected.community["testing-covered"]) > 0);
      assert.ok(Number(expected.community["needs-open"]) > 0);
      await sameFigures(page, expected, last);
      // Each building says as of when the relay last confirmed its documents.
      const synced = Object.values(fixture.sync_book.documents)[0].last_synced;
      const when = await page.evaluate((ms) => {
        const d = new Date(ms);
        const p = (n) => String(n).padStart(2, "0");
        return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
      }, synced);
      for (const text of await page.locator(".building-day [data-as-of]").allTextContents()) {
        assert.equal(text.trim(), `截至 ${when}`);
      }
      // Seven days of trend, the last one the day shown.
      assert.equal(await page.locator("[data-chart=trend] [data-trend-day]").count(), 7);
      assert.equal(await page.locator("[data-chart=trend] [data-trend-day]").last().getAttribute("data-trend-day"), last.slice(5));
      assert.equal(await page.locator("[data-chart=deliveries] [data-bar]").count(), expected.order.length);
      await inBothLanguages(page, "dashboard-phone");

      // The day before, by the arrow.
      await page.locator("[data-action=previous-day]").click();
      await sameFigures(page, expectedDashboard(docs, first), first);

      // A laptop shows the same page wider.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.locator("[data-action=next-day]").click();
      await sameFigures(page, expected, last);
      await screenshot(page, "dashboard-laptop-zh");
      await page.setViewportSize({ width: 360, height: 740 });

      // The printable daily summary has the same numbers, and so does its CSV.
      await page.locator("[data-action=daily-summary]").click();
      const table = page.locator("[data-report=daily-summary]");
      await table.locator("tbody tr").first().waitFor();
      const rows = await table.locator("tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
      assert.equal(rows.length, 1 + expected.order.length + 1, "header, a line per building, 合计");
      const names = Object.fromEntries(Object.entries(docs.community.buildings).map(([id, b]) => [b.name, id]));
      for (const row of rows.slice(1, -1)) {
        const e = expected.buildings[names[row[0]]];
        assert.deepEqual(
          [row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11], row[12]],
          [
            e["deliveries-done"], e["deliveries-doors"], e["deliveries-problems"],
            e["disinfection-done"], e["disinfection-points"], e["disinfection-overdue"],
            e["testing-covered"], e["testing-households"],
            e["needs-urgent"], e["needs-soon"], e["needs-routine"],
          ],
          `daily summary line of ${row[0]}`
        );
      }
      const total = rows[rows.length - 1];
      assert.equal(total[0], "合计");
      assert.equal(total[2], expected.community["deliveries-done"]);
      assert.equal(total[13], expected.community["needs-done-today"]);
      await screenshot(page, "daily-summary-zh");
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-action=export-csv]").click()]);
      const csv = readFileSync(await download.path(), "utf8");
      assert.ok(csv.startsWith("\uFEFF"), "a BOM, so Excel and WPS read Chinese");
      const lines = csv.slice(1).trim().split(/\r?\n/).map((l) => l.split(","));
      assert.deepEqual(lines, rows, "the CSV is the table on screen");
      const [xlsx] = await Promise.all([page.waitForEvent("download"), page.locator("[data-action=export-xlsx]").click()]);
      assert.match(xlsx.suggestedFilename(), /每日工作汇总.*\.xlsx$/);

      // The needs ledger lists every open need.
      await go(page, "/reports/needs");
      const open = Number(expected.community["needs-open"]);
      await page.locator(`[data-open-needs="${open}"]`).waitFor();
      assert.equal(await page.locator("[data-report=needs] tbody tr").count(), open);
      await inBothLanguages(page, "needs-report");
      await go(page, "/reports");
      await page.locator("[data-action=report-hours]").waitFor();
      await inBothLanguages(page, "reports");
      await context.close();
    } finally {
      await relay.stop();
    }
  });

  test("a building lead sees the same figures for their building only", async () => {
    const fixture = makeFixture("lead", { small: true });
    const docs = documents(fixture);
    const day = [...new Set(docs.rounds.map((r) => r.date))].sort().pop();
    const relay = await startRelay();
    try {
      const { context, page } = await offlinePhoneWith(browser, relay, fixture);
      await go(page, `/dashboard?day=${day}`);
      const expected = expectedDashboard(docs, day, { only: fixture.session.building });
      assert.equal(expected.order.length, 1);
      await sameFigures(page, expected, day);
      await screenshot(page, "dashboard-lead-zh");
      await context.close();
    } finally {
      await relay.stop();
    }
  });

  test("a volunteer's offline deliveries reach the staff dashboard when the volunteer is back online", async () => {
    const relay = await startRelay();
    try {
      const c = createCommunity(relay);
      const staffContext = await phone(browser);
      const staff = await staffContext.newPage();
      await join(staff, inviteLink(relay, c, "staff"), "王主任");
      await addBuilding(staff, "5号楼");
      const volunteerContext = await phone(browser);
      const volunteer = await volunteerContext.newPage();
      await join(volunteer, inviteLink(relay, c, "volunteer"), "小周");
      await untilSynced(volunteer);
      const doors = ["1单元 101", "1单元 102", "1单元 201"];
      const round = await planRound(staff, { building: "5号楼", title: "5号楼 配送", doors, volunteers: ["小周"] });
      await untilSynced(staff);
      await go(staff, "/dashboard");
      const building = staff.locator(".building-day", { hasText: "5号楼" });
      await building.locator('[data-figure=deliveries-doors]:text-is("3")').waitFor({ timeout: 15_000 });
      assert.equal(await building.locator("[data-figure=deliveries-done]").textContent(), "0");
      assert.match(await building.locator("[data-as-of]").textContent(), /截至 \d\d:\d\d/);

      await volunteer.goto(round);
      await volunteer.locator(`.stop[data-stop="${doors[0]}"]`).waitFor({ timeout: 30_000 });
      await volunteerContext.setOffline(true);
      await record(volunteer, doors[0], "delivered");
      await record(volunteer, doors[1], "delivered");
      await volunteer.locator('.sync-status[data-unsynced="1"]').waitFor();
      // Not on the staff phone while the volunteer is in the stairwell.
      await staff.waitForTimeout(1_000);
      assert.equal(await building.locator("[data-figure=deliveries-done]").textContent(), "0");

      await volunteerContext.setOffline(false);
      await building.locator('[data-figure=deliveries-done]:text-is("2")').waitFor({ timeout: 15_000 });
      assert.equal(await staff.locator("[data-scope=community] [data-figure=deliveries-pending]").textContent(), "1");
      assert.equal(await staff.locator("[data-scope=community] [data-figure=on-duty]").textContent(), "0");
      await screenshot(staff, "dashboard-live-zh");
    } finally {
      await relay.stop();
    }
  });
});
