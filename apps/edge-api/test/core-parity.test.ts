import { describe, expect, it } from 'vitest';
import { decodeWeights, normalize } from '@seqlm/core';
import { RnnModel, type CellKind } from '@seqlm/core/rnn';
import rnnWeights from '../../../fixtures/models/rnn-tiny/weights.bin';
import gruWeights from '../../../fixtures/models/gru-tiny/weights.bin';
import lstmWeights from '../../../fixtures/models/lstm-tiny/weights.bin';
import rnnManifest from '../../../fixtures/models/rnn-tiny/manifest.json' with { type: 'json' };
import gruManifest from '../../../fixtures/models/gru-tiny/manifest.json' with { type: 'json' };
import lstmManifest from '../../../fixtures/models/lstm-tiny/manifest.json' with { type: 'json' };
import { logSoftmaxRef, postJson } from './helpers.ts';

interface FixtureManifest {
  kind: string;
  vocab: { tokens: string[] };
  architecture: { vocabSize: number; hiddenSize: number; numLayers: number };
  gates?: { linearBeforeReset?: 0 | 1 };
}

const FIXTURES: [string, FixtureManifest, ArrayBuffer][] = [
  ['rnn-tiny', rnnManifest as FixtureManifest, rnnWeights],
  ['gru-tiny', gruManifest as FixtureManifest, gruWeights],
  ['lstm-tiny', lstmManifest as FixtureManifest, lstmWeights],
];

const TEXTS = ['the time traveller', 'Shady, dry and dense: the hearth!', 'a', 'yonder stands the trees and the shore'];

// Core's own forward pass (pure TypeScript, from weights.bin) runs in the same
// isolate as the API, so /next is checked against it on any text, not only io.json's.
describe.each(FIXTURES)('%s: /next equals @seqlm/core’s forward pass', (id, manifest, weights) => {
  const { vocabSize, hiddenSize, numLayers } = manifest.architecture;
  const model = RnnModel.fromParameters(
    { cell: manifest.kind as CellKind, vocabSize, hiddenSize, numLayers, linearBeforeReset: manifest.gates?.linearBeforeReset ?? 0 },
    decodeWeights(new Uint8Array(weights)),
  );
  const vocab = manifest.vocab.tokens;

  it.each(TEXTS)('for %j to 1e-5', async (text) => {
    const chars = Array.from(normalize(text, 'd2l'));
    const ids = Int32Array.from(chars, (ch) => Math.max(0, vocab.indexOf(ch)));
    const T = ids.length;
    const { logits } = model.forward(ids, 1, T); // [T, 1, V]
    const expected = logSoftmaxRef(Array.from(logits.subarray((T - 1) * vocabSize, T * vocabSize))).map(Math.exp);
    const { status, body } = await postJson<{ probs: number[]; input: { oov: number } }>(`/v1/models/${id}/next`, { text, full: true });
    expect(status).toBe(200);
    expect(body.input.oov).toBe(chars.filter((ch) => !vocab.includes(ch)).length);
    body.probs.forEach((p, v) => expect(Math.abs(p - expected[v]!)).toBeLessThanOrEqual(1e-5));
  });
});
