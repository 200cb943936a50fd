import { describe, expect, it } from 'vitest';
import { Vocab } from '@seqlm/core/vocab';
import { detokenize, encodePrefix, encodeText } from './language-model.ts';

const vocab = Vocab.fromJSON({ format: 'seqlm-vocab', version: 1, reserved: [], tokens: ['<unk>', ' ', 'e', 'h', 't'] });
const d2lChar = { tokenizer: 'char', normalization: 'd2l' } as const;

describe('encodeText', () => {
  it('normalises the D2L way, tokenizes and maps unknown characters to <unk>', () => {
    const enc = encodeText('The  cat!', d2lChar, vocab);
    expect(enc.tokens).toEqual(['t', 'h', 'e', ' ', 'c', 'a', 't']);
    expect(Array.from(enc.ids)).toEqual([4, 3, 2, 1, 0, 0, 4]);
    expect(enc.oov).toBe(2);
  });
});

describe('encodePrefix', () => {
  it('keeps the space the user just typed, which d2l normalisation would trim', () => {
    expect(encodePrefix('the ', d2lChar, vocab).tokens).toEqual(['t', 'h', 'e', ' ']);
    expect(encodePrefix('the, ', d2lChar, vocab).tokens).toEqual(['t', 'h', 'e', ' ']);
    expect(Array.from(encodePrefix('the ', d2lChar, vocab).ids)).toEqual([4, 3, 2, 1]);
  });

  it('is encodeText when the text ends in a letter or has no tokens', () => {
    expect(encodePrefix('the', d2lChar, vocab).tokens).toEqual(['t', 'h', 'e']);
    expect(encodePrefix('  ', d2lChar, vocab).tokens).toEqual([]);
  });

  it('still drops leading non-letters, and collapses a trailing run to one space', () => {
    expect(encodePrefix(' ..The!! ', d2lChar, vocab).tokens).toEqual(['t', 'h', 'e', ' ']);
  });

  it('gives a word tokenizer no token for the trailing space: it only ends the last word', () => {
    const words = Vocab.fromJSON({ format: 'seqlm-vocab', version: 1, reserved: [], tokens: ['<unk>', 'the'] });
    expect(encodePrefix('the ', { tokenizer: 'word', normalization: 'd2l' }, words).tokens).toEqual(['the']);
  });

  it('leaves raw text as it is, whitespace included', () => {
    expect(encodePrefix(' the ', { tokenizer: 'char', normalization: 'raw' }, vocab).tokens).toEqual([' ', 't', 'h', 'e', ' ']);
  });
});

describe('detokenize', () => {
  it('joins characters as they are and words with spaces', () => {
    expect(detokenize(d2lChar, ['a', ' ', 'b'])).toBe('a b');
    expect(detokenize({ tokenizer: 'word', normalization: 'd2l' }, ['the', 'time'])).toBe('the time');
  });
});
