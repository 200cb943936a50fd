import type { RouterRoute } from 'hono/types';

/**
 * The methods each path takes, read from the routes registered on the app, so
 * that a known path asked with another method is 405 with an `Allow` header
 * (RFC 9110 §15.5.6) instead of 404. Middleware (`app.use`, method ALL) is not
 * a route. Our paths use plain `:param` segments only, each one path segment.
 * HEAD is listed with GET because Hono answers it with the GET handler, and
 * OPTIONS on every known path because the CORS middleware answers it there.
 */
export function allowedMethods(routes: readonly Pick<RouterRoute, 'method' | 'path'>[]): (path: string) => string[] {
  const patterns: { pattern: RegExp; method: string }[] = [];
  for (const { method, path } of routes) {
    if (method === 'ALL') continue;
    const segments = path.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    patterns.push({ pattern: new RegExp(`^${segments.join('/')}$`), method: method.toUpperCase() });
  }
  return (path) => {
    const methods = new Set(patterns.filter((p) => p.pattern.test(path)).map((p) => p.method));
    if (methods.size === 0) return [];
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods];
  };
}
