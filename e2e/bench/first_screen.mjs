// Benchmark (not a test): time from navigation to the first screen showing
// data, on a phone whose IndexedDB holds what a member of the generated
// benchmark community holds, with the app served by the service worker and
// no network at all, at 4× CPU throttling (CDP). Prints JSON.
//
//   LINLI_SERVER_BIN=… LINLI_DIST=… node bench/first_screen.mjs FIXTURE.json SELECTOR [RUNS]
import { launch } from "../lib/browser.mjs";
import { offlinePhoneWith, readFixture } from "../lib/fixture.mjs";
import { startRelay } from "../lib/relay.mjs";

const [fixturePath, selector, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 7);
const fixture = readFixture(fixturePath);

const relay = await startRelay();
const browser = await launch();
try {
  // What the app would have written: the session and every document's snapshot.
  const { context, page } = await offlinePhoneWith(browser, relay, fixture);
  // Marks when the selector first matches, in ms since navigation started.
  await context.addInitScript((sel) => {
    new MutationObserver((_, observer) => {
      if (document.querySelector(sel)) {
        window.__firstData = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, selector);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const times = [];
  const marks = {};
  for (let i = 0; i < runs; i++) {
    await page.reload({ waitUntil: "commit" });
    await page.waitForSelector(selector, { timeout: 60_000 });
    times.push(await page.evaluate(() => window.__firstData));
    // Where the time went (marks the app sets; ms since navigation).
    for (const m of await page.evaluate(() =>
      performance.getEntriesByType("mark").map((e) => [e.name, e.startTime])
    )) {
      (marks[m[0]] ??= []).push(m[1]);
    }
  }
  const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
  times.sort((a, b) => a - b);
  const bytes = fixture.chunks.reduce((n, c) => n + c.bytes.length, 0);
  console.log(
    JSON.stringify({
      role: fixture.session.role,
      documents: fixture.chunks.length,
      stored_bytes: bytes,
      cpu_throttle: 4,
      runs,
      median_ms: Math.round(times[Math.floor(times.length / 2)]),
      min_ms: Math.round(times[0]),
      max_ms: Math.round(times[times.length - 1]),
      marks_median_ms: Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, median(v)])),
    })
  );
} finally {
  await browser.close();
  await relay.stop();
}
