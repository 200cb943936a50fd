import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import { ModelRegistry } from '../src/models/registry.ts';
import { checkSource, type ModelSource } from '../src/models/source.ts';
import type { ErrorBody } from './helpers.ts';

const gru = MODEL_SOURCES.find((s) => s.id === 'gru-tiny')!;

/** gru-tiny with one byte changed, as a source the build did not check (as a model fetched at run time would be). */
function corrupted(): ModelSource {
  const bytes = new Uint8Array(gru.files['model.onnx'] as ArrayBuffer).slice();
  bytes[bytes.length - 10]! ^= 0xff; // same size, different sha256
  const { verified: _, ...unchecked } = gru;
  return { ...unchecked, id: 'gru-corrupt', dir: 'test/gru-corrupt', files: { 'model.onnx': bytes } };
}

const json = { 'content-type': 'application/json' };

describe('a model that fails validation is never served', () => {
  it('checkSource (build time and first load) refuses a changed file and a bad manifest', () => {
    expect(checkSource(gru)).toMatchObject({ ok: true });
    const bad = checkSource(corrupted());
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/^HASH_MISMATCH: model\.onnx: sha256/);
    const manifest = { ...(gru.manifest as object), schemaVersion: 99 };
    const wrong = checkSource({ manifest, files: gru.files });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.reason).toMatch(/MANIFEST_INVALID/);
  });

  it('a corrupted ONNX file is refused at first load (503) and leaves the listing', async () => {
    const app = createApp(new ModelRegistry([gru, corrupted()]));
    expect(((await (await app.request('/health')).json()) as { models: string[] }).models).toEqual(['gru-tiny', 'gru-corrupt']);
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await app.request('/v1/models/gru-corrupt/next', { method: 'POST', headers: json, body: JSON.stringify({ text: 'the' }) });
      expect(res.status).toBe(503);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('MODEL_UNAVAILABLE');
      expect(body.error.message).toMatch(/gru-corrupt.*HASH_MISMATCH/);
    }
    const health = (await (await app.request('/health')).json()) as { models: string[]; rejected: { id: string; reason: string }[] };
    expect(health.models).toEqual(['gru-tiny']);
    expect(health.rejected.map((r) => r.id)).toEqual(['gru-corrupt']);
    expect((await app.request('/v1/models/gru-corrupt')).status).toBe(503);
    const ok = await app.request('/v1/models/gru-tiny/next', { method: 'POST', headers: json, body: JSON.stringify({ text: 'the' }) });
    expect(ok.status).toBe(200);
  });

  it('an invalid manifest is rejected before anything is listed', async () => {
    const broken: ModelSource = { ...gru, id: 'gru-v2', manifest: { ...(gru.manifest as object), schemaVersion: 99 } };
    const registry = new ModelRegistry([broken, gru], [{ id: 'gone', dir: 'x/gone', reason: 'rejected at build time' }]);
    expect(registry.ids()).toEqual(['gru-tiny']);
    expect(registry.rejected().map((r) => r.id).sort()).toEqual(['gone', 'gru-v2']);
    await expect(registry.get('gru-v2')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    await expect(registry.get('gone')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    await expect(registry.get('unknown')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('a build-time rejection that shares an id with a served model (duplicate directory name) is reported, not applied', async () => {
    const registry = new ModelRegistry([gru], [{ id: 'gru-tiny', dir: 'elsewhere/gru-tiny', reason: 'another configured directory is also named "gru-tiny"' }]);
    expect(registry.ids()).toEqual(['gru-tiny']);
    expect(registry.rejected()).toEqual([{ id: 'gru-tiny', dir: 'elsewhere/gru-tiny', reason: 'another configured directory is also named "gru-tiny"' }]);
    await expect(registry.get('gru-tiny')).resolves.toBeDefined();
  });

  it('bundled sources were hashed at build time (gen-models), so the worker does not hash them again', async () => {
    expect(MODEL_SOURCES.length).toBeGreaterThan(0);
    for (const source of MODEL_SOURCES) {
      expect(source.verified, source.id).toBe('build');
      // The claim holds: the bundled bytes are the ones the manifest names.
      expect(checkSource(source), source.id).toMatchObject({ ok: true });
    }
    // Trusted as built: the registry serves a build-verified source without hashing it,
    // and hashes the same bytes when they do not carry the mark.
    const changed = corrupted();
    expect((await new ModelRegistry([{ ...changed, verified: 'build' }]).get('gru-corrupt')).id).toBe('gru-corrupt');
    await expect(new ModelRegistry([changed]).get('gru-corrupt')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('loads each model once per registry and reuses it', async () => {
    const registry = new ModelRegistry([gru]);
    const [a, b] = await Promise.all([registry.get('gru-tiny'), registry.get('gru-tiny')]);
    expect(a).toBe(b);
    expect(await registry.get('gru-tiny')).toBe(a);
  });
});

describe('the neural cursor carries state between runs', () => {
  it('feeding tokens one run at a time gives the distribution of one prefill over the whole sequence', async () => {
    for (const id of ['rnn-tiny', 'gru-tiny', 'lstm-tiny']) {
      const model = await new ModelRegistry(MODEL_SOURCES).get(id);
      const prompt = Int32Array.of(2, 6, 5);
      const more = [1, 9, 0, 3];
      const cursor = await model.cursorAfter(prompt);
      for (let i = 0; i < more.length; i++) await cursor.feed([more[i]!]);
      const whole = await model.nextLogProbs(Int32Array.from([...prompt, ...more]));
      const stepped = cursor.logProbs()!;
      expect(stepped).toHaveLength(whole.length);
      for (let v = 0; v < whole.length; v++) expect(Math.abs(stepped[v]! - whole[v]!)).toBeLessThan(1e-5);
    }
  });
});
