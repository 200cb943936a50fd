import { getTokenizer, normalize, normalizePrefix, type TextSpec, type Vocab } from '@seqlm/core';
import type { ServableManifest } from './source.ts';

/** Text as a model sees it: normalised, tokenized, unknown tokens mapped to `<unk>` (id 0) and counted. */
export interface EncodedText {
  tokens: string[];
  ids: Int32Array;
  oov: number;
}

/** A next-token row of V scores: logits (neural) or natural-log probabilities (n-gram, -Infinity for 0). */
export type Scores = Float32Array | Float64Array;

/** Incremental decoding: the scores for the next token, and a way to feed the chosen one back. */
export interface Decoder {
  readonly scores: Scores;
  push(id: number): Promise<void>;
}

/** What a scored text yields: each predicted token and ln p(token | everything before it). */
export interface TokenScores {
  tokens: string[];
  logProbs: Float64Array;
}

/** The interface the routes use; neural (ONNX) and n-gram models both implement it. */
export interface LanguageModel {
  readonly id: string;
  readonly manifest: ServableManifest;
  readonly vocab: Vocab;
  /** Ids after which generation ends (not emitted), e.g. `</s>` for a model trained with sentence boundaries. */
  readonly stopIds: readonly number[];
  /** A whole text (score): `d2l` trims both ends. */
  encode(text: string): EncodedText;
  /** A prefix whose next token is wanted (next, generate): `d2l` keeps one trailing space. */
  encodePrefix(text: string): EncodedText;
  /** ln p(token | ids) for every token id: the next-token distribution (D2L 9.5 `predict`, one step). */
  next(ids: Int32Array): Promise<Float64Array>;
  score(ids: Int32Array): Promise<TokenScores>;
  /** Starts decoding after `ids` (the prompt is consumed in one pass where the model allows). */
  decoder(ids: Int32Array): Promise<Decoder>;
}

/**
 * The out-of-vocabulary policy, shared by every model: normalise as the
 * manifest says, tokenize, map tokens the vocabulary lacks to `<unk>` and count them.
 */
export function encodeText(text: string, spec: TextSpec, vocab: Vocab): EncodedText {
  return encodeNormalized(normalize(text, spec.normalization), spec, vocab);
}

/**
 * `encodeText` for a prefix: core's `normalizePrefix` keeps a trailing run of
 * non-letters as one space, because a char model predicts differently after
 * "the " (a new word) than after "the". A word tokenizer yields no token for it.
 */
export function encodePrefix(text: string, spec: TextSpec, vocab: Vocab): EncodedText {
  return encodeNormalized(normalizePrefix(text, spec.normalization), spec, vocab);
}

function encodeNormalized(normalized: string, spec: TextSpec, vocab: Vocab): EncodedText {
  const tokens = getTokenizer(spec.tokenizer).tokenize(normalized);
  return { tokens, ids: vocab.encode(tokens), oov: vocab.countUnknown(tokens) };
}
