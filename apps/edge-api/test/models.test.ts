import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import gru from '../../../fixtures/models/gru-tiny/manifest.json' with { type: 'json' };
import ngram from './fixtures/ngram-char3/manifest.json' with { type: 'json' };
import { MAX_GENERATE_TOKENS, MAX_MODEL_ID_CHARS, MAX_PROMPT_CHARS, MAX_TEXT_CHARS } from '../src/limits.ts';
import { BASE } from './helpers.ts';

interface Summary {
  id: string;
  kind: string;
  tokenizer: string;
  normalization: string;
  vocabSize: number;
  dims: Record<string, unknown>;
  training: Record<string, unknown>;
}

describe('GET /v1/models', () => {
  it('lists every served model with its manifest summary', async () => {
    const res = await SELF.fetch(`${BASE}/v1/models`);
    expect(res.status).toBe(200);
    const { models } = (await res.json()) as { models: Summary[] };
    expect(models.map((m) => [m.id, m.kind])).toEqual([
      ['rnn-tiny', 'rnn'],
      ['gru-tiny', 'gru'],
      ['lstm-tiny', 'lstm'],
      ['ngram-char3', 'ngram'],
      ['mix-tiny', 'mixture'],
    ]);
  });

  it('summarises a neural model: tokenizer, vocabulary size, dimensions, training', async () => {
    const res = await SELF.fetch(`${BASE}/v1/models/gru-tiny`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as Summary;
    expect(m).toMatchObject({ id: 'gru-tiny', kind: 'gru', tokenizer: gru.text.tokenizer, normalization: gru.text.normalization });
    expect(m.vocabSize).toBe(gru.vocab.tokens.length);
    expect(m.dims).toEqual({ hiddenSize: gru.architecture.hiddenSize, numLayers: gru.architecture.numLayers, embedding: gru.architecture.embedding });
    expect(m.training).toEqual((gru as { training?: object }).training ?? {});
  });

  it('summarises an n-gram model: order, estimator, counts', async () => {
    const m = (await (await SELF.fetch(`${BASE}/v1/models/ngram-char3`)).json()) as Summary;
    expect(m.kind).toBe('ngram');
    expect(m.vocabSize).toBe(ngram.vocab.tokens.length);
    expect(m.dims).toEqual({ order: 3, estimator: ngram.ngram.estimator, sentenceBoundaries: true, counts: ngram.ngram.counts });
    expect(m.training.corpus).toBe('timemachine');
  });

  it('an id over the length limit is 400 INVALID_ARGUMENT, one at the limit is looked up (404)', async () => {
    const over = (await (await SELF.fetch(`${BASE}/v1/models/${'x'.repeat(MAX_MODEL_ID_CHARS + 1)}`)).json()) as { error: { code: string } };
    expect(over.error.code).toBe('INVALID_ARGUMENT');
    const res = await SELF.fetch(`${BASE}/v1/models/${'x'.repeat(MAX_MODEL_ID_CHARS)}`);
    expect(res.status).toBe(404);
  });
});

describe('GET /openapi.json', () => {
  it('documents every endpoint from the schemas that validate requests, limits included', async () => {
    const res = await SELF.fetch(`${BASE}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/health',
        '/v1/models',
        '/v1/models/{id}',
        '/v1/models/{id}/generate',
        '/v1/models/{id}/next',
        '/v1/models/{id}/rank',
        '/v1/models/{id}/score',
        '/openai/v1/models',
        '/openai/v1/models/{model}',
        '/openai/v1/completions',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/v1/models/{id}/next']!)).toEqual(['post']);
    // Every status a route answers with is documented: GET /v1/models/{id} is 400 for an over-long id.
    const one = doc.paths['/v1/models/{id}']!.get as { responses: Record<string, unknown> };
    expect(Object.keys(one.responses).sort()).toEqual(['200', '400', '404', '405', '503']);
    const gen = doc.components.schemas.GenerateRequest!;
    expect(gen.required?.sort()).toEqual(['maxTokens', 'prompt']);
    expect(gen.properties.maxTokens).toMatchObject({ minimum: 1, maximum: MAX_GENERATE_TOKENS });
    expect(gen.properties.prompt).toMatchObject({ maxLength: MAX_PROMPT_CHARS });
    expect(gen.properties.topP).toMatchObject({ maximum: 1 });
    expect(doc.components.schemas.NextRequest!.properties.text).toMatchObject({ maxLength: MAX_TEXT_CHARS });
    expect(doc.components.schemas.NextRequest!.properties.text!.description).toMatch(/code points/);
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it('documents 405 with its Allow header on every operation, and the Content-Type rule', async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as {
      info: { description: string };
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: unknown }> }>>;
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.responses['405'], `${method} ${path}`).toBeDefined();
        expect(op.responses['405']!.headers, `${method} ${path}`).toHaveProperty('Allow');
      }
    }
    expect(Object.keys(doc.paths['/v1/models/{id}/generate']!.post!.responses)).toContain('415');
    expect(doc.info.description).toMatch(/charset=utf-8/);
    expect(doc.info.description).toMatch(/OPTIONS on an unknown path is 404/);
  });

  it('documents the events of a /generate stream: token, done and error', async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as {
      info: { description: string };
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    const token = doc.components.schemas.GenerateTokenEvent!;
    expect(Object.keys(token.properties).sort()).toEqual(['id', 'index', 'logProb', 'token']);
    const done = doc.components.schemas.GenerateDoneEvent!;
    expect(Object.keys(done.properties).sort()).toEqual(['count', 'finishReason', 'input', 'model', 'text', 'totalLogProb']);
    expect(done.required?.sort()).toEqual(['count', 'finishReason', 'input', 'model', 'text', 'totalLogProb']);
    expect(doc.components.schemas.Error).toBeDefined();
    for (const event of ['event: token', 'event: done', 'event: error']) expect(doc.info.description).toContain(event);
  });
});

describe('CORS', () => {
  it("allows the playground's origin and no other", async () => {
    const preflight = (origin: string) =>
      SELF.fetch(`${BASE}/v1/models/gru-tiny/next`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const ok = await preflight('http://localhost:5173');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const get = await SELF.fetch(`${BASE}/v1/models`, { headers: { origin: 'http://localhost:5173' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(get.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    // The playground must be able to read error bodies too.
    const bad = await SELF.fetch(`${BASE}/v1/models/gru-tiny/next`, { method: 'POST', headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});
