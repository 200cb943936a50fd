import { SeqlmError } from '../errors/index.ts';

export const TOKENIZERS = ['char', 'word'] as const;
export type TokenizerKind = (typeof TOKENIZERS)[number];

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Splits text into tokens. */
  tokenize(text: string): string[];
  /** Joins tokens back into text; `detokenize(tokenize(t))` equals `t` for text the tokenizer round-trips (see each kind). */
  detokenize(tokens: readonly string[]): string;
}

/**
 * Characters as tokens (Unicode code points, so a surrogate pair is one token).
 * Lines are joined with `\n` kept as a token, so decode(encode(t)) === t exactly.
 */
export const charTokenizer: Tokenizer = {
  kind: 'char',
  tokenize: (text) => Array.from(text),
  detokenize: (tokens) => tokens.join(''),
};

/**
 * Whitespace-separated words. Runs of whitespace collapse to one space on
 * decode, so the round trip is exact for text whose words are separated by
 * single spaces (which `d2l` normalisation produces within a line).
 */
export const wordTokenizer: Tokenizer = {
  kind: 'word',
  tokenize: (text) => text.split(/\s+/u).filter((t) => t.length > 0),
  detokenize: (tokens) => tokens.join(' '),
};

export function getTokenizer(kind: TokenizerKind): Tokenizer {
  switch (kind) {
    case 'char':
      return charTokenizer;
    case 'word':
      return wordTokenizer;
    default:
      throw new SeqlmError('INVALID_ARGUMENT', `unknown tokenizer "${String(kind)}"; expected one of ${TOKENIZERS.join(', ')}`);
  }
}

export function isTokenizerKind(value: unknown): value is TokenizerKind {
  return typeof value === 'string' && (TOKENIZERS as readonly string[]).includes(value);
}
