import { describe, expect, it } from 'vitest';
import { Vocab } from '@seqlm/core';
import { loadNgram, scoreIds } from '@seqlm/core/ngram';
import manifest from './fixtures/ngram-char3/manifest.json' with { type: 'json' };
import { MAX_GENERATE_TOKENS } from '../src/limits.ts';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import { postJson } from './helpers.ts';

const source = MODEL_SOURCES.find((s) => s.id === 'ngram-char3')!;
const core = loadNgram(manifest, new Uint8Array(source.files['model.ngram'] as ArrayBuffer));
const vocab = Vocab.fromJSON(manifest.vocab);
const ids = (text: string): number[] => Array.from(text, (ch) => vocab.idOf(ch));

interface NextBody {
  input: { tokens: number; oov: number };
  top: { id: number; token: string; prob: number }[];
  probs: number[];
}

describe('the n-gram model (core) behind the same endpoints', () => {
  it('/next equals core’s distribution after <s> and the text, and sums to 1', async () => {
    for (const text of ['', 'the time trav', 'Time Machine!', ' the ']) {
      const { status, body } = await postJson<NextBody>('/v1/models/ngram-char3/next', { text, topK: 5, full: true });
      expect(status).toBe(200);
      // d2l for a prefix: a leading non-letter run is dropped, a trailing one is the space before the next word.
      const normalized = text.replace(/[^A-Za-z]+/g, ' ').replace(/^ /, '').toLowerCase();
      const expected = core.distribution([core.bos, ...ids(normalized)]);
      // exp(ln p) round-trips core's float64 probabilities to a few ulps.
      body.probs.forEach((p, i) => expect(Math.abs(p - expected[i]!)).toBeLessThan(1e-14));
      // The file stores float32 probabilities, so the sum is 1 to float32 precision.
      expect(body.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(body.probs[core.bos]).toBe(0);
      expect(body.top[0]!.prob).toBe(Math.max(...body.probs));
    }
  });

  it('/score scores every char plus </s>, with cross-entropy and perplexity from the log-probabilities', async () => {
    const text = 'the time traveller';
    const { status, body } = await postJson<{ scored: number; tokens: string[]; logProbs: number[]; crossEntropy: { nats: number; bits: number }; perplexity: number }>(
      '/v1/models/ngram-char3/score',
      { text },
    );
    expect(status).toBe(200);
    expect(body.scored).toBe(text.length + 1);
    expect(body.tokens).toEqual([...Array.from(text), '</s>']);
    const expected = scoreIds(core, Int32Array.from(ids(text))).logProbs;
    body.logProbs.forEach((lp, i) => expect(Math.abs(lp - expected[i]!)).toBeLessThan(1e-12));
    const nats = -body.logProbs.reduce((a, b) => a + b, 0) / body.logProbs.length;
    expect(body.crossEntropy.nats).toBeCloseTo(nats, 12);
    expect(body.crossEntropy.bits).toBeCloseTo(nats / Math.LN2, 12);
    expect(body.perplexity).toBeCloseTo(Math.exp(nats), 9);
  });

  it('/generate stops at </s> without emitting it, and never emits <s>', async () => {
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => postJson<{ tokens: string[]; finishReason: string; text: string }>('/v1/models/ngram-char3/generate', { prompt: 'the', maxTokens: MAX_GENERATE_TOKENS, seed })),
    );
    expect(results.some((r) => r.body.finishReason === 'stop')).toBe(true);
    for (const { status, body } of results) {
      expect(status).toBe(200);
      expect(body.tokens).not.toContain('</s>');
      expect(body.tokens).not.toContain('<s>');
      if (body.finishReason === 'length') expect(body.tokens).toHaveLength(MAX_GENERATE_TOKENS);
      expect(body.text).toBe(body.tokens.join(''));
    }
  });
});
