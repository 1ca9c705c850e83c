// Zones, posts and the training catalogue, end to end against the real
// relay: staff set a building's zone from a day and see the guideline's
// recommended services with the missing ones; a post made from a missing
// category (a form with an empty title first says so and keeps what was
// typed); the post's staffing gap that day; a lead's phone reads it all
// without edit controls; a zone set offline reaches the lead once the staff
// phone is back online; the training catalogue with a post-specific course
// and a volunteer marking a course done. Screens photographed in zh and en.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { inBothLanguages, launch, phone, screenshot, untilControlled } from "../lib/browser.mjs";
import { addBuilding, createCommunity, inviteLink, join, syncState, untilSynced } from "../lib/community.mjs";
import { startRelay } from "../lib/relay.mjs";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Staff, one building with its lead, and volunteers, all joined and synced. */
async function community(relay, { volunteers = [] } = {}) {
  const c = createCommunity(relay);
  const staffContext = await phone(browser);
  const staff = await staffContext.newPage();
  await join(staff, inviteLink(relay, c, "staff"), "王主任");
  await addBuilding(staff, "3号楼");
  const building = await staff.locator(".buildings li", { hasText: "3号楼" }).getAttribute("data-building");
  await untilSynced(staff);
  const leadContext = await phone(browser);
  const lead = await leadContext.newPage();
  await join(lead, inviteLink(relay, c, "lead", { building }), "赵楼长");
  await untilSynced(lead);
  const phones = [];
  for (const name of volunteers) {
    const context = await phone(browser);
    const page = await context.newPage();
    await join(page, inviteLink(relay, c, "volunteer"), name);
    await untilSynced(page);
    phones.push({ name, context, page });
  }
  return { building, staff, lead, phones };
}

/** A day in Beijing, `days` from today, as YYYY-MM-DD. */
function beijingDay(days = 0) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

async function openPosts(page) {
  await page.goto(new URL("/posts", page.url()).href);
  await page.locator(".posts-total").waitFor({ timeout: 15_000 });
}

function zoneOf(page, building) {
  return page.locator(`[data-zone-building="${building}"]`);
}

function post(page, title) {
  return page.locator(".posts-item", { has: page.locator(`[data-post-title="${title}"]`) });
}

describe("zones, posts and training", () => {
  test("a sealed zone's missing services, a post from one, its gap; the lead reads it", async () => {
    const relay = await startRelay();
    try {
      const { staff, lead, building } = await community(relay);
      await openPosts(staff);
      assert.equal(await zoneOf(staff, building).getAttribute("data-zone"), "none");

      // Sealed since two days ago: delivery, disinfection, special groups, none staffed.
      const since = beijingDay(-2);
      const item = zoneOf(staff, building);
      await item.locator("[data-action=open-zone-form]").click();
      assert.equal(await item.locator("input[name=zone-since]").inputValue(), beijingDay(0), "today by default");
      await item.locator("input[name=zone][value=sealed]").check();
      await item.locator("input[name=zone-since]").fill(since);
      await item.locator("[data-action=set-zone]").click();
      await staff.locator(`[data-zone-building="${building}"][data-zone=sealed]`).waitFor();
      await item.locator(`[data-zone-since="${since}"]`).waitFor();
      assert.match(await item.innerText(), /封控区/);
      for (const c of ["delivery", "disinfection", "special_groups"]) {
        await item.locator(`[data-recommend=${c}][data-staffed=false]`).waitFor();
      }
      assert.match(await item.locator("[data-recommend=disinfection]").innerText(), /缺岗位/);

      // Tapping a missing one opens the form with it chosen.
      await item.locator("[data-recommend=disinfection]").click();
      await staff.locator("[data-post-form=new]").waitFor();
      assert.equal(await staff.locator("select[name=post-category]").inputValue(), "disinfection");

      // Empty title, no people, a shift ending when it starts: each said next to its field.
      await staff.locator("textarea[name=post-requirements]").fill("身体健康，会使用喷雾器");
      await staff.locator("textarea[name=post-content]").fill("楼道、电梯厅每天消杀两次");
      await staff.locator("input[name=post-headcount]").fill("0");
      await staff.locator("input[name=post-shift-start]").fill("08:00");
      await staff.locator("input[name=post-shift-end]").fill("08:00");
      await staff.locator("input[name=post-course][value=g-protect-1]").check();
      await staff.locator("[data-action=save-post]").click();
      await staff.locator("[data-error=title]", { hasText: "请填写岗位名称" }).waitFor();
      await staff.locator("[data-error=headcount]").waitFor();
      await staff.locator("[data-error=shift-end]", { hasText: "结束时间不能和开始时间相同" }).waitFor();
      await staff.locator("[data-error=check]").waitFor();
      // The first field marked wrong is brought to the person's attention.
      await staff.waitForFunction(() => document.activeElement?.getAttribute("name") === "post-title");
      await inBothLanguages(staff, "post-form-error");
      // Nothing was lost, nothing was saved.
      assert.equal(await staff.locator("textarea[name=post-requirements]").inputValue(), "身体健康，会使用喷雾器");
      assert.ok(await staff.locator("input[name=post-course][value=g-protect-1]").isChecked());
      assert.equal(await staff.locator("select[name=post-category]").inputValue(), "disinfection");

      // A night shift is said to cross midnight.
      await staff.locator("input[name=post-shift-start]").fill("22:00");
      await staff.locator("input[name=post-shift-end]").fill("06:00");
      await staff.locator("[data-overnight=true]", { hasText: "次日 06:00" }).waitFor();

      await staff.locator("input[name=post-title]").fill("3号楼楼道消杀");
      await staff.locator("input[name=post-headcount]").fill("3");
      await staff.locator("input[name=post-shift-start]").fill("08:00");
      await staff.locator("input[name=post-shift-end]").fill("12:00");
      await staff.locator("input[name=post-insurance]").check();
      await staff.locator("[data-action=save-post]").click();
      await staff.waitForURL(/\/posts$/);

      // Now staffed; the post needs 3 today and nobody is scheduled.
      await staff.locator(`[data-zone-building="${building}"] [data-recommend=disinfection][data-staffed=true]`).waitFor();
      await staff.locator(`[data-zone-building="${building}"] [data-recommend=delivery][data-staffed=false]`).waitFor();
      const p = post(staff, "3号楼楼道消杀");
      await p.waitFor();
      assert.equal(await p.getAttribute("data-gap"), "3");
      assert.match(await p.innerText(), /缺 3 人/);
      assert.match(await p.innerText(), /08:00–12:00/);
      assert.match(await p.innerText(), /如何正确穿脱防护用品/);
      assert.match(await p.innerText(), /需实名注册/);
      await staff.locator("[data-total-gap='3']").waitFor();
      await staff.locator(`[data-day="${beijingDay(0)}"]`).waitFor();
      await staff.locator("[data-action=next-day]").click();
      await staff.locator(`[data-day="${beijingDay(1)}"]`).waitFor();
      assert.equal(await post(staff, "3号楼楼道消杀").getAttribute("data-gap"), "3");
      await staff.locator("[data-action=back-to-today]").click();
      await staff.locator(`[data-day="${beijingDay(0)}"]`).waitFor();
      await untilSynced(staff);
      await inBothLanguages(staff, "posts");

      // Editing one field keeps the rest: 3 → 2 people.
      await post(staff, "3号楼楼道消杀").locator("[data-action=edit-post]").click();
      await staff.locator("[data-post-form=edit]").waitFor();
      await staff.waitForFunction(() => document.querySelector("input[name=post-title]")?.value === "3号楼楼道消杀");
      assert.ok(await staff.locator("input[name=post-course][value=g-protect-1]").isChecked());
      await staff.locator("input[name=post-headcount]").fill("2");
      await staff.locator("[data-action=save-post]").click();
      await staff.waitForURL(/\/posts$/);
      await staff.locator(".posts-item[data-gap='2']", { hasText: "3号楼楼道消杀" }).waitFor();
      assert.match(await post(staff, "3号楼楼道消杀").innerText(), /如何正确穿脱防护用品/);

      // The lead's phone: the zone and the post, nothing to change.
      await untilSynced(staff);
      await openPosts(lead);
      await lead.locator(`[data-zone-building="${building}"][data-zone=sealed]`).waitFor({ timeout: 15_000 });
      const lp = post(lead, "3号楼楼道消杀");
      await lp.waitFor({ timeout: 15_000 });
      assert.equal(await lp.getAttribute("data-readonly"), "true");
      await lead.locator(".posts-item[data-gap='2']").waitFor();
      assert.equal(await lead.locator("[data-action=new-post]").count(), 0);
      assert.equal(await lead.locator("[data-action=open-zone-form]").count(), 0);
      assert.equal(await lead.locator("[data-action=edit-post]").count(), 0);
      assert.equal(await lead.locator("a[data-recommend]").count(), 0, "missing services are not links for a lead");
      await lead.locator(`[data-recommend=disinfection][data-staffed=true]`).waitFor();
      await lead.evaluate(() => window.scrollTo(0, 0));
      await screenshot(lead, "posts-lead-zh");
      // The form itself refuses a lead.
      await lead.goto(new URL("/posts/new", lead.url()).href);
      await lead.locator("[data-post-form=not-allowed]").waitFor();

      // Archived: off the list, the service is missing again; restored: back.
      await post(staff, "3号楼楼道消杀").locator("[data-action=edit-post]").click();
      await staff.locator("[data-action=archive-post][data-archived=false]").click();
      await staff.locator("[data-action=archive-post][data-archived=true]").waitFor();
      await openPosts(staff);
      assert.equal(await post(staff, "3号楼楼道消杀").count(), 0);
      await staff.locator(`[data-recommend=disinfection][data-staffed=false]`).waitFor();
      await staff.locator(".posts-archived summary").click();
      await staff.locator(".posts-archived a", { hasText: "3号楼楼道消杀" }).click();
      await staff.locator("[data-post-archived=true]").waitFor();
      await staff.locator("[data-action=archive-post][data-archived=true]").click();
      await staff.locator("[data-action=archive-post][data-archived=false]").waitFor();
      await openPosts(staff);
      await post(staff, "3号楼楼道消杀").waitFor();
    } finally {
      await relay.stop();
    }
  });

  test("a zone set offline reaches the lead once the staff phone is back online", async () => {
    const relay = await startRelay();
    try {
      const { staff, lead, building } = await community(relay);
      await openPosts(staff);
      await untilControlled(staff);
      await staff.context().setOffline(true);
      await staff.locator('.sync-status[data-state="offline"]').waitFor({ timeout: 15_000 });
      const item = zoneOf(staff, building);
      await item.locator("[data-action=open-zone-form]").click();
      await item.locator("input[name=zone][value=controlled]").check();
      await item.locator("[data-action=set-zone]").click();
      await staff.locator(`[data-zone-building="${building}"][data-zone=controlled]`).waitFor();
      for (const c of ["checkpoint", "testing", "information", "special_groups"]) {
        await item.locator(`[data-recommend=${c}][data-staffed=false]`).waitFor();
      }
      // Offline, a reload still shows it (it is on the phone).
      await staff.reload();
      await staff.locator(`[data-zone-building="${building}"][data-zone=controlled]`).waitFor({ timeout: 15_000 });
      assert.equal(await syncState(staff), "offline");
      await openPosts(lead);
      assert.equal(await zoneOf(lead, building).getAttribute("data-zone"), "none", "not yet on the lead's phone");

      await staff.context().setOffline(false);
      await untilSynced(staff, 30_000);
      await lead.locator(`[data-zone-building="${building}"][data-zone=controlled]`).waitFor({ timeout: 15_000 });
      assert.match(await zoneOf(lead, building).innerText(), /管控区/);
      await lead.locator(`[data-zone-building="${building}"] [data-zone-since="${beijingDay(0)}"]`).waitFor();
    } finally {
      await relay.stop();
    }
  });

  test("the training catalogue: a post-specific course; a volunteer marks a course done", async () => {
    const relay = await startRelay();
    try {
      const { staff, lead, phones } = await community(relay, { volunteers: ["小王"] });
      const volunteer = phones[0].page;
      await staff.goto(new URL("/training", staff.url()).href);
      await staff.locator("[data-catalogue=general] [data-course=g-protect-1]").waitFor({ timeout: 15_000 });
      assert.equal(await staff.locator("[data-catalogue=general] [data-course]").count(), 17);
      await staff.locator("[data-custom-courses='0']").waitFor();

      // An empty title is refused next to the field; then the course is added.
      await staff.locator("input[name=course-title]").fill("  ");
      await staff.locator("[data-action=add-course]").click();
      await staff.locator("[data-error=course-title]", { hasText: "请填写课程名称" }).waitFor();
      await staff.locator("input[name=course-title]").fill("配送路线与无接触交接");
      await staff.locator("[data-action=add-course]").click();
      await staff.locator("[data-course-added]").waitFor();
      await staff.locator("[data-catalogue=custom] [data-section='岗位专项培训'] .training-course", { hasText: "配送路线与无接触交接" }).waitFor();
      // The same title again is refused.
      await staff.locator("input[name=course-title]").fill("配送路线与无接触交接");
      await staff.locator("[data-action=add-course]").click();
      await staff.locator("[data-error=course-title]", { hasText: "已经有同名课程" }).waitFor();
      await staff.locator("input[name=course-title]").fill("");

      // A post requiring it names the post on the course.
      await staff.goto(new URL("/posts/new?category=delivery", staff.url()).href);
      await staff.locator("[data-post-form=new]").waitFor();
      await staff.locator("input[name=post-title]").fill("物资配送");
      await staff.locator("input[name=post-headcount]").fill("2");
      await staff.locator(".posts-courses-choice .choice", { hasText: "配送路线与无接触交接" }).locator("input").check();
      await staff.locator("[data-action=save-post]").click();
      await staff.waitForURL(/\/posts$/);
      await staff.goto(new URL("/training", staff.url()).href);
      const custom = staff.locator(".training-course", { hasText: "配送路线与无接触交接" });
      await custom.locator("[data-required-by='1']", { hasText: "物资配送" }).waitFor();
      await untilSynced(staff);

      // The volunteer marks a course done: awaiting staff confirmation.
      await volunteer.goto(new URL("/training", volunteer.url()).href);
      const course = volunteer.locator("[data-course=g-protect-2]");
      await course.locator("[data-training-state=not_started]").waitFor({ timeout: 15_000 });
      await course.locator("[data-action=mark-course-done]").click();
      await course.locator("[data-training-state=awaiting]", { hasText: "待确认" }).waitFor();
      assert.equal(await course.locator("[data-action=mark-course-done]").count(), 0);
      await volunteer.locator(".training-course", { hasText: "配送路线与无接触交接" }).waitFor({ timeout: 15_000 });
      await untilSynced(volunteer);
      await inBothLanguages(volunteer, "training-volunteer");

      // Staff see the volunteer waiting for confirmation on that course.
      await staff.locator("[data-course=g-protect-2] [data-waiting='1']").waitFor({ timeout: 15_000 });
      await inBothLanguages(staff, "training");

      // The lead reads the catalogue, without the form.
      await lead.goto(new URL("/training", lead.url()).href);
      await lead.locator(".training-course", { hasText: "配送路线与无接触交接" }).waitFor({ timeout: 15_000 });
      assert.equal(await lead.locator("[data-action=add-course]").count(), 0);
      assert.equal(await lead.locator("[data-action=mark-course-done]").count(), 0);
    } finally {
      await relay.stop();
    }
  });
});
