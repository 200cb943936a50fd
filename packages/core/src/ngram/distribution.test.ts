import { describe, expect, it } from 'vitest';
import { charTokenizer, normalize, wordTokenizer } from '../text/index.ts';
import type { NgramModel } from './model.ts';
import { trainNgram, type NgramEstimatorOptions } from './train.ts';
import { readCorpus, sum } from './ngram.test-util.ts';

const estimators: NgramEstimatorOptions[] = [
  { kind: 'mle' },
  { kind: 'add-k', k: 1 },
  { kind: 'add-k', k: 0.01 },
  { kind: 'kneser-ney' },
];

const text = readCorpus('timemachine.txt');
const chars = charTokenizer.tokenize(normalize(text, 'd2l').slice(0, 20000));
const lines = text
  .split('\n')
  .slice(0, 400)
  .map((l) => wordTokenizer.tokenize(normalize(l, 'd2l')))
  .filter((l) => l.length > 0);

function checkDistribution(m: NgramModel, context: number[]): void {
  const d = m.distribution(context);
  expect(d.length).toBe(m.vocab.size);
  expect(Math.abs(sum(d) - 1)).toBeLessThan(1e-9);
  for (let w = 0; w < d.length; w++) {
    const pw = d[w] as number;
    expect(pw).toBeGreaterThanOrEqual(0);
    // the full distribution and the single-token query agree
    expect(pw).toBeCloseTo(Math.exp(m.logProb(w, context)), 12);
  }
  if (m.bos >= 0) expect(d[m.bos]).toBe(0);
}

describe.each(estimators)('next-token distribution sums to 1: %o', (estimator) => {
  it.each([1, 2, 3, 5])('char model of order %i', (order) => {
    const m = trainNgram([chars], { order, estimator });
    const ids = m.vocab.encode(chars);
    const seen = Array.from(ids.subarray(100, 100 + order - 1));
    const unseen = m.vocab.encode(['q', 'q', 'q', 'x'].slice(0, order - 1));
    for (const ctx of [[], seen, Array.from(unseen), [0, 0, 0, 0]]) checkDistribution(m, ctx);
  });

  it.each([1, 2, 3])('word model with sentence boundaries, order %i', (order) => {
    const m = trainNgram(lines, { order, estimator, boundaries: true });
    const bos = m.vocab.idOf('<s>');
    const first = lines[3] as string[];
    const seen = [bos, ...Array.from(m.vocab.encode(first.slice(0, order - 2)))];
    const unseen = Array.from(m.vocab.encode(['elephant', 'zebra']));
    for (const ctx of [[], [bos], seen, unseen, [m.vocab.idOf('the'), 0]]) checkDistribution(m, ctx);
  });
});
