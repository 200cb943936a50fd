import type { EncodedText, Vocab } from '@seqlm/core/vocab';
import type { ServableManifest } from './source.ts';

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

// The out-of-vocabulary policy (normalise, tokenize, <unk> for unknown tokens; prefixes keep a trailing space) lives in core, shared by every front end.
export { encodePrefix, encodeText, type EncodedText } from '@seqlm/core/vocab';
