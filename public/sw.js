// Linli's service worker: keeps the app shell on the phone so it opens with no
// network at all. `cargo xtask dist` replaces the two placeholders below with
// the list of built files and a hash of their contents.
"use strict";

const CACHE_VERSION = "__CACHE_VERSION__";
const PRECACHE = __PRECACHE__;
const CACHE = "linli-shell-" + CACHE_VERSION;
const INDEX = "/index.html";
// A navigation waits this long for the network before the cached shell is
// served: in a stairwell with one bar of signal the network may never answer.
const NAVIGATION_TIMEOUT_MS = 3000;
// A content hash in the name: the file never changes, so cache-first is safe.
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z0-9]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith("linli-") && key !== CACHE).map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Live data is never cached: sync has its own offline story.
  if (url.pathname.startsWith("/sync") || url.pathname.startsWith("/api/") || url.pathname === "/healthz") {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigation(request));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(staleWhileRevalidate(event, request));
  }
});

async function navigation(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok) {
      return response;
    }
  } catch (_) {
    // offline or too slow: the cached shell below
  }
  const cached = await cache.match(INDEX);
  return cached || new Response("邻里：离线且未缓存 Linli: offline and not cached", {
    status: 503,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const network = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    })
    .catch(() => undefined);
  if (cached) {
    event.waitUntil(network);
    return cached;
  }
  const response = await network;
  return response || new Response("", { status: 504 });
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}
