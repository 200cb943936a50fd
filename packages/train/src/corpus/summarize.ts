import { corpusStats, type OrderStats } from '@seqlm/core/stats';
import { getTokenizer, normalize, type Normalization, type TokenizerKind } from '@seqlm/core/text';
import { Vocab } from '@seqlm/core/vocab';

export interface CorpusSummaryOptions {
  tokenizer: TokenizerKind;
  normalization: Normalization;
  /** Most frequent n-grams kept per order. Default 10. */
  top?: number;
  /** Highest n-gram order. Default 3 (uni-, bi- and trigrams, as in D2L 9.2.2). */
  maxOrder?: number;
}

export interface CorpusSummary {
  tokenizer: TokenizerKind;
  normalization: Normalization;
  /** Tokens after normalisation. */
  tokens: number;
  /** Vocabulary size including `<unk>`, as `Vocab.build` gives it. */
  vocabSize: number;
  orders: OrderStats<string>[];
}

/** Normalises and tokenizes `text`, then counts its vocabulary and n-gram statistics with Zipf fits. */
export function summarizeCorpus(text: string, options: CorpusSummaryOptions): CorpusSummary {
  const tokens = getTokenizer(options.tokenizer).tokenize(normalize(text, options.normalization));
  const stats = corpusStats(tokens, { maxOrder: options.maxOrder ?? 3, topK: options.top ?? 10 });
  return {
    tokenizer: options.tokenizer,
    normalization: options.normalization,
    tokens: stats.tokens,
    vocabSize: Vocab.build(tokens).size,
    orders: stats.orders,
  };
}
