import { SeqlmError } from '@seqlm/core/errors';
import { sha256Hex } from '../corpus/sha256.ts';
import { splitByPosition } from '@seqlm/core/data';
import { getTokenizer, normalize, type Normalization, type TokenizerKind } from '@seqlm/core/text';
import { Vocab } from '@seqlm/core/vocab';

export interface TextCorpus {
  /** sha256 of the text's UTF-8 bytes before normalisation, so a checkpoint can tell which text it was trained on. */
  sha256: string;
  vocab: Vocab;
  tokenizer: TokenizerKind;
  normalization: Normalization;
  /** Every token id of the corpus, then its first `1 − valFraction` and the rest (D2L: no overlap between them). */
  ids: Int32Array;
  train: Int32Array;
  val: Int32Array;
  valFraction: number;
}

/**
 * Text → normalised → tokens → ids, with the vocabulary built on the whole
 * corpus as D2L does, split by position into training and validation parts.
 */
export function prepareText(text: string, options: { tokenizer: TokenizerKind; normalization: Normalization; valFraction?: number }): TextCorpus {
  const valFraction = options.valFraction ?? 0.1;
  if (!(valFraction > 0 && valFraction < 1)) throw new SeqlmError('INVALID_ARGUMENT', `valFraction must be in (0, 1), got ${valFraction}`);
  const tokens = getTokenizer(options.tokenizer).tokenize(normalize(text, options.normalization));
  if (tokens.length < 2) throw new SeqlmError('CORPUS_TOO_SHORT', `the corpus has ${tokens.length} tokens; a language model needs more`);
  const vocab = Vocab.build(tokens);
  const ids = vocab.encode(tokens);
  const { train, val } = splitByPosition(ids, 1 - valFraction);
  const sha256 = sha256Hex(new TextEncoder().encode(text));
  return { sha256, vocab, tokenizer: options.tokenizer, normalization: options.normalization, ids, train, val, valFraction };
}
