import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type RnnConfig } from '@seqlm/core/rnn';
import { maxAbsDiff, runLm } from './lm-session.ts';
import { readSignature } from './signature.ts';
import { buildLmGraph, lmGraphIo, LM_TENSOR_NAMES } from './rnn-graph.ts';
import { availableRuntimes, createSession, type OrtSession } from './runtime.ts';
import { testParameters } from './test-models.test-util.ts';
import { coreReference, coveringLmInput, randomLmInput, tfjsReference, verifyLmGraph } from './verify.ts';

const TOL = 1e-5;
const runtimes = await availableRuntimes();

const configs: [string, RnnConfig][] = [];
for (const cell of ['rnn', 'gru', 'lstm'] as const) {
  for (const numLayers of [1, 2]) configs.push([`${cell} L=${numLayers}`, { cell, vocabSize: 11, hiddenSize: 6, numLayers }]);
}
configs.push(['gru linear_before_reset=1 L=2', { cell: 'gru', vocabSize: 11, hiddenSize: 6, numLayers: 2, linearBeforeReset: 1 }]);
configs.push(['lstm with embedding L=2', { cell: 'lstm', vocabSize: 11, hiddenSize: 6, numLayers: 2, embeddingSize: 4 }]);

describe.each(configs)('exported %s', (_, rawConfig) => {
  const config = resolveConfig(rawConfig);
  const params = testParameters(config);
  const graph = buildLmGraph(config, params);
  const sessions: OrtSession[] = [];
  beforeAll(async () => {
    for (const r of runtimes) sessions.push(await createSession(r, graph.bytes));
  });
  afterAll(async () => {
    for (const s of sessions) await s.release();
  });

  it('runs on onnxruntime-web (and onnxruntime-node when installed)', () => {
    expect(runtimes).toContain('web');
    expect(sessions.length).toBe(runtimes.length);
  });

  it.each([
    [1, 1],
    [1, 50],
    [4, 1],
    [4, 50],
  ])('matches core and TensorFlow.js within 1e-5 for B=%i, T=%i', async (B, T) => {
    const { ids, h0, c0 } = randomLmInput(config, B, T, B * 100 + T);
    const core = coreReference(config, params, ids, B, T, h0, c0);
    const tfjs = await tfjsReference(config, params, ids, B, T, h0, c0);
    expect(maxAbsDiff(core.logits, tfjs.logits)).toBeLessThan(TOL);
    for (const session of sessions) {
      const got = await runLm(session, config, { ids, batchSize: B, numSteps: T, h0, ...(c0 !== null ? { c0 } : {}) });
      expect(got.logits.length).toBe(B * T * config.vocabSize);
      for (const ref of [core, tfjs]) {
        expect(maxAbsDiff(got.logits, ref.logits)).toBeLessThan(TOL);
        expect(maxAbsDiff(got.hT, ref.hT)).toBeLessThan(TOL);
        if (ref.cT !== null) expect(maxAbsDiff(got.cT!, ref.cT)).toBeLessThan(TOL);
      }
      expect(maxAbsDiff(got.hidden!, core.hidden!)).toBeLessThan(TOL);
    }
  });

  it('gives the same logits and state stepping T = 1 fifty times with carried state as one T = 50 run', async () => {
    const B = 4;
    const T = 50;
    const { ids, h0, c0 } = randomLmInput(config, B, T, 7);
    const V = config.vocabSize;
    for (const session of sessions) {
      const whole = await runLm(session, config, { ids, batchSize: B, numSteps: T, h0, ...(c0 !== null ? { c0 } : {}) });
      let h = h0;
      let c = c0;
      const stepped = new Float32Array(B * T * V);
      const H = config.hiddenSize;
      const steppedHidden = new Float32Array(B * T * H);
      for (let t = 0; t < T; t++) {
        const col = Int32Array.from({ length: B }, (_, b) => ids[b * T + t]!);
        const out = await runLm(session, config, { ids: col, batchSize: B, numSteps: 1, h0: h, ...(c !== null ? { c0: c } : {}) });
        for (let b = 0; b < B; b++) stepped.set(out.logits.subarray(b * V, (b + 1) * V), (b * T + t) * V);
        for (let b = 0; b < B; b++) steppedHidden.set(out.hidden!.subarray(b * H, (b + 1) * H), (b * T + t) * H);
        h = out.hT;
        c = out.cT;
      }
      expect(maxAbsDiff(stepped, whole.logits)).toBeLessThan(TOL);
      expect(maxAbsDiff(steppedHidden, whole.hidden!)).toBeLessThan(TOL);
      expect(maxAbsDiff(h, whole.hT)).toBeLessThan(TOL);
      if (c !== null) expect(maxAbsDiff(c, whole.cT!)).toBeLessThan(TOL);
    }
  });
});

describe('buildLmGraph', () => {
  it('declares the documented inputs and outputs', () => {
    const config = resolveConfig({ cell: 'lstm', vocabSize: 5, hiddenSize: 3, numLayers: 2 });
    const sig = readSignature(buildLmGraph(config, testParameters(config)).bytes);
    const n = LM_TENSOR_NAMES;
    expect(sig.irVersion).toBe(8);
    expect(sig.opset).toBe(15);
    expect(sig.inputs).toEqual([
      { name: n.ids, dtype: 'int32', shape: ['batch', 'time'] },
      { name: n.h0, dtype: 'float32', shape: [2, 'batch', 3] },
      { name: n.c0, dtype: 'float32', shape: [2, 'batch', 3] },
    ]);
    expect(sig.outputs.map((o) => o.name)).toEqual([n.logits, n.hT, n.cT, n.hidden]);
    expect(sig.outputs[0]!.shape).toEqual(['batch', 'time', 5]);
    expect(sig.outputs[3]).toEqual({ name: n.hidden, dtype: 'float32', shape: ['batch', 'time', 3] });
    expect(lmGraphIo('lstm').hidden).toEqual({ name: n.hidden, batchAxis: 0, timeAxis: 1 });
  });

  it('refuses parameters that do not fit the config', () => {
    const config = resolveConfig({ cell: 'gru', vocabSize: 5, hiddenSize: 3 });
    const params = testParameters(config);
    delete (params as Record<string, unknown>)['b_q'];
    expect(() => buildLmGraph(config, params)).toThrow(expect.objectContaining({ code: 'WEIGHTS_INVALID' }));
    expect(() => buildLmGraph({ ...config, hiddenSize: 4 }, testParameters(config))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it('refuses token ids outside the vocabulary instead of running them', async () => {
    const config = resolveConfig({ cell: 'rnn', vocabSize: 5, hiddenSize: 3 });
    const session = await createSession('web', buildLmGraph(config, testParameters(config)).bytes);
    await expect(runLm(session, config, { ids: Int32Array.of(1, 5), batchSize: 1, numSteps: 2 })).rejects.toMatchObject({ code: 'VOCAB_OOV' });
    await session.release();
  });
});

describe('coveringLmInput', () => {
  it('holds every token id at least once, in one batch when the vocabulary fits', () => {
    const config = resolveConfig({ cell: 'lstm', vocabSize: 7, hiddenSize: 4, numLayers: 2 });
    // T rises from 3 to ⌈7/2⌉ = 4 so 2 × 4 ids hold all 7.
    const input = coveringLmInput(config, 2, 3, 0);
    expect([input.batchSize, input.numSteps, input.batches.length]).toEqual([2, 4, 1]);
    const batch = input.batches[0]!;
    expect(new Set(batch.ids).size).toBe(7);
    expect([batch.ids.length, batch.h0.length, batch.c0?.length]).toEqual([8, 2 * 2 * 4, 2 * 2 * 4]);
  });

  it('splits a large vocabulary over several bounded batches that together hold every id', () => {
    const V = 50_000;
    const config = resolveConfig({ cell: 'gru', vocabSize: V, hiddenSize: 2, numLayers: 1 });
    const input = coveringLmInput(config, 4, 16, 1);
    // Logits of one batch stay within 2^22 values: T = max(16, min(12500, ⌊2^22 / (4 · 50000)⌋ = 20)).
    expect(input.numSteps).toBe(20);
    expect(input.batches.length).toBe(Math.ceil(V / (4 * 20)));
    const seen = new Set<number>();
    for (const b of input.batches) for (const id of b.ids) seen.add(id);
    expect(seen.size).toBe(V);
  });
});

describe('verifyLmGraph', () => {
  it('fails with EXPORT_MISMATCH and the numbers when the graph does not compute the model', async () => {
    const config = resolveConfig({ cell: 'lstm', vocabSize: 7, hiddenSize: 4, numLayers: 2 });
    const params = testParameters(config);
    const bytes = buildLmGraph(config, params).bytes;
    const other = testParameters(config);
    other['layers.1.W_h']!.data[5]! += 0.05;
    const error = await verifyLmGraph(bytes, config, other, { tfjs: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EXPORT_MISMATCH' });
    expect((error as Error).message).toMatch(/onnxruntime-web vs core: logits differs by \d/);
    const report = await verifyLmGraph(bytes, config, params, { batchSize: 2, numSteps: 3 });
    expect(report.references).toEqual(['core', 'tfjs']);
    // The per-step hidden states are checked against core (TF.js returns none).
    expect(report.comparisons.filter((c) => c.output === 'hidden').map((c) => c.reference)).toEqual(report.runtimes.map(() => 'core'));
    expect(report.maxAbsDiff).toBeLessThan(1e-5);
  });
});
