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
  tokenize: (text) => Array.from(checkText(text)),
  detokenize: (tokens) => checkTokens(tokens).join(''),
};

/**
 * Whitespace-separated words. Runs of whitespace collapse to one space on
 * decode, so the round trip is exact for text whose words are separated by
 * single spaces (which `d2l` normalisation produces within a line).
 */
export const wordTokenizer: Tokenizer = {
  kind: 'word',
  tokenize: (text) => checkText(text).split(/\s+/u).filter((t) => t.length > 0),
  detokenize: (tokens) => checkTokens(tokens).join(' '),
};

/** Tokenizers are called from plain JS and JSON too: a non-string is INVALID_ARGUMENT, not a TypeError from deep inside. */
function checkText(text: unknown): string {
  if (typeof text !== 'string') throw new SeqlmError('INVALID_ARGUMENT', `text to tokenize must be a string, got ${text === null ? 'null' : typeof text}`);
  return text;
}

function checkTokens(tokens: unknown): readonly string[] {
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw new SeqlmError('INVALID_ARGUMENT', 'tokens to detokenize must be an array of strings');
  return tokens as readonly string[];
}

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
