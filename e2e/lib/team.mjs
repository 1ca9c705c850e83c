// The volunteer team as staff set it up on their phone: posts on the post
// form, shifts from a volunteer's record.
import assert from "node:assert/strict";
import { go } from "./browser.mjs";

/** Staff add a post (a checkpoint unless told) on the post form. */
export async function addPost(
  page,
  { title, category = "checkpoint", start = "08:00", end = "12:00", courses = [], insurance = false },
) {
  await go(page, "/posts/new");
  await page.locator("select[name=post-category]").selectOption(category);
  await page.locator("input[name=post-title]").fill(title);
  await page.locator("textarea[name=post-requirements]").fill("身体健康，熟悉小区");
  await page.locator("textarea[name=post-content]").fill("测温、查验通行证、登记出入");
  await page.locator("input[name=post-headcount]").fill("2");
  await page.locator("input[name=post-shift-start]").fill(start);
  await page.locator("input[name=post-shift-end]").fill(end);
  for (const course of courses) await page.locator(`input[name=post-course][value="${course}"]`).check();
  if (insurance) await page.locator("input[name=post-insurance]").check();
  await page.locator("[data-action=save-post]").click();
  await page.waitForURL(/\/posts$/);
}

/**
 * Staff schedule a volunteer (by name, from the volunteer list) on a post (by
 * title), `day` `YYYY-MM-DD` from `start` to `end` (`HH:MM`, Beijing time);
 * fails with the app's words if it is refused.
 */
export async function scheduleByName(page, name, title, { day, start, end }) {
  await go(page, "/volunteers");
  await page.locator(`.vol-item[data-name="${name}"]`).click({ timeout: 20_000 });
  const form = page.locator("form.schedule-form");
  await form.waitFor({ timeout: 20_000 });
  const value = await form.locator("select[name=shift-post] option", { hasText: title }).getAttribute("value");
  await form.locator("select[name=shift-post]").selectOption(value);
  await form.locator("input[name=shift-date]").fill(day);
  await form.locator("input[name=shift-start]").fill(start);
  await form.locator("input[name=shift-end]").fill(end);
  await form.locator("[data-action=schedule]").click();
  const outcome = form.locator("[data-scheduled], [data-refusal], [data-error]").first();
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute("data-scheduled"), "", `scheduled: ${await outcome.innerText()}`);
}
