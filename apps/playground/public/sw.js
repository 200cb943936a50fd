// Keeps the playground working offline once it has loaded: every same-origin
// GET is cached as it passes. Hashed build assets (assets/*, including the
// onnxruntime .wasm) never change, so they are served from the cache first;
// everything else (the page, models/index.json, model files) goes to the
// network first so a rebuilt site is seen at once, with the cache as fallback.
//
// Every lookup ignores `Vary`: a server that answers `Vary: Origin` (vite
// preview) or `Vary: Accept-Encoding` would otherwise make the cached copy of
// a module script or a crossorigin stylesheet (requested with an Origin
// header) miss the stored one (put without it), and the page would come up
// unstyled and dead offline. The body is the same whatever those headers were.
//
// The page itself is stored under its path without the query, so any
// ?model=…&seed=… link opens offline.
const CACHE = 'seqlm-playground-v2';
const MATCH = { ignoreVary: true };

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) =>
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('seqlm-playground-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  ),
);

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(networkFirst(request, url.origin + url.pathname));
  else if (url.pathname.includes('/assets/')) event.respondWith(cacheFirst(request));
  else event.respondWith(networkFirst(request, request.url));
});

async function cacheFirst(request) {
  const cached = await caches.match(request, MATCH);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await (await caches.open(CACHE)).put(request.url, response.clone());
  return response;
}

async function networkFirst(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(CACHE)).put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(key, MATCH);
    if (cached) return cached;
    throw error;
  }
}
