// Starts the real relay (`linli-server serve`) on a free loopback port with a
// temporary data directory. The relay exits when its stdin closes, so a test
// process that dies takes its relay with it.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = process.env.LINLI_SERVER_BIN;
const DIST = process.env.LINLI_DIST;

export async function startRelay({ dataDir, dist = DIST, listen = "127.0.0.1:0" } = {}) {
  if (!BIN || !dist) {
    throw new Error("LINLI_SERVER_BIN and LINLI_DIST must be set (cargo xtask test sets them)");
  }
  const ownsData = !dataDir;
  const data = dataDir ?? mkdtempSync(join(tmpdir(), "linli-e2e-data-"));
  const child = spawn(
    BIN,
    ["--data", data, "serve", "--listen", listen, "--dist", dist, "--exit-on-stdin-close"],
    { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, LINLI_LOG: process.env.LINLI_LOG ?? "warn" } }
  );
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
    // LINLI_E2E_RELAY_LOG=FILE keeps every relay's log, to look into a failure.
    if (process.env.LINLI_E2E_RELAY_LOG) appendFileSync(process.env.LINLI_E2E_RELAY_LOG, d);
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("relay did not start within 30 s:\n" + stderr)), 30_000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (https?:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code} before listening:\n${stderr}`));
    });
  });
  return {
    url,
    dataDir: data,
    get stderr() {
      return stderr;
    },
    /** Kills the relay at once (no shutdown), as a crash or power cut would. */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      if (ownsData) rmSync(data, { recursive: true, force: true });
    },
  };
}
