import type { NeuralManifest, NgramManifest, TextSpec } from '@seqlm/core/manifest';
import type { EncodedText, Vocab } from '@seqlm/core/vocab';
import type { IncrementalModel } from './prefix-cursor.ts';

/** A next-token row of V scores: logits (neural) or natural-log probabilities (n-gram, -Infinity for 0). */
export type Scores = Float32Array | Float64Array;

export type LanguageManifest = NeuralManifest | NgramManifest;

/** Text as a model sees it: normalised, tokenized, unknown tokens as `<unk>` (id 0) and counted. */
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
  /** A whole text, for score: `d2l` trims both ends, as the edge API's /score. */
  encode(text: string): EncodedText;
  /** A prompt to continue, for generate: `d2l` keeps one trailing space, as the edge API's /next and /generate. */
  encodePrefix(text: string): EncodedText;
  score(ids: Int32Array): Promise<TokenScores>;
  /** Starts decoding after `ids` (the prompt goes through in one pass where the model allows). */
  decoder(ids: Int32Array): Promise<Decoder>;
  /** Joins generated tokens as the tokenizer would have split them. */
  detokenize(tokens: readonly string[]): string;
}

// The out-of-vocabulary policy (normalise, tokenize, <unk> for unknown tokens; prefixes keep a trailing space) lives in core, shared by every front end.
export { encodePrefix, encodeText, type EncodedText } from '@seqlm/core/vocab';

export function detokenize(spec: TextSpec, tokens: readonly string[]): string {
  return spec.tokenizer === 'char' ? tokens.join('') : tokens.join(' ');
}
