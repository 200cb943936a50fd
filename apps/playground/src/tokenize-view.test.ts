import { describe, expect, it } from 'vitest';
import { summarizeTokens } from './tokenize-view.ts';

describe('summarizeTokens', () => {
  it('normalises the D2L way before tokenizing by characters', () => {
    const summary = summarizeTokens('A b, a!', 'd2l', 'char');
    expect(summary.tokens).toEqual(['a', ' ', 'b', ' ', 'a']);
    // <unk>, then 'a' (2), ' ' (2), 'b' (1): ties broken by code unit, so ' ' before 'a'.
    expect(summary.ids).toEqual([2, 1, 3, 1, 2]);
    expect(summary.vocabSize).toBe(4);
  });

  it('keeps text unchanged under raw normalisation with word tokens', () => {
    const summary = summarizeTokens('To be, or not to be', 'raw', 'word');
    expect(summary.tokens).toEqual(['To', 'be,', 'or', 'not', 'to', 'be']);
    expect(summary.vocabSize).toBe(7);
  });
});
