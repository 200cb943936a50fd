import { Vocab, getTokenizer, normalize, type Normalization, type TokenizerKind } from '@seqlm/core';

export interface TokenizeSummary {
  tokens: string[];
  ids: number[];
  vocabSize: number;
}

/** The text pipeline as the playground shows it: normalise, tokenize, build a vocab, encode. */
export function summarizeTokens(text: string, normalization: Normalization, tokenizer: TokenizerKind): TokenizeSummary {
  const tokens = getTokenizer(tokenizer).tokenize(normalize(text, normalization));
  const vocab = Vocab.build(tokens);
  return { tokens, ids: Array.from(vocab.encode(tokens)), vocabSize: vocab.size };
}
