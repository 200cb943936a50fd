import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import { ModelRegistry } from '../src/models/registry.ts';
import type { ModelSource } from '../src/models/source.ts';
import { createGraphSession } from '../src/ort.ts';
import { warmUp } from '../src/warm-up.ts';
import type { ErrorBody } from './helpers.ts';

const gru = MODEL_SOURCES.find((s) => s.id === 'gru-tiny')!;
const json = { 'content-type': 'application/json' };

describe('the startup warm-up', () => {
  it('creates one session per model buffer, and a warmed model answers as a fresh one', async () => {
    const buffer = (gru.files['model.onnx'] as ArrayBuffer).slice(0);
    const first = createGraphSession(buffer);
    expect(createGraphSession(buffer)).toBe(first);
    expect(createGraphSession(new Uint8Array(buffer))).toBe(first);
    // A view of part of a buffer is not that buffer's model.
    const larger = new Uint8Array(buffer.byteLength + 8);
    larger.set(new Uint8Array(buffer), 8);
    expect(createGraphSession(larger.subarray(8))).not.toBe(first);
    // The session the warm-up started answers the first request exactly as a fresh one would.
    const source: ModelSource = { ...gru, files: { 'model.onnx': buffer } };
    warmUp([source]);
    const warmed = await createApp(new ModelRegistry([source])).request('/v1/models/gru-tiny/next', { method: 'POST', headers: json, body: JSON.stringify({ text: 'the', full: true }) });
    const fresh = await createApp(new ModelRegistry([gru])).request('/v1/models/gru-tiny/next', { method: 'POST', headers: json, body: JSON.stringify({ text: 'the', full: true }) });
    expect(warmed.status).toBe(200);
    expect(await warmed.text()).toBe(await fresh.text());
  });

  it('never throws, and a model it cannot load is refused by the registry as without it (503)', async () => {
    const bytes = new Uint8Array(gru.files['model.onnx'] as ArrayBuffer).slice(0, 100); // truncated: not an ONNX model
    // Claimed checked at build time, so nothing hashes it before onnxruntime reads it.
    const broken: ModelSource = { ...gru, id: 'gru-broken', files: { 'model.onnx': bytes }, verified: 'build' };
    expect(() => warmUp([broken])).not.toThrow();
    const res = await createApp(new ModelRegistry([broken])).request('/v1/models/gru-broken/next', { method: 'POST', headers: json, body: JSON.stringify({ text: 'the' }) });
    expect(res.status).toBe(503);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('MODEL_UNAVAILABLE');
    expect(body.error.message).toMatch(/failed to load/);
  });
});
