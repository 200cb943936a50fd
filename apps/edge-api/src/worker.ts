import { createApp, DEFAULT_CORS_ORIGINS } from './app.ts';
import { ModelRegistry, type RejectedModel } from './models/registry.ts';
import { r2Model, type R2ModelRef } from './models/r2-source.ts';
import type { ModelSource } from './models/source.ts';
import type { RateLimiter } from './rate-limit.ts';

/** The bindings and vars of wrangler.jsonc the worker reads. */
export interface Env {
  /** Comma-separated origins allowed by CORS (wrangler.jsonc `vars`). */
  CORS_ORIGINS?: string;
  /** Rate Limiting binding (`ratelimits`, production environment only); without it nothing is limited. */
  RATE_LIMITER?: RateLimiter;
  /** The RATE_LIMITER binding's period in seconds (a var beside it), sent as Retry-After; default 60. */
  RATE_LIMIT_PERIOD?: string;
}

/** A whole number of seconds from the var; anything else falls back to 60, the longest period Cloudflare allows. */
function periodOf(value: string | undefined): number {
  const seconds = Number(value);
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 60;
}

/**
 * The Workers entry over the configured models (bundled, and R2 ones read
 * through the bucket bindings): one registry and app per isolate, made on
 * the first request, when `env` is known, so every ONNX session and n-gram
 * trie is built once and reused. src/index.ts serves models.config.json's
 * models; the tests build the same worker over their own.
 */
export function createWorker(sources: readonly ModelSource[], rejected: readonly RejectedModel[] = [], r2Models: readonly R2ModelRef[] = []): ExportedHandler<Env> {
  let app: ReturnType<typeof createApp> | undefined;
  return {
    fetch(request, env, ctx) {
      // R2 models need the bucket bindings, which only a request's env carries.
      const bindings = env as unknown as Record<string, unknown>;
      app ??= createApp(new ModelRegistry(sources, rejected, r2Models.map((ref) => r2Model(ref, bindings))), {
        corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((o) => o.trim()) : DEFAULT_CORS_ORIGINS,
        ...(env.RATE_LIMITER !== undefined ? { rateLimit: { limiter: env.RATE_LIMITER, periodSeconds: periodOf(env.RATE_LIMIT_PERIOD) } } : {}),
      });
      return app.fetch(request, env, ctx);
    },
  };
}
