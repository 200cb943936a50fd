import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { crossEntropy, logSoftmax, logSumExp, perplexity, softmax } from './softmax.ts';

describe('softmax and log-softmax', () => {
  it('gives probabilities that sum to 1 per row, in the ratio of exp(x)', () => {
    const x = Float64Array.from([0, Math.log(2), Math.log(5), 3, 3, 3]);
    const p = softmax(x, 2, 3);
    expect(p[0]).toBeCloseTo(1 / 8, 15);
    expect(p[1]).toBeCloseTo(2 / 8, 15);
    expect(p[2]).toBeCloseTo(5 / 8, 15);
    for (let j = 3; j < 6; j++) expect(p[j]).toBeCloseTo(1 / 3, 15);
    expect(x[0]).toBe(0); // input untouched without `out`
  });

  it('stays finite for logits that overflow exp (log-sum-exp shift)', () => {
    const x = Float32Array.from([1000, 1000, -1000]);
    const p = softmax(x, 1, 3);
    expect([...p]).toEqual([0.5, 0.5, 0]);
    expect(logSumExp(x)).toBeCloseTo(1000 + Math.log(2), 10);
    const lp = logSoftmax(x, 1, 3);
    expect(lp[0]).toBeCloseTo(-Math.log(2), 6);
    expect(lp[2]).toBeCloseTo(-2000 - Math.log(2), 2);
  });

  it('log-softmax equals the log of softmax', () => {
    const x = Float64Array.from([0.3, -1.2, 2.5, 0.1]);
    const p = softmax(x, 1, 4);
    const lp = logSoftmax(x, 1, 4);
    for (let j = 0; j < 4; j++) expect(lp[j]).toBeCloseTo(Math.log(p[j]!), 14);
  });

  it('rejects a shape that does not match the array', () => {
    expect(() => softmax(new Float32Array(5), 2, 3)).toThrow(SeqlmError);
  });
});

describe('cross-entropy and perplexity', () => {
  it('uniform logits give NLL log V and perplexity V', () => {
    const V = 28;
    const logits = new Float64Array(3 * V).fill(0.7);
    const nll = crossEntropy(logits, [0, 5, 27], 3, V);
    expect(nll).toBeCloseTo(Math.log(V), 14);
    expect(perplexity(nll)).toBeCloseTo(V, 10);
  });

  it('is the mean of −log p(y) per row', () => {
    const logits = Float64Array.from([0, Math.log(3), Math.log(1), Math.log(1)]);
    // Row 0: p(y=1) = 3/4; row 1: p(y=0) = 1/2.
    expect(crossEntropy(logits, [1, 0], 2, 2)).toBeCloseTo((-Math.log(3 / 4) - Math.log(1 / 2)) / 2, 14);
  });

  it('refuses out-of-range targets and non-finite NLL', () => {
    expect(() => crossEntropy(new Float32Array(4), [0, 2], 2, 2)).toThrow(expect.objectContaining({ code: 'VOCAB_OOV' }));
    expect(() => perplexity(Number.NaN)).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });

  it('refuses NaN and +∞ logits with NON_FINITE instead of returning NaN', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const logits = Float64Array.from([0, 1, 2, bad]);
      expect(() => crossEntropy(logits, [0, 0], 2, 2)).toThrow(expect.objectContaining({ code: 'NON_FINITE', message: `logit 1 of row 1 is ${bad}` }));
    }
    expect(() => crossEntropy(Float64Array.from([-Infinity, -Infinity]), [0], 1, 2)).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
    // −∞ is probability 0: off the target it changes nothing, on it the loss is +∞.
    expect(crossEntropy(Float64Array.from([0, -Infinity]), [0], 1, 2)).toBe(0);
    expect(crossEntropy(Float64Array.from([0, -Infinity]), [1], 1, 2)).toBe(Number.POSITIVE_INFINITY);
  });
});
