import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.ts';

/** Cloudflare's Rate Limiting binding (`ratelimits` in wrangler.jsonc): counts a key and says whether it is over. */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface RateLimitOptions {
  limiter: RateLimiter;
  /**
   * The binding's `simple.period` (Cloudflare allows 10 or 60 s): the worker
   * cannot read it from the binding, so wrangler.jsonc passes it as a var.
   * A client told to retry after one whole period is never early.
   */
  periodSeconds: number;
}

/**
 * Counts each request per client address and answers 429 `RATE_LIMITED` in
 * the error envelope with Retry-After once the binding says the address is
 * over its limit. The address is Cloudflare's `CF-Connecting-IP` (the TCP
 * peer, which a client cannot set); without one (a local request) every
 * client shares one key. If the binding itself fails, the request goes on: a
 * broken limiter must not take the API down.
 */
export function rateLimit({ limiter, periodSeconds }: RateLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    const key = c.req.header('cf-connecting-ip') ?? 'unknown';
    let allowed = true;
    try {
      allowed = (await limiter.limit({ key })).success;
    } catch (error) {
      console.error('seqlm edge-api: the rate limiter failed; serving the request', error);
    }
    if (!allowed) {
      const res = errorResponse(c, 'RATE_LIMITED', `too many requests from this address; retry after ${periodSeconds} s`);
      res.headers.set('Retry-After', String(periodSeconds));
      return res;
    }
    await next();
  };
}
