import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import type { R2ModelRef } from '../src/models/r2-source.ts';
import { createWorker, type Env } from '../src/worker.ts';
import { BASE, type ErrorBody } from './helpers.ts';

// vitest.config.ts binds workerd's local R2 simulation as TEST_MODELS; the worker under test reads it as MODELS.
const bucket = (env as unknown as { TEST_MODELS: R2Bucket }).TEST_MODELS;
const gru = MODEL_SOURCES.find((s) => s.id === 'gru-tiny')!;
const manifestText = JSON.stringify(gru.manifest);
const onnx = new Uint8Array(gru.files['model.onnx'] as ArrayBuffer);

interface NextBody {
  top: { id: number; prob: number }[];
  probs: number[];
}
interface Health {
  models: string[];
  rejected: { id: string; reason: string }[];
}

/** Uploads a model directory as `wrangler r2 object put` would: one object per file under the prefix. */
async function upload(prefix: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, value] of Object.entries(files)) await bucket.put(`${prefix}${name}`, value);
}

function workerOver(refs: R2ModelRef[], bindings: Record<string, unknown> = { MODELS: bucket }): (path: string, init?: RequestInit) => Promise<Response> {
  // gru-tiny stays bundled beside them, to compare answers with.
  const worker = createWorker([gru], [], refs);
  return async (path, init) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch!(new Request(`${BASE}${path}`, init) as Request<unknown, IncomingRequestCfProperties>, { ...bindings } as Env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

const next = (text: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, full: true }) });
const ref = (id: string, prefix: string): R2ModelRef => ({ id, binding: 'MODELS', prefix });

describe('models read from R2', () => {
  it('serves a model uploaded to R2 like a bundled one, reading it once per isolate', async () => {
    const prefix = `serve-${crypto.randomUUID()}/gru-r2/`;
    await upload(prefix, { 'manifest.json': manifestText, 'model.onnx': onnx });
    const call = workerOver([ref('gru-r2', prefix)]);

    const listed = (await (await call('/v1/models')).json()) as { models: { id: string; kind: string }[] };
    expect(listed.models.map((m) => [m.id, m.kind])).toEqual([
      ['gru-tiny', 'gru'],
      ['gru-r2', 'gru'],
    ]);
    const fromR2 = await call('/v1/models/gru-r2/next', next('the time trav'));
    expect(fromR2.status).toBe(200);
    const bundled = (await (await call('/v1/models/gru-tiny/next', next('the time trav'))).json()) as NextBody;
    const r2 = (await fromR2.json()) as NextBody;
    expect(r2.top.map((t) => t.id)).toEqual(bundled.top.map((t) => t.id));
    expect(Math.max(...r2.probs.map((p, i) => Math.abs(p - bundled.probs[i]!)))).toBeLessThan(1e-7);

    // Cached for the isolate's life: the objects are no longer needed once loaded.
    await bucket.delete([`${prefix}manifest.json`, `${prefix}model.onnx`]);
    expect((await call('/v1/models/gru-r2/next', next('the'))).status).toBe(200);
    expect(((await (await call('/health')).json()) as Health).models).toEqual(['gru-tiny', 'gru-r2']);
  });

  it('refuses a file whose sha256 is not the manifest’s (503), and keeps serving the rest', async () => {
    const prefix = `bad-${crypto.randomUUID()}/`;
    const changed = onnx.slice();
    changed[changed.length - 10]! ^= 0xff;
    await upload(prefix, { 'manifest.json': manifestText, 'model.onnx': changed });
    const call = workerOver([ref('gru-bad', prefix)]);
    expect(((await (await call('/v1/models')).json()) as { models: { id: string }[] }).models.map((m) => m.id)).toContain('gru-bad');
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await call('/v1/models/gru-bad/next', next('the'));
      expect(res.status).toBe(503);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('MODEL_UNAVAILABLE');
      expect(body.error.message).toMatch(/gru-bad.*HASH_MISMATCH: model\.onnx: sha256/);
    }
    const health = (await (await call('/health')).json()) as Health;
    expect(health.models).toEqual(['gru-tiny']);
    expect(health.rejected.map((r) => r.id)).toEqual(['gru-bad']);
    expect((await call('/v1/models/gru-tiny/next', next('the'))).status).toBe(200);
  });

  it('a missing object, an invalid manifest or a missing binding is a clear reason, never a crash', async () => {
    const run = crypto.randomUUID();
    await upload(`${run}/no-file/`, { 'manifest.json': manifestText });
    await upload(`${run}/bad-json/`, { 'manifest.json': '{"schemaVersion": 1,', 'model.onnx': onnx });
    await upload(`${run}/v99/`, { 'manifest.json': JSON.stringify({ ...(gru.manifest as object), schemaVersion: 99 }), 'model.onnx': onnx });
    const call = workerOver([ref('no-manifest', `${run}/nothing/`), ref('no-file', `${run}/no-file/`), ref('bad-json', `${run}/bad-json/`), ref('v99', `${run}/v99/`)]);

    const health = (await (await call('/health')).json()) as Health;
    expect(health.models).toEqual(['gru-tiny', 'no-file']);
    const reasons = Object.fromEntries(health.rejected.map((r) => [r.id, r.reason]));
    expect(reasons['no-manifest']).toBe(`r2://MODELS/${run}/nothing/manifest.json does not exist in the bucket`);
    expect(reasons['bad-json']).toMatch(/manifest\.json is not valid JSON/);
    expect(reasons.v99).toMatch(/MANIFEST_INVALID/);

    const missing = await call('/v1/models/no-manifest/next', next('the'));
    expect(missing.status).toBe(503);
    expect(((await missing.json()) as ErrorBody).error.message).toMatch(/nothing\/manifest\.json does not exist/);
    // The manifest was there, the served file is not: found on first use.
    const noFile = await call('/v1/models/no-file/next', next('the'));
    expect(noFile.status).toBe(503);
    expect(((await noFile.json()) as ErrorBody).error.message).toMatch(/no-file\/model\.onnx does not exist in the bucket/);

    const unbound = workerOver([ref('gru-r2', `${run}/no-file/`)], {});
    const rejected = ((await (await unbound('/health')).json()) as Health).rejected;
    expect(rejected).toEqual([{ id: 'gru-r2', reason: 'no R2 bucket is bound as "MODELS" (r2_buckets in wrangler.jsonc)' }]);
  });
});
