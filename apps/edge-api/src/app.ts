import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { allowedMethods } from './allowed-methods.ts';
import { errorResponse, methodNotAllowed, notFound, renderError } from './errors.ts';
import { noStoreByDefault, publicCache, requestId, securityHeaders } from './headers.ts';
import { MAX_BODY_BYTES } from './limits.ts';
import type { ModelRegistry } from './models/registry.ts';
import { rateLimit, type RateLimitOptions } from './rate-limit.ts';
import { generateRoutes } from './routes/generate.ts';
import { healthRoutes } from './routes/health.ts';
import { modelRoutes } from './routes/models.ts';
import { nextRoutes } from './routes/next.ts';
import { openaiRoutes } from './routes/openai/index.ts';
import { openapiRoutes } from './routes/openapi.ts';
import { rankRoutes } from './routes/rank.ts';
import { scoreRoutes } from './routes/score.ts';

export interface AppOptions {
  /** Origins allowed by CORS (the playground's); default: the Vite dev server's. */
  corsOrigins?: readonly string[];
  /** Per-client limits on /v1 (Cloudflare's Rate Limiting binding); none when absent. */
  rateLimit?: RateLimitOptions;
}

export const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

// Too-long texts are 413 as the README promises; every other failed check is
// 400. Both use the error envelope rather than zod-openapi's default body.
const validationHook: Hook<unknown, Env, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = result.error.issues;
  const tooLong = issues.find((i) => i.code === 'too_big' && i.origin === 'string' && (i.path[0] === 'text' || i.path[0] === 'prompt' || i.path[0] === 'candidates'));
  if (tooLong !== undefined) {
    return errorResponse(c, 'PAYLOAD_TOO_LARGE', `${String(tooLong.path[0])} is longer than ${String((tooLong as { maximum?: number | bigint }).maximum)} characters (Unicode code points)`);
  }
  const message = issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
  return errorResponse(c, 'INVALID_ARGUMENT', message);
};

/** The API as a plain Hono app over a model registry, so tests can call `app.request()` without a server. */
export function createApp(registry: ModelRegistry, options: AppOptions = {}): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const origins = options.corsOrigins ?? DEFAULT_CORS_ORIGINS;
  app.use('*', requestId);
  app.use('*', securityHeaders);
  app.use('*', noStoreByDefault);
  // CORS answers OPTIONS on any path; on one no route has, it is 404 like every other method.
  let allowOf: (path: string) => string[] = () => [];
  app.use('*', async (c, next) => {
    if (c.req.method === 'OPTIONS' && allowOf(c.req.path).length === 0) return notFound(c);
    await next();
  });
  app.use(
    '*',
    cors({
      origin: (origin) => (origins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'X-Request-Id'],
      exposeHeaders: ['X-Request-Id'],
      maxAge: 86_400,
    }),
  );
  // After CORS, so preflights are not counted and a 429 is readable by the playground.
  if (options.rateLimit !== undefined) app.use('/v1/*', rateLimit(options.rateLimit));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => errorResponse(c, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${MAX_BODY_BYTES} bytes`),
    }),
  );
  // Models outside the bundle (R2) are listed once their manifests are read: the first such request reads them.
  for (const path of ['/health', '/v1/*']) {
    app.use(path, async (_c, next) => {
      await registry.ready();
      await next();
    });
  }
  // Registered after CORS so that a 304 keeps the CORS headers (see publicCache).
  for (const path of ['/v1/models', '/v1/models/:id', '/openapi.json']) app.use(path, publicCache());
  const deps = { registry };
  healthRoutes(app, deps);
  modelRoutes(app, deps);
  nextRoutes(app, deps);
  generateRoutes(app, deps);
  scoreRoutes(app, deps);
  rankRoutes(app, deps);
  openaiRoutes(app, deps, options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {});
  openapiRoutes(app);
  allowOf = allowedMethods(app.routes);
  app.notFound((c) => {
    const allow = allowOf(c.req.path);
    return allow.length > 0 && !allow.includes(c.req.method) ? methodNotAllowed(c, allow) : notFound(c);
  });
  app.onError((error, c) => renderError(error, c));
  return app;
}
