import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { charTokenizer, getTokenizer, normalize, wordTokenizer, type Normalization } from './index.ts';

describe('normalize', () => {
  it('d2l keeps letters only, collapses every other run (line breaks included) to one space, lowercases and trims', () => {
    expect(normalize('  The Time-Traveller (for so it\n\nwill be...) 42 ', 'd2l')).toBe('the time traveller for so it will be');
  });

  it('d2l drops non-ASCII letters like D2L does', () => {
    expect(normalize('Café naïve', 'd2l')).toBe('caf na ve');
  });

  it('raw leaves the text unchanged', () => {
    const text = 'First Citizen:\nBefore we proceed any further, hear me speak.\n';
    expect(normalize(text, 'raw')).toBe(text);
  });

  it('refuses an unknown normalisation with a coded error', () => {
    expect(() => normalize('x', 'nfkc' as Normalization)).toThrow(SeqlmError);
  });
});

describe('tokenizers', () => {
  it('char splits into code points and round-trips any text exactly', () => {
    const text = 'a b\nc😀';
    const tokens = charTokenizer.tokenize(text);
    expect(tokens).toEqual(['a', ' ', 'b', '\n', 'c', '😀']);
    expect(charTokenizer.detokenize(tokens)).toBe(text);
  });

  it('word splits on whitespace and round-trips single-spaced text', () => {
    const text = 'the time traveller';
    expect(wordTokenizer.tokenize(' the  time\ttraveller\n')).toEqual(['the', 'time', 'traveller']);
    expect(wordTokenizer.detokenize(wordTokenizer.tokenize(text))).toBe(text);
    expect(wordTokenizer.tokenize('   ')).toEqual([]);
  });

  it('getTokenizer returns the named tokenizer and refuses unknown names', () => {
    expect(getTokenizer('char')).toBe(charTokenizer);
    expect(getTokenizer('word')).toBe(wordTokenizer);
    try {
      getTokenizer('bpe' as 'char');
      expect.unreachable();
    } catch (error) {
      expect((error as SeqlmError).code).toBe('INVALID_ARGUMENT');
    }
  });
});
