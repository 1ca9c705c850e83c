// Benchmark (not a test): how long the staff dashboard takes to render, at
// 4× CPU throttling (CDP), offline, on a staff phone holding the whole
// generated benchmark community (every ledger, round and volunteer
// document). Five figures, each the median of RUNS:
//   open today — tapping 工作进度 on the home screen as soon as it lists the
//                rounds (documents loaded, ledgers and volunteers not yet
//                read) until the community's figures are on screen;
//   open later — the same once the home screen has read ahead (ledgers and
//                volunteers read while idle, a second or two after start);
//   open day   — tapping back from the daily summary to the dashboard of
//                the last generated day (a full day of rounds to count);
//   previous   — tapping "previous day" until that day's figures are shown;
//   cold       — navigating to /dashboard (app from the service worker, every
//                document read from IndexedDB) until the figures are shown.
// Prints JSON.
//
//   LINLI_SERVER_BIN=… LINLI_DIST=… node bench/dashboard.mjs FIXTURE.json [RUNS]
import { launch } from "../lib/browser.mjs";
import { offlinePhoneWith, readFixture } from "../lib/fixture.mjs";
import { startRelay } from "../lib/relay.mjs";

const [fixturePath, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 7);
const fixture = readFixture(fixturePath);
const SHOWN = "[data-scope=community]";

/** Runs `act` in the page and resolves with the ms until `selector` matches. */
async function timed(page, selector, act) {
  return page.evaluate(
    ({ selector, act }) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        const done = () => {
          if (document.querySelector(selector)) {
            observer.disconnect();
            resolve(performance.now() - t0);
            return true;
          }
          return false;
        };
        const observer = new MutationObserver(done);
        observer.observe(document, { childList: true, subtree: true, attributes: true });
        document.querySelector(act).click();
      }),
    { selector, act }
  );
}

const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);

const relay = await startRelay();
const browser = await launch();
try {
  const { context, page } = await offlinePhoneWith(browser, relay, fixture);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  // The last day of the generated rounds: a full day of work to count.
  const last = fixture.last_day;
  await context.addInitScript((sel) => {
    new MutationObserver((_, observer) => {
      if (document.querySelector(sel)) {
        window.__shown = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, SHOWN);

  const open = [];
  const later = [];
  const openDay = [];
  const day = [];
  const cold = [];
  for (let i = 0; i < runs; i++) {
    // Home first, with every document loaded (the staff home lists rounds).
    await page.goto(new URL("/", relay.url).href);
    await page.locator("[data-action=dashboard]").waitFor({ timeout: 120_000 });
    await page.locator(".rounds .list-item").first().waitFor({ timeout: 120_000 });
    open.push(await timed(page, SHOWN, "[data-action=dashboard]"));
    await page.goto(new URL("/", relay.url).href);
    await page.waitForFunction(() => performance.getEntriesByName("read ahead").length > 0, null, { timeout: 120_000 });
    later.push(await timed(page, SHOWN, "[data-action=dashboard]"));
    if (last) {
      await page.goto(new URL(`/reports/daily?day=${last}`, relay.url).href);
      await page.locator("[data-report=daily-summary] tbody tr").first().waitFor({ timeout: 120_000 });
      openDay.push(await timed(page, `[data-dashboard-day="${last}"]`, "[data-action=back-to-dashboard]"));
      const before = await page.evaluate((d) => {
        const t = new Date(`${d}T00:00:00Z`);
        t.setUTCDate(t.getUTCDate() - 1);
        return t.toISOString().slice(0, 10);
      }, last);
      day.push(await timed(page, `[data-dashboard-day="${before}"]`, "[data-action=previous-day]"));
      await page.goto(new URL(`/dashboard?day=${last}`, relay.url).href, { waitUntil: "commit" });
      await page.locator(`[data-dashboard-day="${last}"]`).waitFor({ timeout: 120_000 });
      cold.push(await page.evaluate(() => window.__shown));
    }
  }
  const bytes = fixture.chunks.reduce((n, c) => n + c.bytes.length, 0);
  console.log(
    JSON.stringify({
      role: fixture.session.role,
      documents: fixture.chunks.length,
      stored_bytes: bytes,
      cpu_throttle: 4,
      runs,
      open_today_median_ms: median(open),
      open_later_median_ms: median(later),
      open_day_median_ms: openDay.length ? median(openDay) : null,
      open_day_max_ms: openDay.length ? Math.round(Math.max(...openDay)) : null,
      previous_day_median_ms: day.length ? median(day) : null,
      cold_median_ms: cold.length ? median(cold) : null,
      cold_max_ms: cold.length ? Math.round(Math.max(...cold)) : null,
    })
  );
} finally {
  await browser.close();
  await relay.stop();
}
