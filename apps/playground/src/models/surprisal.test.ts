import { describe, expect, it } from 'vitest';
import { heatColor, perplexityOf, surprisalBits } from './surprisal.ts';

describe('surprisalBits', () => {
  it('is −log2 p: one bit for p = 1/2, three for 1/8', () => {
    expect(surprisalBits(Math.log(0.5))).toBeCloseTo(1, 12);
    expect(surprisalBits(Math.log(1 / 8))).toBeCloseTo(3, 12);
    expect(surprisalBits(0)).toBe(-0);
  });

  it('is infinite for probability 0 and null where nothing was predicted', () => {
    expect(surprisalBits(Number.NEGATIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(surprisalBits(null)).toBeNull();
  });
});

describe('perplexityOf', () => {
  it('is exp of the mean negative log-probability, skipping unpredicted tokens', () => {
    // p = 1/2 and 1/4: PP = exp((ln 2 + ln 4) / 2) = sqrt(8).
    const s = perplexityOf([null, Math.log(0.5), Math.log(0.25)]);
    expect(s.scored).toBe(2);
    expect(s.perplexity).toBeCloseTo(Math.sqrt(8), 12);
    expect(s.crossEntropy).toBeCloseTo(1.5 * Math.LN2, 12);
  });

  it('counts trailing tokens such as </s>', () => {
    // Four tokens each with p = 1/4: PP = 4 exactly, the uniform branching factor.
    expect(perplexityOf([Math.log(0.25), Math.log(0.25)], [Math.log(0.25), Math.log(0.25)]).perplexity).toBeCloseTo(4, 12);
  });

  it('is infinite when one token has probability 0, undefined when nothing was scored', () => {
    expect(perplexityOf([Math.log(0.5), Number.NEGATIVE_INFINITY]).perplexity).toBe(Number.POSITIVE_INFINITY);
    expect(perplexityOf([null])).toEqual({ scored: 0, crossEntropy: undefined, perplexity: undefined });
  });
});

describe('heatColor', () => {
  it('darkens from pale at 0 bits to saturated at maxBits and stays there beyond', () => {
    expect(heatColor(0, 8)).toBe('hsl(50 90% 95%)');
    expect(heatColor(8, 8)).toBe('hsl(0 90% 60%)');
    expect(heatColor(Number.POSITIVE_INFINITY, 8)).toBe('hsl(0 90% 60%)');
    expect(heatColor(4, 8)).toBe('hsl(25 90% 78%)');
  });

  it('is neutral grey for an unpredicted token', () => {
    expect(heatColor(null, 8)).toBe('hsl(0 0% 85%)');
  });
});
