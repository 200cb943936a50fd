/**
 * Offline use. The service worker (public/sw.js) is registered at once, so
 * everything fetched after it takes control (onnxruntime, the neural model,
 * the chart code) is cached as it passes. What the page fetched before that is
 * in the cache already (tracked-fetch.ts) or, for the scripts and styles, is
 * copied into the cache from the browser's HTTP cache: `force-cache` takes the
 * copy just downloaded instead of asking the server again, so each file
 * crosses the network once per visit. The page itself is stored as the browser
 * parsed it, captured before the scripts change anything.
 */
import { OFFLINE_CACHE } from './tracked-fetch.ts';

let registration: Promise<ServiceWorkerRegistration | null> = Promise.resolve(null);
// Module scripts run after parsing and before this app touches the DOM: this is the page as served, re-serialised.
const pageSnapshot = `<!doctype html>\n${document.documentElement.outerHTML}`;

export function registerServiceWorker(base: string): void {
  if (!('serviceWorker' in navigator)) return;
  registration = navigator.serviceWorker.register(new URL('sw.js', base)).catch(() => null);
}

/** Once the page is idle: loads the chart code (so charts draw offline) and caches whatever the worker did not see. */
export function prepareOffline(base: string): void {
  const idle = globalThis.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200));
  idle(() => {
    void (async () => {
      await import('vega-embed');
      if ((await registration) === null || !('caches' in globalThis)) return;
      await navigator.serviceWorker.ready;
      const page = new URL(location.pathname, location.origin).href;
      const urls = new Set([page]);
      for (const entry of performance.getEntriesByType('resource')) {
        const url = new URL(entry.name);
        if (url.origin === location.origin && url.href.startsWith(new URL('.', base).href)) urls.add(url.href);
      }
      const cache = await caches.open(OFFLINE_CACHE);
      await Promise.all(
        [...urls].map(async (url) => {
          if (await cache.match(url, { ignoreVary: true })) return;
          // Chromium keeps navigations apart in its HTTP cache, so a fetch of the page would download it again: store the page as parsed.
          const res = url === page ? new Response(pageSnapshot, { headers: { 'content-type': 'text/html; charset=utf-8' } }) : await fetch(url, { cache: 'force-cache' });
          if (res.ok) await cache.put(url, res);
        }).map((p) => p.catch(() => undefined)),
      );
      document.body.dataset.offline = 'ready';
    })().catch(() => undefined);
  });
}
