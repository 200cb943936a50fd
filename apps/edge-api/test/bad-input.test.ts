import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, MAX_GENERATE_TOKENS, MAX_PROMPT_CHARS, MAX_TEXT_CHARS, MAX_TOP_K } from '../src/limits.ts';
import { BASE, FIXTURE_VOCAB, post, type ErrorBody } from './helpers.ts';

const NEXT = '/v1/models/gru-tiny/next';
const GENERATE = '/v1/models/gru-tiny/generate';
const SCORE = '/v1/models/gru-tiny/score';

async function expectError(res: Response, status: number, code: string, messagePart?: RegExp): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  if (messagePart) expect(body.error.message).toMatch(messagePart);
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  return body;
}

describe('bad input gets a 4xx with the error envelope', () => {
  it('malformed JSON is 400 MALFORMED_JSON on every model endpoint', async () => {
    for (const path of [NEXT, GENERATE, SCORE]) await expectError(await post(path, '{"text": "the'), 400, 'MALFORMED_JSON');
  });

  it('a body that is JSON but not an object is 400', async () => {
    for (const body of ['[]', 'null', '"the time"', '42']) await expectError(await post(NEXT, body), 400, 'INVALID_ARGUMENT');
  });

  it('wrong types are 400 and name the field', async () => {
    await expectError(await post(NEXT, { text: 5 }), 400, 'INVALID_ARGUMENT', /text/);
    await expectError(await post(NEXT, { text: 'the', topK: '3' }), 400, 'INVALID_ARGUMENT', /topK/);
    await expectError(await post(NEXT, { text: 'the', full: 'yes' }), 400, 'INVALID_ARGUMENT', /full/);
    await expectError(await post(GENERATE, { prompt: 'the', maxTokens: 5, stream: 1 }), 400, 'INVALID_ARGUMENT', /stream/);
    await expectError(await post(GENERATE, { prompt: 'the', maxTokens: 5, seed: 1.5 }), 400, 'INVALID_ARGUMENT', /seed/);
  });

  it('missing fields are 400', async () => {
    await expectError(await post(NEXT, {}), 400, 'INVALID_ARGUMENT', /text/);
    await expectError(await post(SCORE, {}), 400, 'INVALID_ARGUMENT', /text/);
    await expectError(await post(GENERATE, { maxTokens: 4 }), 400, 'INVALID_ARGUMENT', /prompt/);
    await expectError(await post(GENERATE, { prompt: 'the' }), 400, 'INVALID_ARGUMENT', /maxTokens/);
  });

  it('unknown fields are 400, so a misspelt option is never silently ignored', async () => {
    await expectError(await post(GENERATE, { prompt: 'the', maxTokens: 4, max_tokens: 9 }), 400, 'INVALID_ARGUMENT', /max_tokens/);
  });

  it('an unknown model is 404 MODEL_NOT_FOUND', async () => {
    await expectError(await post('/v1/models/no-such-model/next', { text: 'the' }), 404, 'MODEL_NOT_FOUND', /no-such-model/);
    await expectError(await SELF.fetch(`${BASE}/v1/models/no-such-model`), 404, 'MODEL_NOT_FOUND');
  });

  it('the text limit counts Unicode code points, so an emoji counts once: at the limit 200, one over 413', async () => {
    const emoji = '\u{1F600}';
    expect(emoji.length).toBe(2);
    const atLimit = `a${emoji.repeat(MAX_TEXT_CHARS - 1)}`;
    expect(Array.from(atLimit)).toHaveLength(MAX_TEXT_CHARS);
    expect(atLimit.length).toBeGreaterThan(MAX_TEXT_CHARS);
    expect((await post(NEXT, { text: atLimit })).status).toBe(200);
    expect((await post(SCORE, { text: atLimit })).status).toBe(200);
    const over = `${atLimit}${emoji}`;
    await expectError(await post(NEXT, { text: over }), 413, 'PAYLOAD_TOO_LARGE', /code points/);
    await expectError(await post(GENERATE, { prompt: over, maxTokens: 1 }), 413, 'PAYLOAD_TOO_LARGE', /prompt.*code points/);
  });

  it('text or prompt over the character limit is 413; exactly the limit is accepted', async () => {
    const long = 'a'.repeat(MAX_TEXT_CHARS + 1);
    await expectError(await post(NEXT, { text: long }), 413, 'PAYLOAD_TOO_LARGE', new RegExp(String(MAX_TEXT_CHARS)));
    await expectError(await post(SCORE, { text: long }), 413, 'PAYLOAD_TOO_LARGE', /text/);
    await expectError(await post(GENERATE, { prompt: long, maxTokens: 1 }), 413, 'PAYLOAD_TOO_LARGE', /prompt/);
    expect((await post(NEXT, { text: 'a'.repeat(MAX_TEXT_CHARS) })).status).toBe(200);
    expect((await post(GENERATE, { prompt: 'a'.repeat(MAX_PROMPT_CHARS), maxTokens: MAX_GENERATE_TOKENS })).status).toBe(200);
    // The prompt has its own, shorter limit so that a request at both generate limits stays within the CPU budget.
    await expectError(
      await post(GENERATE, { prompt: 'a'.repeat(MAX_PROMPT_CHARS + 1), maxTokens: 1 }),
      413,
      'PAYLOAD_TOO_LARGE',
      new RegExp(`prompt is longer than ${MAX_PROMPT_CHARS}`),
    );
  });

  it('a body over the byte limit is 413 before it is parsed', async () => {
    await expectError(await post(NEXT, { text: 'the', pad: 'x'.repeat(MAX_BODY_BYTES) }), 413, 'PAYLOAD_TOO_LARGE', /bytes/);
  });

  it('maxTokens outside 1..limit is 400', async () => {
    for (const maxTokens of [0, -1, MAX_GENERATE_TOKENS + 1, 2.5]) {
      await expectError(await post(GENERATE, { prompt: 'the', maxTokens }), 400, 'INVALID_ARGUMENT', /maxTokens/);
    }
  });

  it('temperature <= 0, non-finite or above 100 is 400', async () => {
    for (const temperature of ['0', '-1', '1e999', '-1e999', '101']) {
      const raw = `{"prompt": "the", "maxTokens": 3, "temperature": ${temperature}}`;
      await expectError(await post(GENERATE, raw), 400, 'INVALID_ARGUMENT', /temperature/);
    }
  });

  it('topK and topP out of range are 400', async () => {
    for (const topK of [0, -3, 1.5, MAX_TOP_K + 1]) {
      await expectError(await post(GENERATE, { prompt: 'the', maxTokens: 3, topK }), 400, 'INVALID_ARGUMENT', /topK/);
      await expectError(await post(NEXT, { text: 'the', topK }), 400, 'INVALID_ARGUMENT', /topK/);
    }
    for (const topP of [0, -0.5, 1.01]) {
      await expectError(await post(GENERATE, { prompt: 'the', maxTokens: 3, topP }), 400, 'INVALID_ARGUMENT', /topP/);
    }
  });

  it('a body that is not JSON is 415', async () => {
    await expectError(await post(NEXT, 'text=the', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await post(NEXT, '{"text":"the"}', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // fetch labels a string body text/plain; bytes go without any Content-Type.
    const bytes = new TextEncoder().encode('{"text":"the"}');
    await expectError(await SELF.fetch(`${BASE}${NEXT}`, { method: 'POST', body: bytes }), 415, 'UNSUPPORTED_MEDIA_TYPE', /JSON/);
  });

  it('no Content-Type is 415 even with an empty body or none, on every model endpoint', async () => {
    for (const path of [NEXT, GENERATE, SCORE]) {
      const none = await SELF.fetch(`${BASE}${path}`, { method: 'POST' });
      expect(none.headers.get('content-type')).toMatch(/^application\/json/);
      await expectError(none, 415, 'UNSUPPORTED_MEDIA_TYPE', /Content-Type: application\/json/);
      await expectError(await SELF.fetch(`${BASE}${path}`, { method: 'POST', body: new Uint8Array(0) }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('an empty body labelled JSON is 400 MALFORMED_JSON', async () => {
    await expectError(await post(NEXT, ''), 400, 'MALFORMED_JSON');
  });

  it('application/json is accepted alone or with charset=utf-8, in any case', async () => {
    const accepted = [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON; Charset=UTF-8',
      'application/json;charset="utf-8"',
      ' application/json;\tcharset=utf-8 ',
    ];
    for (const type of accepted) {
      for (const [path, body] of [[NEXT, { text: 'the' }], [SCORE, { text: 'the' }], [GENERATE, { prompt: 'the', maxTokens: 2 }]] as const) {
        expect((await post(path, body, { 'content-type': type })).status, `${type} ${path}`).toBe(200);
      }
    }
  });

  it('any other Content-Type is 415, JSON-like types and other charsets included', async () => {
    const refused = [
      'application/json; charset=utf-16',
      'application/json; charset=iso-8859-1',
      'application/vnd.api+json',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/json; foo=bar',
      'application/json; charset=utf-8; foo=bar',
      'application/json; charset=utf-8; charset=utf-8',
      'application/jsonx',
      'text/json',
      'application/*',
    ];
    for (const type of refused) {
      for (const path of [NEXT, GENERATE, SCORE]) {
        await expectError(await post(path, { text: 'the', prompt: 'the', maxTokens: 1 }, { 'content-type': type }), 415, 'UNSUPPORTED_MEDIA_TYPE', /charset=utf-8/);
      }
    }
  });

  it('characters outside the vocabulary are normalised, then mapped to <unk> and counted', async () => {
    // d2l normalisation drops digits and punctuation and lowercases; letters the tiny vocabulary lacks become <unk>.
    // /score trims the text; /next continues it, so the trailing ", 1984!" is kept as one space.
    const text = 'The QUIZ, 1984!';
    const normalized = 'the quiz';
    const oov = Array.from(normalized).filter((ch) => !FIXTURE_VOCAB.includes(ch)).length;
    expect(oov).toBeGreaterThan(0);
    expect(FIXTURE_VOCAB).toContain(' ');
    const res = await post(NEXT, { text });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { input: { tokens: number; oov: number } };
    expect(body.input).toEqual({ tokens: `${normalized} `.length, oov });
    const score = (await (await post(SCORE, { text })).json()) as { input: { tokens: number; oov: number }; tokens: string[] };
    expect(score.input.oov).toBe(oov);
    expect(score.tokens.filter((t) => t === '<unk>')).toHaveLength(Array.from(normalized.slice(1)).filter((ch) => !FIXTURE_VOCAB.includes(ch)).length);
  });

  it('text with nothing left after normalisation is 400 for a neural model', async () => {
    await expectError(await post(NEXT, { text: '1984 !!' }), 400, 'INVALID_ARGUMENT', /normalisation/);
    await expectError(await post(GENERATE, { prompt: '', maxTokens: 2 }), 400, 'INVALID_ARGUMENT', /prompt/);
  });

  it('a wrong method on a known path is 405 METHOD_NOT_ALLOWED with an Allow header', async () => {
    const cases: [string, string, string][] = [
      ['GET', NEXT, 'POST, OPTIONS'],
      ['PUT', GENERATE, 'POST, OPTIONS'],
      ['DELETE', SCORE, 'POST, OPTIONS'],
      ['POST', '/v1/models', 'GET, HEAD, OPTIONS'],
      ['PUT', '/v1/models/gru-tiny', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/v1/models/gru-tiny', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/health', 'GET, HEAD, OPTIONS'],
      ['POST', '/openapi.json', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await SELF.fetch(`${BASE}${path}`, { method });
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      await expectError(res, 405, 'METHOD_NOT_ALLOWED', new RegExp(method));
    }
  });

  it('HEAD on a POST-only path is 405 with Allow and no body', async () => {
    const res = await SELF.fetch(`${BASE}${NEXT}`, { method: 'HEAD' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await res.text()).toBe('');
  });

  it('every method Allow lists is answered', async () => {
    const listed = (await SELF.fetch(`${BASE}/v1/models`, { method: 'PUT' })).headers.get('allow')?.split(', ') ?? [];
    expect(listed.length).toBeGreaterThan(0);
    for (const method of listed) expect((await SELF.fetch(`${BASE}/v1/models`, { method })).status, method).toBeLessThan(300);
    expect((await post(NEXT, { text: 'the' })).status).toBe(200);
  });

  it('a path no route has is still 404 NOT_FOUND, whatever the method, OPTIONS included', async () => {
    const preflight = { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' };
    for (const headers of [{}, preflight]) {
      const res = await SELF.fetch(`${BASE}/v1/nothing/here`, { method: 'OPTIONS', headers });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      await expectError(res, 404, 'NOT_FOUND');
    }
    // A known path still answers the preflight.
    expect((await SELF.fetch(`${BASE}${NEXT}`, { method: 'OPTIONS', headers: preflight })).status).toBe(204);
    for (const method of ['GET', 'POST', 'PUT']) {
      const res = await SELF.fetch(`${BASE}/v1/nothing/here`, { method });
      expect(res.headers.get('allow')).toBeNull();
      await expectError(res, 404, 'NOT_FOUND');
    }
    await expectError(await SELF.fetch(`${BASE}/v1/models/gru-tiny/next/more`), 404, 'NOT_FOUND');
  });
});
