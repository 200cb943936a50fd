import { getTokenizer, normalize, normalizePrefix, type Normalization, type TokenizerKind } from '../text/index.ts';
import type { Vocab } from './vocab.ts';

/** How a model reads text: the two fields a manifest's `text` section records. */
export interface TextPipeline {
  tokenizer: TokenizerKind;
  normalization: Normalization;
}

export interface EncodedText {
  tokens: string[];
  ids: Int32Array;
  /** Tokens the vocabulary lacks; they are encoded as `<unk>` (id 0). */
  oov: number;
}

/**
 * The out-of-vocabulary policy every front end shares for a whole text (what
 * is scored): normalise as the model's pipeline says, tokenize, map tokens the
 * vocabulary lacks to `<unk>` and count them.
 */
export function encodeText(text: string, pipeline: TextPipeline, vocab: Vocab): EncodedText {
  return encodeNormalized(normalize(text, pipeline.normalization), pipeline, vocab);
}

/**
 * `encodeText` for a prefix whose next token is wanted (a prompt, the text
 * typed so far): `normalizePrefix` keeps a trailing run of non-letters as one
 * space, because a char model predicts differently after "the " than after
 * "the". A word tokenizer yields no token for that space.
 */
export function encodePrefix(text: string, pipeline: TextPipeline, vocab: Vocab): EncodedText {
  return encodeNormalized(normalizePrefix(text, pipeline.normalization), pipeline, vocab);
}

function encodeNormalized(normalized: string, pipeline: TextPipeline, vocab: Vocab): EncodedText {
  const tokens = getTokenizer(pipeline.tokenizer).tokenize(normalized);
  return { tokens, ids: vocab.encode(tokens), oov: vocab.countUnknown(tokens) };
}
