// The app shell on a 360×740 phone: Chinese first, English on request and
// remembered, the real online state, offline reloads from the service worker,
// and installability.
import assert from "node:assert/strict";
import { cpSync, statSync, utimesSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launch, persistentPhone, phone, screenshot, untilControlled } from "../lib/browser.mjs";
import { startRelay } from "../lib/relay.mjs";

let relay;
let browser;

before(async () => {
  relay = await startRelay();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

describe("app shell", () => {
  test("renders Chinese first with <html lang=zh-CN>", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(relay.url);
    await page.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    assert.equal(await page.title(), "邻里 Linli");
    await page.getByText("谁在用邻里").waitFor();
    // A phone that has not joined holds nothing to lose: no storage line.
    assert.equal(await page.locator(".storage-status").count(), 0);
    await screenshot(page, "shell-zh");
    await context.close();
  });

  test("switching to English changes the text and <html lang>, and is remembered", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(relay.url);
    await page.getByRole("button", { name: "切换为英文" }).click();
    await page.getByRole("heading", { level: 1, name: "Welcome to Linli" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    await screenshot(page, "shell-en");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Welcome to Linli" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "en");

    await page.getByRole("button", { name: "Switch to Chinese" }).click();
    await page.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    await context.close();
  });

  test("the connection indicator follows the browser's real online state", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(relay.url);
    const indicator = page.getByRole("status").filter({ hasText: /在线|离线/ });
    await indicator.filter({ hasText: "在线" }).waitFor();
    await context.setOffline(true);
    await indicator.filter({ hasText: "离线" }).waitFor();
    assert.equal(await page.locator(".connection").getAttribute("data-online"), "false");
    await screenshot(page, "shell-offline-zh");
    await context.setOffline(false);
    await indicator.filter({ hasText: "在线" }).waitFor();
    await context.close();
  });

  test("after one online load, the app reloads offline from the service worker", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(relay.url);
    await page.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
    await untilControlled(page);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
    assert.equal(await page.locator(".connection").getAttribute("data-online"), "false");

    // A deep link never visited online still opens: navigations fall back to the cached shell.
    await page.goto(new URL("/no/such/page", relay.url).href);
    await page.getByRole("heading", { level: 1, name: "页面不存在" }).waitFor();
    await screenshot(page, "not-found-offline-zh");

    // Live endpoints are never answered from the cache.
    const health = await page.evaluate(() => fetch("/healthz").then(() => "answered", () => "failed"));
    assert.equal(health, "failed");
    await context.close();
  });

  test("a new release's service worker takes over and removes the old caches", async () => {
    // Serve a copy of dist/ so the test can publish a "new release" in place.
    const dist = mkdtempSync(join(tmpdir(), "linli-e2e-dist-"));
    cpSync(process.env.LINLI_DIST, dist, { recursive: true });
    const own = await startRelay({ dist });
    const context = await phone(browser);
    try {
      const page = await context.newPage();
      await page.goto(own.url);
      await untilControlled(page);
      const before = await page.evaluate(() => caches.keys());
      assert.equal(before.filter((n) => n.startsWith("linli-shell-")).length, 1, `caches: ${before}`);

      const sw = readFileSync(join(dist, "sw.js"), "utf8");
      const next = sw.replace(/const CACHE_VERSION = "([0-9a-f]+)"/, 'const CACHE_VERSION = "$1next"');
      assert.notEqual(next, sw);
      for (const f of ["sw.js.br", "sw.js.gz"]) rmSync(join(dist, f), { force: true });
      writeFileSync(join(dist, "sw.js"), next);
      // Published later than the copy the phone has: the relay answers a
      // revalidation by Last-Modified, to the second, so a release written in
      // the same second as the copy would look unchanged (304).
      const later = new Date(statSync(join(dist, "index.html")).mtimeMs + 10_000);
      utimesSync(join(dist, "sw.js"), later, later);

      const after = await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        const activated = new Promise((resolve) =>
          reg.addEventListener("updatefound", () => {
            const worker = reg.installing;
            worker.addEventListener("statechange", () => worker.state === "activated" && resolve());
          })
        );
        await reg.update();
        const late = new Promise((_, reject) => setTimeout(() => reject(new Error("the new worker did not activate in 60 s")), 60_000));
        await Promise.race([activated, late]);
        return caches.keys();
      });
      const shells = after.filter((n) => n.startsWith("linli-shell-"));
      assert.equal(shells.length, 1, `caches: ${after}`);
      assert.ok(shells[0].endsWith("next"), `caches: ${after}`);
      // and the new release still serves the shell offline
      await context.setOffline(true);
      await page.reload();
      await page.getByRole("heading", { level: 1, name: "欢迎使用邻里" }).waitFor();
    } finally {
      await context.close();
      await own.stop();
      rmSync(dist, { recursive: true, force: true });
    }
  });

  test("the manifest has no errors and the app is installable", async () => {
    const phoneProfile = await persistentPhone();
    try {
      const page = phoneProfile.context.pages()[0] ?? (await phoneProfile.context.newPage());
      await page.goto(relay.url);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await untilControlled(page);
      const cdp = await phoneProfile.context.newCDPSession(page);
      const manifest = await cdp.send("Page.getAppManifest");
      assert.deepEqual(manifest.errors, [], JSON.stringify(manifest.errors));
      const parsed = JSON.parse(manifest.data);
      assert.equal(parsed.lang, "zh-CN");
      assert.equal(parsed.display, "standalone");
      assert.ok(parsed.icons.some((i) => i.purpose === "maskable"));
      const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
      assert.deepEqual(installabilityErrors, [], JSON.stringify(installabilityErrors));
    } finally {
      await phoneProfile.close();
    }
  });
});
