import { describe, expect, it } from 'vitest';
import { orderName, seriesSpec, trainingCurveSpec, zipfSpec } from './chart-specs.ts';

describe('trainingCurveSpec', () => {
  it('has one point per epoch and split, numbered from 1', () => {
    const spec = trainingCurveSpec({ trainPerplexity: [9, 5], valPerplexity: [10, 6] });
    expect(spec?.data.values).toEqual([
      { epoch: 1, split: 'train', perplexity: 9 },
      { epoch: 2, split: 'train', perplexity: 5 },
      { epoch: 1, split: 'validation', perplexity: 10 },
      { epoch: 2, split: 'validation', perplexity: 6 },
    ]);
    expect(spec?.mark).toEqual({ type: 'line', point: true });
  });

  it('falls back to the training loss (ts-mlp) when there is no perplexity', () => {
    const spec = trainingCurveSpec({ trainLoss: [0.3, 0.1] });
    expect(spec?.data.values).toEqual([
      { epoch: 1, split: 'train', loss: 0.3 },
      { epoch: 2, split: 'train', loss: 0.1 },
    ]);
    expect((spec?.encoding as { y: { field: string } }).y.field).toBe('loss');
  });

  it('is null without curves, and skips non-finite values', () => {
    expect(trainingCurveSpec(undefined)).toBeNull();
    expect(trainingCurveSpec({ corpus: 'x' })).toBeNull();
    expect(trainingCurveSpec({ trainPerplexity: [Number.NaN, 3] })?.data.values).toEqual([{ epoch: 2, split: 'train', perplexity: 3 }]);
  });
});

describe('zipfSpec', () => {
  it('plots every order on log-log axes, named by order', () => {
    const spec = zipfSpec({
      tokens: 10,
      orders: [
        { order: 1, total: 10, distinct: 2, zipf: null, points: [{ rank: 1, freq: 6 }, { rank: 2, freq: 4 }] },
        { order: 2, total: 9, distinct: 1, zipf: null, points: [{ rank: 1, freq: 9 }] },
      ],
    });
    expect(spec?.data.values).toEqual([
      { rank: 1, frequency: 6, ngram: 'unigram' },
      { rank: 2, frequency: 4, ngram: 'unigram' },
      { rank: 1, frequency: 9, ngram: 'bigram' },
    ]);
    const encoding = spec?.encoding as Record<string, { scale?: { type?: string } }>;
    expect(encoding.x?.scale?.type).toBe('log');
    expect(encoding.y?.scale?.type).toBe('log');
  });

  it('names orders beyond three by number', () => {
    expect([1, 2, 3, 4].map(orderName)).toEqual(['unigram', 'bigram', 'trigram', '4-gram']);
  });
});

describe('seriesSpec', () => {
  it('places each line at its own time steps, 1-based as in D2L', () => {
    const spec = seriesSpec(
      [
        { label: 'data', start: 0, values: [5, 6, 7] },
        { label: '2-step preds', start: 2, values: [7.5] },
      ],
      'test',
    );
    expect(spec?.data.values).toEqual([
      { time: 1, x: 5, series: 'data' },
      { time: 2, x: 6, series: 'data' },
      { time: 3, x: 7, series: 'data' },
      { time: 3, x: 7.5, series: '2-step preds' },
    ]);
    expect(seriesSpec([], 'empty')).toBeNull();
  });
});
