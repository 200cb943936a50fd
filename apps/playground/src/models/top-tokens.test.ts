import { describe, expect, it } from 'vitest';
import { Vocab } from '@seqlm/core/vocab';
import { topTokens } from './top-tokens.ts';

const vocab = Vocab.fromJSON({ format: 'seqlm-vocab', version: 1, reserved: [], tokens: ['<unk>', 'a', 'b', 'c'] });

describe('topTokens', () => {
  it('turns logits into softmax probabilities, most likely first, ties by lower id', () => {
    // Logits ln 1, ln 2, ln 4, ln 1: probabilities 1/8, 2/8, 4/8, 1/8.
    const top = topTokens(Float32Array.from([0, Math.log(2), Math.log(4), 0]), vocab, 3);
    expect(top.map((t) => t.token)).toEqual(['b', 'a', '<unk>']);
    expect(top[0]?.probability).toBeCloseTo(0.5, 6);
    expect(top[1]?.probability).toBeCloseTo(0.25, 6);
    expect(top[2]?.probability).toBeCloseTo(0.125, 6);
  });

  it('gives back n-gram probabilities from their logs, with -Infinity as 0', () => {
    const top = topTokens(Float64Array.from([Number.NEGATIVE_INFINITY, Math.log(0.7), Math.log(0.2), Math.log(0.1)]), vocab, 10);
    expect(top.map((t) => [t.id, t.probability])).toEqual([
      [1, expect.closeTo(0.7, 14)],
      [2, expect.closeTo(0.2, 14)],
      [3, expect.closeTo(0.1, 14)],
      [0, 0],
    ]);
  });
});
