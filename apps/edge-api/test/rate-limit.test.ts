import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import type { RateLimiter } from '../src/rate-limit.ts';
import { createWorker, type Env } from '../src/worker.ts';
import { BASE, post, type ErrorBody } from './helpers.ts';

// vitest.config.ts binds a local Rate Limiting simulation (limit 3, period 60 s) under this name.
const testEnv = env as unknown as { TEST_RATE_LIMITER: RateLimiter; CORS_ORIGINS?: string };
const LIMIT = 3;
const PERIOD = 60;
const NEXT = '/v1/models/gru-tiny/next';

async function fetchFrom(worker: ReturnType<typeof createWorker>, workerEnv: Env, ip: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cf-connecting-ip', ip);
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(`${BASE}${path}`, { ...init, headers }) as Request<unknown, IncomingRequestCfProperties>, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * The simulation counts in windows aligned to the wall clock; starting a burst
 * right after a boundary keeps it inside one window.
 */
async function startOfWindow(): Promise<void> {
  const intoWindow = Date.now() % (PERIOD * 1000);
  if (intoWindow > (PERIOD - 2) * 1000) await new Promise((resolve) => setTimeout(resolve, PERIOD * 1000 - intoWindow + 50));
}

describe('rate limiting through the Rate Limiting binding', () => {
  it('answers 429 RATE_LIMITED with Retry-After once an address is over its limit; other addresses go on', { timeout: 15_000 }, async () => {
    const worker = createWorker(MODEL_SOURCES);
    const workerEnv: Env = { CORS_ORIGINS: testEnv.CORS_ORIGINS, RATE_LIMITER: testEnv.TEST_RATE_LIMITER, RATE_LIMIT_PERIOD: String(PERIOD) };
    // A fresh address per run: the simulation keeps its counts for the whole test session.
    const ip = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const other = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
    const json = { 'content-type': 'application/json', origin: 'http://localhost:5173' };
    await startOfWindow();

    // A CORS preflight is not counted.
    const preflight = await fetchFrom(worker, workerEnv, ip, NEXT, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    for (let i = 0; i < LIMIT; i++) {
      const ok = await fetchFrom(worker, workerEnv, ip, NEXT, { method: 'POST', headers: json, body: JSON.stringify({ text: 'the' }) });
      expect(ok.status, `request ${i + 1}`).toBe(200);
      await ok.arrayBuffer();
    }
    const limited = await fetchFrom(worker, workerEnv, ip, NEXT, { method: 'POST', headers: json, body: JSON.stringify({ text: 'the' }) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe(String(PERIOD));
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(limited.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const body = (await limited.json()) as ErrorBody;
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toMatch(/retry after 60 s/);
    expect(body.error.requestId).toBe(limited.headers.get('x-request-id'));
    // Every /v1 route counts, GETs included; /health stays up.
    expect((await fetchFrom(worker, workerEnv, ip, '/v1/models')).status).toBe(429);
    expect((await fetchFrom(worker, workerEnv, ip, '/health')).status).toBe(200);
    expect((await fetchFrom(worker, workerEnv, other, '/v1/models')).status).toBe(200);
  });

  it('is off without the binding, as in the top level of wrangler.jsonc (local runs)', async () => {
    for (let i = 0; i < LIMIT * 3; i++) expect((await post(NEXT, { text: 'the' }, { 'content-type': 'application/json', 'cf-connecting-ip': '192.0.2.1' })).status).toBe(200);
    expect((await SELF.fetch(`${BASE}/v1/models`, { headers: { 'cf-connecting-ip': '192.0.2.1' } })).status).toBe(200);
  });
});
