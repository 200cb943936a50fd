import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { charTokenizer, getTokenizer, normalize, normalizePrefix, wordTokenizer, type Normalization } from './index.ts';

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

describe('normalizePrefix', () => {
  it('d2l keeps a trailing run of non-letters as one space, and still drops a leading one', () => {
    expect(normalizePrefix('the time ', 'd2l')).toBe('the time ');
    expect(normalizePrefix('  The Time, \n', 'd2l')).toBe('the time ');
    expect(normalizePrefix('...The time', 'd2l')).toBe('the time');
    expect(normalizePrefix('the time', 'd2l')).toBe('the time');
  });

  it('d2l gives nothing for text without letters, as normalize does', () => {
    expect(normalizePrefix('', 'd2l')).toBe('');
    expect(normalizePrefix('  42, ', 'd2l')).toBe('');
  });

  it('d2l is normalize plus at most one space, and that space only after a trailing non-letter', () => {
    const alphabet = 'aB z,\n9é-';
    const rng = new Rng(4);
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: rng.int(12) }, () => alphabet[rng.int(alphabet.length)]).join('');
      const whole = normalize(text, 'd2l');
      const endsInNonLetter = whole !== '' && /[^A-Za-z]$/.test(text);
      expect(normalizePrefix(text, 'd2l'), JSON.stringify(text)).toBe(endsInNonLetter ? `${whole} ` : whole);
    }
  });

  it('a word tokenizer reads the kept space as the end of the last word, not a token', () => {
    expect(wordTokenizer.tokenize(normalizePrefix('the time, ', 'd2l'))).toEqual(['the', 'time']);
    expect(charTokenizer.tokenize(normalizePrefix('the time, ', 'd2l')).at(-1)).toBe(' ');
  });

  it('raw leaves the prefix unchanged and an unknown normalisation is refused', () => {
    expect(normalizePrefix(' The time,\n', 'raw')).toBe(' The time,\n');
    expect(() => normalizePrefix('x', 'nfkc' as Normalization)).toThrow(SeqlmError);
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

  it('refuses non-string text and non-array tokens with INVALID_ARGUMENT at every entry point', () => {
    const calls: (() => unknown)[] = [
      () => normalize(123 as unknown as string, 'd2l'),
      () => normalize(null as unknown as string, 'raw'),
      () => normalizePrefix(undefined as unknown as string, 'd2l'),
      () => wordTokenizer.tokenize(null as unknown as string),
      () => charTokenizer.tokenize(7 as unknown as string),
      () => wordTokenizer.detokenize('a b' as unknown as string[]),
      () => charTokenizer.detokenize(['a', 1] as unknown as string[]),
    ];
    for (const call of calls) expect(call).toThrow(expect.objectContaining({ name: 'SeqlmError', code: 'INVALID_ARGUMENT' }));
    expect(() => normalize(123 as unknown as string, 'd2l')).toThrow('text must be a string, got number');
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
