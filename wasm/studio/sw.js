// The studio's service worker: it keeps the page and hallmark's modules so
// that the studio opens and signs offline after its first visit. Network
// first, so an update is seen at once when online; the kept copy otherwise.

const CACHE = 'hallmark-studio-v1';
const PAGE = [
  './', './index.html', './studio.css', './main.js', './worker.js', './store.js', './zip.js',
  '../www/style.css', '../www/files.js',
  '../pkg/hallmark_wasm.js', '../pkg/hallmark_wasm_core.js', '../pkg/hallmark_wasm_bg.wasm',
  '../pkg/hallmark_wasm_fingerprint.js', '../pkg/hallmark_wasm_fingerprint_bg.wasm',
  '../pkg/hallmark_wasm_sign.js', '../pkg/hallmark_wasm_sign_bg.wasm',
];

/** The absolute URLs kept: nothing else passes through this worker. */
const KEPT = new Set(PAGE.map((path) => new URL(path, self.location.href).href));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PAGE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  // Only the studio's own files: anything else (publishing to a repository) goes to the network untouched.
  const url = new URL(request.url);
  url.search = '';
  if (request.method !== 'GET' || !KEPT.has(url.href)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(url.href, response.clone());
      return response;
    } catch (error) {
      const kept = await cache.match(url.href);
      if (kept) return kept;
      throw error;
    }
  })());
});
