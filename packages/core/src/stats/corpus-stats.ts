import { SeqlmError } from '../errors/index.ts';
import { ngramFrequencyTables, type NgramFrequency, type TokenSequence } from './ngram-frequencies.ts';
import { logLogPoints, zipfFit, type RankFrequency, type ZipfFit } from './zipf.ts';

export interface CorpusStatsOptions {
  /** Highest n-gram order; orders 1..maxOrder are reported. Default 3. */
  maxOrder?: number;
  /** How many of the most frequent n-grams to keep per order. Default 10. */
  topK?: number;
  /** At most this many log-log plot points per order. Default 300. */
  plotPoints?: number;
}

/** What `seqlm corpus stats` and the playground show for one n-gram order. */
export interface OrderStats<T> {
  order: number;
  /** Number of n-gram positions. */
  total: number;
  distinct: number;
  top: NgramFrequency<T>[];
  /** Zipf fit over all ranks, or null when fewer than 2 distinct n-grams exist. */
  zipf: ZipfFit | null;
  /** (rank, freq) thinned for a log-log plot. */
  points: RankFrequency[];
}

export interface CorpusStats<T> {
  tokens: number;
  orders: OrderStats<T>[];
}

/** Unigram, bigram and trigram statistics of a token sequence (D2L 9.2.2). */
export function corpusStats(tokens: readonly string[], options?: CorpusStatsOptions): CorpusStats<string>;
export function corpusStats(tokens: Int32Array, options?: CorpusStatsOptions): CorpusStats<number>;
export function corpusStats(tokens: TokenSequence, options: CorpusStatsOptions = {}): CorpusStats<string> | CorpusStats<number> {
  const maxOrder = options.maxOrder ?? 3;
  const topK = options.topK ?? 10;
  const plotPoints = options.plotPoints ?? 300;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) {
    throw new SeqlmError('INVALID_ARGUMENT', `maxOrder must be an integer >= 1, got ${maxOrder}`, { maxOrder });
  }
  if (!Number.isInteger(topK) || topK < 0) {
    throw new SeqlmError('INVALID_ARGUMENT', `topK must be an integer >= 0, got ${topK}`, { topK });
  }
  if (!Number.isInteger(plotPoints) || plotPoints < 2) {
    throw new SeqlmError('INVALID_ARGUMENT', `plotPoints must be an integer >= 2, got ${plotPoints}`, { plotPoints });
  }
  const orders = Array.from({ length: maxOrder }, (_, i) => i + 1);
  const tables = ngramFrequencyTables(tokens, orders);
  const stats = tables.map((table): OrderStats<string | number> => {
    const counts = table.entries.map((e) => e.count);
    return {
      order: table.order,
      total: table.total,
      distinct: table.distinct,
      top: table.entries.slice(0, topK),
      zipf: counts.length >= 2 ? zipfFit(counts) : null,
      points: logLogPoints(counts, plotPoints),
    };
  });
  return { tokens: tokens.length, orders: stats } as CorpusStats<string> | CorpusStats<number>;
}
