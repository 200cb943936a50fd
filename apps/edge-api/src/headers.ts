/**
 * The response-header policy of the API, in one place: request ids, security
 * headers and caching. Every answer (errors, 304s and event streams included)
 * goes through these middlewares.
 */
import type { MiddlewareHandler } from 'hono';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';

declare module 'hono' {
  interface ContextVariableMap {
    /** The id this request is logged and answered under (X-Request-Id, error bodies). */
    requestId: string;
  }
}

/**
 * A client's X-Request-Id is kept only in this form: it is echoed into a
 * response header, error bodies and logs, so anything longer or with other
 * characters (spaces, quotes, `<`, non-ASCII) is replaced by the server's own id.
 */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const requestId: MiddlewareHandler = async (c, next) => {
  const given = c.req.header('X-Request-Id');
  const id = given !== undefined && SAFE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
};

/**
 * The API answers JSON and event streams only, never a document to render:
 * a browser that opens a response may not sniff it into HTML, run or load
 * anything from it, or frame it.
 */
export const API_CONTENT_SECURITY_POLICY = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };

export const securityHeaders: MiddlewareHandler = secureHeaders({
  contentSecurityPolicy: API_CONTENT_SECURITY_POLICY,
  xContentTypeOptions: true,
  xFrameOptions: 'DENY',
});

/** How long a shared cache may keep the model list, a model's summary and /openapi.json. */
export const PUBLIC_MAX_AGE_SECONDS = 300;

/**
 * Default: nothing may be stored. POST results (answers to one request, event
 * streams included, whose `no-cache` still allows storing), errors and /health
 * are never reused; a GET that is safe to cache says so with `publicCache`.
 */
export const noStoreByDefault: MiddlewareHandler = async (c, next) => {
  await next();
  const get = c.req.method === 'GET' || c.req.method === 'HEAD';
  if (!get || !c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
};

/**
 * For GETs whose answer is the same for everyone until a deploy: a public
 * max-age plus an ETag (a SHA-1 of the body), and 304 with no body when the
 * client's If-None-Match already names it. Only a 200 is marked cacheable.
 */
export function publicCache(maxAgeSeconds = PUBLIC_MAX_AGE_SECONDS): MiddlewareHandler {
  // A 304 is built anew with the headers a 200 would carry; keep the request id and the CORS
  // headers set before it too, so a cross-origin revalidation still passes the CORS check.
  const withEtag = etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'x-request-id', 'access-control-allow-origin', 'access-control-expose-headers'] });
  return (c, next) =>
    withEtag(c, async () => {
      await next();
      if (c.res.status === 200) c.res.headers.set('Cache-Control', `public, max-age=${maxAgeSeconds}`);
    });
}
