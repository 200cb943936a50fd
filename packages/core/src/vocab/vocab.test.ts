import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { UNK, Vocab } from './vocab.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SeqlmError ? error.code : `not a SeqlmError: ${String(error)}`;
  }
  return undefined;
}

describe('Vocab.build', () => {
  it('puts <unk> at 0, then reserved tokens, then tokens by frequency with ties broken by code unit', () => {
    // counts: b=3, a=2, c=2, d=1
    const vocab = Vocab.build(['b', 'a', 'c', 'b', 'd', 'a', 'c', 'b'], { reserved: ['<s>', '</s>'] });
    expect(vocab.tokens).toEqual([UNK, '<s>', '</s>', 'b', 'a', 'c', 'd']);
    expect(vocab.size).toBe(7);
  });

  it('is deterministic whatever the order the tokens arrive in', () => {
    const tokens = 'the quick brown fox jumps over the lazy dog the end'.split(' ');
    const shuffled = [...tokens].reverse();
    expect(Vocab.build(tokens).tokens).toEqual(Vocab.build(shuffled).tokens);
  });

  it('drops tokens below minFreq, which then encode as <unk>', () => {
    const vocab = Vocab.build(['x', 'x', 'y'], { minFreq: 2 });
    expect(vocab.tokens).toEqual([UNK, 'x']);
    expect(Array.from(vocab.encode(['x', 'y', 'z']))).toEqual([1, 0, 0]);
    expect(vocab.countUnknown(['x', 'y', 'z'])).toBe(2);
  });

  it('accepts several token sequences', () => {
    const vocab = Vocab.build([['a', 'b'], ['b']]);
    expect(vocab.tokens).toEqual([UNK, 'b', 'a']);
  });

  it('does not count a literal <unk> in the text as a new token', () => {
    const vocab = Vocab.build(['<unk>', 'a', '<unk>']);
    expect(vocab.tokens).toEqual([UNK, 'a']);
  });

  it('rejects bad options with a coded error', () => {
    expect(codeOf(() => Vocab.build(['a'], { minFreq: -1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => Vocab.build(['a'], { reserved: ['<s>', '<s>'] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => Vocab.build(['a'], { reserved: [UNK] }))).toBe('INVALID_ARGUMENT');
  });
});

describe('Vocab encode/decode', () => {
  it('round-trips known tokens', () => {
    const tokens = Array.from('time traveller');
    const vocab = Vocab.build(tokens);
    expect(vocab.decode(vocab.encode(tokens))).toEqual(tokens);
  });

  it('refuses ids outside the vocabulary when decoding', () => {
    const vocab = Vocab.build(['a']);
    expect(codeOf(() => vocab.decode([0, 2]))).toBe('VOCAB_OOV');
    expect(codeOf(() => vocab.tokenOf(-1))).toBe('VOCAB_OOV');
  });
});

describe('Vocab JSON', () => {
  it('round-trips exactly through serialize/parse', () => {
    const vocab = Vocab.build(Array.from('hello world, hello vocab'), { reserved: ['<pad>'], minFreq: 1 });
    const again = Vocab.parse(vocab.serialize());
    expect(again.tokens).toEqual(vocab.tokens);
    expect(again.reserved).toEqual(vocab.reserved);
    expect(again.serialize()).toBe(vocab.serialize());
    expect(Array.from(again.encode(['h', 'q']))).toEqual(Array.from(vocab.encode(['h', 'q'])));
  });

  it('build refuses tokens that are not strings with INVALID_ARGUMENT, not a TypeError', () => {
    const untyped = Vocab.build as (tokens: unknown) => Vocab;
    expect(codeOf(() => untyped([1, null]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => untyped(['a', null]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => untyped([['a', 'b'], ['c', 3]]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => untyped(null))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => untyped(42))).toBe('INVALID_ARGUMENT');
    expect(() => untyped(['a', null])).toThrow('token 1 is null, expected a string (or an array of strings per sequence)');
  });

  it('throws VOCAB_INVALID for invalid JSON or an inconsistent vocabulary', () => {
    const good = Vocab.build(['a', 'b'], { reserved: ['<s>'] }).toJSON();
    expect(codeOf(() => Vocab.parse('{not json'))).toBe('VOCAB_INVALID');
    expect(codeOf(() => Vocab.fromJSON(null))).toBe('VOCAB_INVALID');
    expect(codeOf(() => Vocab.fromJSON([]))).toBe('VOCAB_INVALID');
    expect(codeOf(() => Vocab.fromJSON({ ...good, version: 2 }))).toBe('VOCAB_INVALID');
    expect(codeOf(() => Vocab.fromJSON({ ...good, tokens: ['a', UNK] }))).toBe('VOCAB_INVALID');
    expect(codeOf(() => Vocab.fromJSON({ ...good, tokens: [UNK, '<s>', 'a', 'a'] }))).toBe('VOCAB_INVALID');
    expect(codeOf(() => Vocab.fromJSON({ ...good, tokens: [UNK, '<s>', 3] }))).toBe('VOCAB_INVALID');
    expect(codeOf(() => Vocab.fromJSON({ ...good, reserved: ['</s>'] }))).toBe('VOCAB_INVALID');
  });
});
