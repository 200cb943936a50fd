import { describe, expect, it } from 'vitest';
import { UNK_ID, decodeWeights, normalizePrefix } from '@seqlm/core';
import { RnnModel, type CellKind } from '@seqlm/core/rnn';
import { generate, softmax } from '@seqlm/core/sampling';
import rnnWeights from '../../../fixtures/models/rnn-tiny/weights.bin';
import gruWeights from '../../../fixtures/models/gru-tiny/weights.bin';
import lstmWeights from '../../../fixtures/models/lstm-tiny/weights.bin';
import rnnManifest from '../../../fixtures/models/rnn-tiny/manifest.json' with { type: 'json' };
import gruManifest from '../../../fixtures/models/gru-tiny/manifest.json' with { type: 'json' };
import lstmManifest from '../../../fixtures/models/lstm-tiny/manifest.json' with { type: 'json' };
import { MAX_GENERATE_TOKENS } from '../src/limits.ts';
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
    // /next continues the text, so a trailing "!" is read as the space before a new word.
    const chars = Array.from(normalizePrefix(text, 'd2l'));
    const ids = Int32Array.from(chars, (ch) => Math.max(0, vocab.indexOf(ch)));
    const T = ids.length;
    const { logits } = model.forward(ids, 1, T); // [T, 1, V]
    const expected = logSoftmaxRef(Array.from(logits.subarray((T - 1) * vocabSize, T * vocabSize))).map(Math.exp);
    const { status, body } = await postJson<{ probs: number[]; input: { oov: number } }>(`/v1/models/${id}/next`, { text, full: true });
    expect(status).toBe(200);
    expect(body.input.oov).toBe(chars.filter((ch) => !vocab.includes(ch)).length);
    body.probs.forEach((p, v) => expect(Math.abs(p - expected[v]!)).toBeLessThanOrEqual(1e-5));
  });

  it('/generate draws what core draws for the same seed, and never <unk>, which the model gives real mass', async () => {
    const prompt = 'Shady, the ';
    const prefix = Array.from(normalizePrefix(prompt, 'd2l'), (ch) => vocab.indexOf(ch));
    expect(prefix).not.toContain(-1);
    expect(prefix.at(-1)).toBe(vocab.indexOf(' '));
    const request = { prompt, maxTokens: MAX_GENERATE_TOKENS, temperature: 1, seed: 11 };
    const { status, body } = await postJson<{ ids: number[]; input: { tokens: number } }>(`/v1/models/${id}/generate`, request);
    expect(status).toBe(200);
    expect(body.input.tokens).toBe(prefix.length);
    const core = generate(model, prefix, { maxTokens: request.maxTokens, temperature: 1, seed: request.seed, excludeIds: [UNK_ID] });
    expect(body.ids).toEqual(Array.from(core.ids));
    expect(body.ids).not.toContain(UNK_ID);
    // Without the exclusion, the expected number of <unk> draws along this text is Σ_t p(<unk> | x_<t).
    const all = Int32Array.from([...prefix, ...body.ids]);
    const { logits } = model.forward(all, 1, all.length); // [T, 1, V]
    let expectedUnk = 0;
    for (let t = prefix.length - 1; t < all.length - 1; t++) expectedUnk += softmax(logits.subarray(t * vocabSize, (t + 1) * vocabSize))[UNK_ID]!;
    expect(expectedUnk).toBeGreaterThan(3);
  });
});
