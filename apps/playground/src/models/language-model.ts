import { getTokenizer, normalize } from '@seqlm/core/text';
import type { NeuralManifest, NgramManifest, TextSpec } from '@seqlm/core/manifest';
import type { Vocab } from '@seqlm/core/vocab';
import type { IncrementalModel } from './prefix-cursor.ts';

/** A next-token row of V scores: logits (neural) or natural-log probabilities (n-gram, -Infinity for 0). */
export type Scores = Float32Array | Float64Array;

export type LanguageManifest = NeuralManifest | NgramManifest;

/** Text as a model sees it: normalised, tokenized, unknown tokens as `<unk>` (id 0) and counted. */
export interface EncodedText {
  tokens: string[];
  ids: Int32Array;
  oov: number;
}

/** Incremental decoding: the scores for the next token, and a way to feed the chosen one back. */
export interface Decoder {
  readonly scores: Scores;
  push(id: number): Promise<void>;
}

/** ln p of each token of a text given everything before it, aligned with the text's tokens. */
export interface TokenScores {
  /** `logProbs[i]` scores token i; null where the model makes no prediction (a neural model's first token). */
  logProbs: (number | null)[];
  /** Tokens scored after the text, e.g. `</s>` for an n-gram model with sentence boundaries. */
  trailing: { token: string; logProb: number }[];
}

/** What every view uses; neural (onnxruntime) and n-gram (@seqlm/core) models both implement it. */
export interface LanguageModel<S = unknown> {
  readonly id: string;
  readonly manifest: LanguageManifest;
  readonly vocab: Vocab;
  /** Ids after which generation ends (not emitted), e.g. `</s>`. */
  readonly stopIds: readonly number[];
  /** The stateful step the next-token view drives through a `PrefixCursor`. */
  readonly incremental: IncrementalModel<S>;
  /** Tokenizes as the edge API does (`d2l` trims), for generate and score. */
  encode(text: string): EncodedText;
  score(ids: Int32Array): Promise<TokenScores>;
  /** Starts decoding after `ids` (the prompt goes through in one pass where the model allows). */
  decoder(ids: Int32Array): Promise<Decoder>;
  /** Joins generated tokens as the tokenizer would have split them. */
  detokenize(tokens: readonly string[]): string;
}

/** The out-of-vocabulary policy every model shares: normalise, tokenize, map unknown tokens to `<unk>`. */
export function encodeText(text: string, spec: TextSpec, vocab: Vocab): EncodedText {
  const tokens = getTokenizer(spec.tokenizer).tokenize(normalize(text, spec.normalization));
  return { tokens, ids: vocab.encode(tokens), oov: vocab.countUnknown(tokens) };
}

/**
 * Like `encodeText`, for a prefix being typed: `d2l` normalisation trims, so
 * "the " would lose the space the user just typed and the bars would answer
 * for "the". A char model keeps one trailing space when the raw text ends in
 * characters the normalisation turns into a space.
 */
export function encodePrefix(text: string, spec: TextSpec, vocab: Vocab): EncodedText {
  const encoded = encodeText(text, spec, vocab);
  if (spec.tokenizer !== 'char' || spec.normalization !== 'd2l' || encoded.tokens.length === 0) return encoded;
  if (!/[^A-Za-z]$/.test(text)) return encoded;
  const tokens = [...encoded.tokens, ' '];
  return { tokens, ids: vocab.encode(tokens), oov: vocab.countUnknown(tokens) };
}

export function detokenize(spec: TextSpec, tokens: readonly string[]): string {
  return spec.tokenizer === 'char' ? tokens.join('') : tokens.join(' ');
}
