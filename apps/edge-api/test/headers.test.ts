import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PUBLIC_MAX_AGE_SECONDS } from '../src/headers.ts';
import { BASE, post, type ErrorBody } from './helpers.ts';

const NEXT = '/v1/models/gru-tiny/next';
const GENERATE = '/v1/models/gru-tiny/generate';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One of every kind of answer: JSON 200s, cacheable GETs, errors, an event stream, a preflight. */
async function everyKindOfAnswer(): Promise<[string, Response][]> {
  return [
    ['GET /health', await SELF.fetch(`${BASE}/health`)],
    ['GET /v1/models', await SELF.fetch(`${BASE}/v1/models`)],
    ['GET /openapi.json', await SELF.fetch(`${BASE}/openapi.json`)],
    ['POST /next', await post(NEXT, { text: 'the' })],
    ['POST /generate stream', await post(GENERATE, { prompt: 'the', maxTokens: 3, stream: true })],
    ['400', await post(NEXT, '{')],
    ['404', await SELF.fetch(`${BASE}/v1/nothing`)],
    ['405', await SELF.fetch(`${BASE}${NEXT}`)],
    ['415', await post(NEXT, '{}', { 'content-type': 'text/plain' })],
    ['preflight', await SELF.fetch(`${BASE}${NEXT}`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } })],
  ];
}

describe('security headers', () => {
  it('every answer forbids sniffing and carries a CSP that loads, runs and frames nothing', async () => {
    for (const [what, res] of await everyKindOfAnswer()) {
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, what).toMatch(/(^|;\s*)default-src 'none'(;|$)/);
      expect(csp, what).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('x-request-id'), what).toBeTruthy();
    }
  });
});

describe('Cache-Control and ETag', () => {
  it('POST results, event streams, errors and /health are no-store', async () => {
    for (const [what, res] of await everyKindOfAnswer()) {
      await res.arrayBuffer();
      if (what === 'GET /v1/models' || what === 'GET /openapi.json') continue;
      expect(res.headers.get('cache-control'), what).toBe('no-store');
    }
    expect((await SELF.fetch(`${BASE}/v1/models/no-such-model`)).headers.get('cache-control')).toBe('no-store');
  });

  it('/v1/models, /v1/models/:id and /openapi.json are public with a max-age and an ETag, and 304 on If-None-Match', async () => {
    for (const path of ['/v1/models', '/v1/models/gru-tiny', '/v1/models/ngram-char3', '/openapi.json']) {
      const first = await SELF.fetch(`${BASE}${path}`, { headers: { origin: 'http://localhost:5173' } });
      const body = await first.text();
      expect(first.status, path).toBe(200);
      expect(first.headers.get('cache-control'), path).toBe(`public, max-age=${PUBLIC_MAX_AGE_SECONDS}`);
      const tag = first.headers.get('etag');
      expect(tag, path).toMatch(/^"[0-9a-f]{40}"$/);
      expect(first.headers.get('vary'), path).toMatch(/Origin/);

      // The same body gives the same tag; the tag names this body, not the path.
      const again = await SELF.fetch(`${BASE}${path}`);
      expect(await again.text()).toBe(body);
      expect(again.headers.get('etag'), path).toBe(tag);

      const cached = await SELF.fetch(`${BASE}${path}`, { headers: { 'if-none-match': `"other", ${tag}`, origin: 'http://localhost:5173' } });
      expect(cached.status, path).toBe(304);
      expect(await cached.text()).toBe('');
      expect(cached.headers.get('etag')).toBe(tag);
      expect(cached.headers.get('cache-control')).toBe(`public, max-age=${PUBLIC_MAX_AGE_SECONDS}`);
      expect(cached.headers.get('x-request-id')).toBeTruthy();
      expect(cached.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(cached.headers.get('x-content-type-options')).toBe('nosniff');

      const stale = await SELF.fetch(`${BASE}${path}`, { headers: { 'if-none-match': '"0000"' } });
      expect(stale.status, path).toBe(200);
      expect(await stale.text()).toBe(body);
    }
    const tags = await Promise.all(['/v1/models/gru-tiny', '/v1/models/rnn-tiny'].map(async (p) => (await SELF.fetch(`${BASE}${p}`)).headers.get('etag')));
    expect(tags[0]).not.toBe(tags[1]);
  });
});

describe('X-Request-Id', () => {
  it("keeps a client's id of up to 64 characters of [A-Za-z0-9._-], in the header and error bodies", async () => {
    for (const given of ['abc', 'trace-01.part_2', 'x'.repeat(64), 'A.B-C_9']) {
      const res = await post(NEXT, '{', { 'content-type': 'application/json', 'x-request-id': given });
      expect(res.headers.get('x-request-id')).toBe(given);
      expect(((await res.json()) as ErrorBody).error.requestId).toBe(given);
    }
  });

  it("replaces any other client id by the server's own", async () => {
    const unsafe = ['x'.repeat(65), 'a b', 'a"b', '<script>', 'id=1', 'a/b', 'a;b', 'a%20b', ''];
    for (const given of unsafe) {
      const res = await post(NEXT, '{', { 'content-type': 'application/json', 'x-request-id': given });
      const id = res.headers.get('x-request-id');
      expect(id, JSON.stringify(given)).toMatch(UUID);
      expect(((await res.json()) as ErrorBody).error.requestId).toBe(id);
    }
    // And without one, each request gets its own.
    const a = (await SELF.fetch(`${BASE}/health`)).headers.get('x-request-id');
    const b = (await SELF.fetch(`${BASE}/health`)).headers.get('x-request-id');
    expect(a).toMatch(UUID);
    expect(a).not.toBe(b);
  });
});
