// A phone that holds what a member of the generated community holds: the
// fixture (`linli-phone-fixture`, beside the relay binary) gives the session,
// every document as a snapshot chunk, and the sync book; this writes them
// into the phone's IndexedDB as the app would have.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { phone, untilControlled } from "./browser.mjs";

/** Runs the fixture generator; returns the parsed fixture. */
export function makeFixture(role, { small = false } = {}) {
  const bin = join(dirname(process.env.LINLI_SERVER_BIN ?? ""), "linli-phone-fixture");
  const dir = mkdtempSync(join(tmpdir(), "linli-fixture-"));
  const out = join(dir, `${role}.json`);
  try {
    execFileSync(bin, ["--role", role, "--out", out, ...(small ? ["--small"] : [])], { stdio: ["ignore", "ignore", "inherit"] });
    return JSON.parse(readFileSync(out, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readFixture(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Writes the fixture into the page's origin's IndexedDB (the app must have
 * run once there, so the store exists). */
export async function loadFixture(page, fixture) {
  await page.evaluate(async ({ session, chunks, sync_book }) => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open("linli");
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction(["chunks", "meta"], "readwrite");
      for (const c of chunks) tx.objectStore("chunks").put(new Uint8Array(c.bytes), c.key);
      tx.objectStore("meta").put(JSON.stringify(session), "session");
      if (sync_book) tx.objectStore("meta").put(JSON.stringify(sync_book), "sync-book");
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, fixture);
}

/** A new phone holding the fixture, offline: what it shows from its last
 * sync, with no network at all. Returns its context and page. */
export async function offlinePhoneWith(browser, relay, fixture) {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(relay.url);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  await untilControlled(page);
  await loadFixture(page, fixture);
  await context.setOffline(true);
  return { context, page };
}
