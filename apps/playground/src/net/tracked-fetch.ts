/**
 * The page's one way to download files (the model list, model files,
 * onnxruntime's wasm), in place of the loader's plain `fetch`:
 *
 * - it reports bytes as they arrive, for the progress bars;
 * - until the service worker controls the page (the first visit), it stores
 *   each answer in the offline cache itself, so nothing has to be downloaded a
 *   second time to work offline; once the worker controls the page, the worker
 *   stores what passes through it.
 *
 * The body is read here in full and handed on as a fresh `Response` with only
 * its content type: the original's Content-Length is the compressed size when
 * the server sent brotli or gzip, and must not be stored beside the decoded body.
 */

/** Must match CACHE in public/sw.js. */
export const OFFLINE_CACHE = 'seqlm-playground-v2';

export type ProgressListener = (url: string, loaded: number) => void;

export function trackedFetch(onProgress: ProgressListener = () => undefined): (url: string) => Promise<Response> {
  return async (url: string) => {
    const res = await fetch(url);
    if (!res.ok || res.body === null) return res;
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress(url, loaded);
    }
    const bytes = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    const headers = { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream' };
    if (!navigator.serviceWorker?.controller && 'caches' in globalThis) {
      // Best effort: a full or refused cache costs offline use, not this load.
      void caches
        .open(OFFLINE_CACHE)
        .then((cache) => cache.put(url, new Response(bytes.slice(), { headers })))
        .catch(() => undefined);
    }
    return new Response(bytes, { status: res.status, statusText: res.statusText, headers });
  };
}
