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

/** Opens a path of the app on the page's origin. */
export function go(page, path) {
  return page.goto(new URL(path, page.url()).href);
}

/**
 * Photographs the page in Chinese (`NAME-zh.png`), then in English
 * (`NAME-en.png`), and switches back. From the top, so the sticky top bar is
 * where it belongs in a full-page picture.
 */
export async function inBothLanguages(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await fitsTheScreen(page, `${name} (zh)`);
  await screenshot(page, `${name}-zh`);
  await page.getByRole("button", { name: "切换为英文" }).click();
  await page.locator("html[lang=en]").waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await fitsTheScreen(page, `${name} (en)`);
  await screenshot(page, `${name}-en`);
  await page.getByRole("button", { name: /Chinese|中文/ }).click();
  await page.locator("html[lang=zh-CN]").waitFor();
}

/**
 * Fails when the page is wider than the phone's screen (something would
 * need sideways scrolling), naming the elements that stick out.
 */
export async function fitsTheScreen(page, what) {
  const wide = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .slice(-5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} right=${Math.round(e.getBoundingClientRect().right)}`);
  });
  if (wide.length) throw new Error(`${what} is wider than the ${await page.evaluate(() => document.documentElement.clientWidth)} px screen: ${wide.join("; ")}`);
}
