import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { splitByPosition } from './split.ts';

describe('splitByPosition', () => {
  it('keeps the first 90% for training and the last 10% for validation by default', () => {
    const ids = Int32Array.from({ length: 100 }, (_, i) => i);
    const { train, val } = splitByPosition(ids);
    expect(train).toBeInstanceOf(Int32Array);
    expect(Array.from(train)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    expect(Array.from(val)).toEqual(Array.from({ length: 10 }, (_, i) => 90 + i));
  });

  it('cuts strings and arrays at floor(length · fraction)', () => {
    expect(splitByPosition('abcdefg', 0.5)).toEqual({ train: 'abc', val: 'defg' });
    expect(splitByPosition(['a', 'b', 'c', 'd'], 0.75)).toEqual({ train: ['a', 'b', 'c'], val: ['d'] });
    // 11 · 0.9 = 9.9 → 9 for training, 2 for validation.
    const { train, val } = splitByPosition('hello world');
    expect([train, val]).toEqual(['hello wor', 'ld']);
  });

  it('copies typed arrays so training and validation do not alias the corpus', () => {
    const ids = Int32Array.of(1, 2, 3, 4);
    const { train } = splitByPosition(ids, 0.5);
    train[0] = 99;
    expect(ids[0]).toBe(1);
  });

  it('rejects fractions outside (0, 1) and parts that would be empty', () => {
    for (const f of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => splitByPosition('abcdef', f)).toThrow(SeqlmError);
    }
    for (const [seq, f] of [['a', 0.9], ['ab', 0.4], ['abcdefghij', 0.05], [[], 0.5]] as const) {
      try {
        splitByPosition(seq as string, f);
        expect.unreachable();
      } catch (e) {
        expect((e as SeqlmError).code).toBe('CORPUS_TOO_SHORT');
      }
    }
    expect(() => splitByPosition(42 as unknown as string)).toThrow(SeqlmError);
  });
});
