// Debian's Chromium driven by playwright-core: headless, no network beyond
// loopback, a fresh profile every launch. Phones are browser contexts.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "screenshots");

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A phone: a fresh browser context at 360×740 with the given locale. */
export async function phone(browser, { locale = "zh-CN" } = {}) {
  return browser.newContext({ ...PHONE, locale });
}

/**
 * A non-incognito profile, for what Chromium refuses in incognito contexts
 * (installability). Returns the context and a cleanup function.
 */
export async function persistentPhone({ locale = "zh-CN" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "linli-e2e-profile-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ...PHONE,
    locale,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Waits until a service worker controls the page (the shell is precached). */
export async function untilControlled(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
  });
}
