/**
 * OpenAI-compatible routes under /openai/v1 (models and legacy completions),
 * so OpenAI's clients and evaluation harnesses work by changing the base URL.
 * They sit beside the native API, with its limits, and answer errors in
 * OpenAI's shape (./errors.ts).
 */
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../../errors.ts';
import { publicCache } from '../../headers.ts';
import { MAX_BODY_BYTES } from '../../limits.ts';
import { rateLimit, type RateLimitOptions } from '../../rate-limit.ts';
import type { App, RouteDeps } from '../shared.ts';
import { openaiCompletionRoutes } from './completions.ts';
import { openaiErrorShape } from './errors.ts';
import { openaiModelRoutes } from './models.ts';
import { CompletionChunk } from './schemas.ts';

export const OPENAI_PREFIX = '/openai/v1';

/** Registers the middleware of /openai/v1/* (in order: error shape, rate limit, body limit, registry) and then its routes. */
export function openaiRoutes(app: App, { registry }: RouteDeps, options: { rateLimit?: RateLimitOptions } = {}): void {
  const all = `${OPENAI_PREFIX}/*`;
  app.use(all, openaiErrorShape);
  if (options.rateLimit !== undefined) app.use(all, rateLimit(options.rateLimit));
  app.use(all, bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${MAX_BODY_BYTES} bytes`) }));
  app.use(all, async (_c, next) => {
    await registry.ready();
    await next();
  });
  for (const path of [`${OPENAI_PREFIX}/models`, `${OPENAI_PREFIX}/models/:model`]) app.use(path, publicCache());
  // A stream's chunk is no route's body; naming it puts it under components, as /generate's events are.
  app.openAPIRegistry.register('CompletionChunk', CompletionChunk);
  openaiModelRoutes(app, registry);
  openaiCompletionRoutes(app, registry);
}
