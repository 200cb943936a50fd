import { describe, expect, it } from 'vitest';
import { normalize } from '@seqlm/core/text';
import { describeNormalization } from './normalization-note.ts';

describe('describeNormalization', () => {
  it('names the lower-casing and each dropped character once', () => {
    const text = 'The Time (for so) it was.';
    expect(describeNormalization(text, 'd2l')).toBe('D2L normalisation lower-cased 2 letters; dropped 3 characters: “(”, “)”, “.”.');
    // The count is of what normalize() removed: every non-letter that is not whitespace.
    const kept = normalize(text, 'd2l').replace(/ /g, '').length;
    expect(Array.from(text).filter((c) => !/\s/.test(c)).length - kept).toBe(3);
  });

  it('reports emoji and line breaks, and caps the list', () => {
    expect(describeNormalization('hi 👋\nthere', 'd2l')).toBe('D2L normalisation dropped 1 character: “👋”; line breaks and runs of spaces became one space.');
    expect(describeNormalization('a1b2c3d4e5f6g7h8i9j0', 'd2l')).toContain('“7”, “8” and 2 more');
  });

  it('says when nothing changed, and counts unknown tokens', () => {
    expect(describeNormalization('the time machine', 'd2l')).toBe('Scored as typed: "d2l" normalisation changed nothing.');
    expect(describeNormalization('Hello', 'raw')).toBe('Scored as typed (no normalisation).');
    expect(describeNormalization('hello', 'raw', 2)).toBe("2 tokens not in the model's vocabulary (scored as <unk>).");
  });
});
