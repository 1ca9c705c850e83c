// A community on the real relay, set up the way people do it: the admin
// command line creates the community and the first invite, and phones join
// by opening the invite link and giving their name.
import { execFileSync } from "node:child_process";

const BIN = process.env.LINLI_SERVER_BIN;

/** Runs an admin command against the relay's data; returns its stdout. */
export function admin(relay, args) {
  return execFileSync(BIN, ["--data", relay.dataDir, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LINLI_LOG: "warn" },
  }).trim();
}

export function createCommunity(relay, name = "和平里社区") {
  return admin(relay, ["community", "create", "--name", name]);
}

/** A join link for `role` (a lead needs `building`). */
export function inviteLink(relay, community, role, { building, uses = 20 } = {}) {
  const args = ["invite", "create", "--community", community, "--role", role, "--uses", String(uses), "--expires", "1d", "--url", relay.url];
  if (building) args.push("--building", building);
  return admin(relay, args);
}

/** Opens the invite link on a phone, gives a name, and waits for its home. */
export async function join(page, link, name) {
  await page.goto(link);
  await page.getByLabel("你的姓名或称呼").fill(name);
  await page.locator("[data-action=join]").click();
  await page.locator(".sync-status").waitFor();
}

/** The phone's sync state as the top bar shows it. */
export async function syncState(page) {
  return page.locator(".sync-status").getAttribute("data-state");
}

/** Waits until the top bar says everything is on the relay. */
export async function untilSynced(page, timeout = 15_000) {
  await page.locator('.sync-status[data-state="synced"]').waitFor({ timeout });
}

/** Staff adds a building on the home screen. */
export async function addBuilding(page, name) {
  await page.goto(new URL("/", page.url()).href);
  await page.locator("input[name=building-name]").fill(name);
  await page.locator("[data-action=add-building]").click();
  await page.locator(".buildings li", { hasText: name }).waitFor();
}

/** Plans a delivery round with these doors for these volunteers (by name). */
export async function planRound(page, { building, title, doors, volunteers }) {
  await page.goto(new URL("/rounds/new", page.url()).href);
  const select = page.locator("#round-building");
  if (await select.count()) {
    await select.selectOption({ label: building });
  }
  await page.locator("#round-title").fill(title);
  await page.locator("#round-stops").fill(doors.join("\n"));
  // The list is drawn again whenever the community document changes (a
  // volunteer's introduction arriving); a tap that lands on a row as it is
  // replaced is lost, as it would be for a person, who taps again: the tick
  // shows what is chosen.
  for (const v of volunteers) {
    const row = page.locator(".choice", { hasText: v });
    for (let attempt = 0; ; attempt++) {
      await row.locator("input").check();
      try {
        await row.locator("input:checked").waitFor({ timeout: 1_000 });
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
      }
    }
  }
  for (const v of volunteers) {
    await page.locator(".choice", { hasText: v }).locator("input:checked").waitFor({ timeout: 5_000 });
  }
  await page.locator("[data-action=create-round]").click();
  await page.locator("[data-round-title]", { hasText: title }).waitFor();
  return page.url();
}

/** Taps an action on one door of the round open on the page. */
export async function record(page, door, action) {
  await page.locator(`.stop[data-stop="${door}"] [data-action=${action}]`).click();
}

export async function stopState(page, door) {
  const stop = page.locator(`.stop[data-stop="${door}"]`);
  return { state: await stop.getAttribute("data-state"), duplicate: await stop.getAttribute("data-duplicate") };
}
