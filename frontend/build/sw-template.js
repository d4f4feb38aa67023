// Rapport's service worker. build/sw-plugin.ts fills in VERSION and PRECACHE after each build,
// so every build that changes a file gets a new version, a new cache, and an update banner.
/// <reference lib="webworker" />
/** @type {ServiceWorkerGlobalScope} */
// @ts-ignore -- `self` in a worker script is the ServiceWorkerGlobalScope
const sw = self;

const VERSION = "__RAPPORT_VERSION__";
/** @type {string[]} */
const PRECACHE = ["__RAPPORT_PRECACHE__"];
const CACHE_PREFIX = "rapport-shell-";
const CACHE = CACHE_PREFIX + VERSION;
// Requests the worker never answers: the API and the development pages always go to the network.
const PASS_THROUGH = ["/api/", "/dev/", "/healthz", "/readyz"];

sw.addEventListener("install", (event) => {
  // No skipWaiting here: a new version waits until the user taps "Reload" in the banner.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") sw.skipWaiting();
  if (event.data && event.data.type === "GET_VERSION" && event.source) {
    event.source.postMessage({ type: "VERSION", version: VERSION });
  }
});

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (PASS_THROUGH.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirstNavigation(request));
  } else if (url.pathname.startsWith("/assets/")) {
    event.respondWith(cacheFirst(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

/**
 * Pages come from the server when it answers, else from the shell cached at install.
 * @param {Request} request
 */
async function networkFirstNavigation(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await caches.match("/index.html", { cacheName: CACHE });
    if (shell) return shell;
    throw error;
  }
}

/**
 * Hashed assets never change under the same name: the cache is always right.
 * @param {Request} request
 */
async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

/**
 * The manifest and icons: fresh when online, cached when not.
 * @param {Request} request
 */
async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
}

// Background Sync: the browser wakes the worker when the connection returns (even with the app
// in the background); the outbox lives in the page's code, so the worker asks open pages to
// replay it (src/outbox/outbox.ts). With no page open, the next app start replays it.
sw.addEventListener("sync", (/** @type {any} */ event) => {
  if (event.tag !== "rapport-outbox") return;
  event.waitUntil(
    sw.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) client.postMessage({ type: "REPLAY_OUTBOX" });
    }),
  );
});
