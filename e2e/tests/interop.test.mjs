// Interop with the official JavaScript client: @automerge/automerge-repo 2.x
// over @automerge/automerge-repo-network-websocket talks to the Rust relay's
// /sync endpoint. Documents go up from one client and down to another, edits
// flow back, the relay keeps them across a restart, and a wrong token is
// refused at the upgrade.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import WebSocket from "ws";
import { startRelay } from "../lib/relay.mjs";

const BIN = process.env.LINLI_SERVER_BIN;

// Our own data dir, so that it survives relay.stop() for the restart test.
let dataDir;
let communityId;
// The document created by client A in the first test.
let docUrl;
// Everything to tear down, newest first, even when a test fails half-way.
const cleanups = [];

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), "linli-e2e-interop-"));
});

after(async () => {
  await runCleanups();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function runCleanups() {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop();
    try {
      await cleanup();
    } catch (e) {
      console.error("cleanup failed:", e);
    }
  }
}

function admin(...args) {
  return execFileSync(BIN, ["--data", dataDir, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

function staffToken() {
  return admin("token", "create", "--community", communityId, "--role", "staff");
}

async function relay() {
  const r = await startRelay({ dataDir });
  cleanups.push(() => r.stop());
  return r;
}

function syncUrl(relayUrl, token) {
  const ws = relayUrl.replace(/^http/, "ws");
  return `${ws}/sync?token=${encodeURIComponent(token)}`;
}

// An in-memory automerge-repo client connected to the relay.
function client(relayUrl, token) {
  const repo = new Repo({ network: [new WebSocketClientAdapter(syncUrl(relayUrl, token))] });
  cleanups.push(() => repo.shutdown());
  return repo;
}

async function until(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
    }
    await sleep(100);
  }
}

// A repo that once marked a document unavailable keeps that answer, so each
// attempt uses a fresh client; the ones that gave up are shut down at once.
async function findWithFreshClients(relayUrl, token, url, timeoutMs, ready = () => true) {
  return until(`${url} to arrive from the relay`, timeoutMs, async () => {
    const repo = new Repo({ network: [new WebSocketClientAdapter(syncUrl(relayUrl, token))] });
    try {
      const handle = await repo.find(url, { signal: AbortSignal.timeout(5_000) });
      if (ready(handle.doc())) {
        cleanups.push(() => repo.shutdown());
        return { repo, handle };
      }
    } catch (e) {
      await repo.shutdown();
      throw e;
    }
    await repo.shutdown();
    return null;
  });
}

function peerConnected(repo, timeoutMs) {
  return until("the relay to join as a peer", timeoutMs, () => repo.peers.length > 0);
}

describe("automerge-repo interop", () => {
  test("an automerge-repo client's document reaches the relay and another client", { timeout: 30_000 }, async () => {
    const r = await relay();
    communityId = admin("community", "create", "--name", "Interop");
    assert.match(communityId, /^\S+$/);
    const tokenA = staffToken();
    const tokenB = staffToken();
    assert.notEqual(tokenA, tokenB);

    const repoA = client(r.url, tokenA);
    await peerConnected(repoA, 10_000);
    const handleA = repoA.create({ items: ["from js A"] });
    docUrl = handleA.url;

    const { handle: handleB } = await findWithFreshClients(r.url, tokenB, docUrl, 10_000, (doc) => doc?.items?.length === 1);
    assert.deepEqual(handleB.doc().items, ["from js A"]);

    handleB.change((doc) => {
      doc.items.push("from js B");
    });
    await until("A to see B's item", 5_000, () => handleA.doc().items.length === 2);
    assert.deepEqual(handleA.doc().items, ["from js A", "from js B"]);

    await runCleanups();
  });

  test("the relay keeps documents across a restart", { timeout: 30_000 }, async () => {
    assert.ok(docUrl, "the first test created no document");
    const r = await relay();
    const tokenC = staffToken();
    const { handle } = await findWithFreshClients(r.url, tokenC, docUrl, 10_000, (doc) => doc?.items?.length === 2);
    assert.deepEqual(handle.doc().items, ["from js A", "from js B"]);
    await runCleanups();
  });

  test("a wrong token is refused", { timeout: 30_000 }, async () => {
    const r = await relay();
    const status = await new Promise((resolve, reject) => {
      const ws = new WebSocket(syncUrl(r.url, "wrong"));
      ws.on("unexpected-response", (_req, res) => {
        res.resume();
        resolve(res.statusCode);
        ws.terminate();
      });
      ws.on("open", () => {
        ws.close();
        reject(new Error("the relay accepted a wrong token"));
      });
      ws.on("error", reject);
    });
    assert.equal(status, 401);
    await runCleanups();
  });
});
