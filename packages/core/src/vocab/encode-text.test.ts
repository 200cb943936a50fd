import { describe, expect, it } from 'vitest';
import { encodePrefix, encodeText } from './encode-text.ts';
import { Vocab } from './vocab.ts';

const vocab = Vocab.build(Array.from('the cat sat'));

describe('encodeText / encodePrefix', () => {
  it('normalises, tokenizes and maps unknown tokens to <unk>, counting them', () => {
    const out = encodeText('The DOG!', { tokenizer: 'char', normalization: 'd2l' }, vocab);
    expect(out.tokens).toEqual(['t', 'h', 'e', ' ', 'd', 'o', 'g']);
    expect(out.oov).toBe(3); // d, o, g
    expect(Array.from(out.ids).filter((id) => id === 0)).toHaveLength(3);
    expect(vocab.decode(out.ids.filter((id) => id !== 0))).toEqual(['t', 'h', 'e', ' ']);
  });

  it('keeps one trailing space for a prefix but not for a whole text', () => {
    const pipeline = { tokenizer: 'char', normalization: 'd2l' } as const;
    expect(encodeText('the cat, ', pipeline, vocab).tokens.join('')).toBe('the cat');
    expect(encodePrefix('the cat, ', pipeline, vocab).tokens.join('')).toBe('the cat ');
  });

  it('gives no token for the trailing space of a word prefix', () => {
    const words = Vocab.build(['the', 'cat']);
    expect(encodePrefix('the cat ', { tokenizer: 'word', normalization: 'd2l' }, words).tokens).toEqual(['the', 'cat']);
  });
});
