/**
 * Vega-Lite specs for the playground's charts, as plain data (no Vega import),
 * so they are unit-tested in Node and the ~1 MB Vega bundle loads only when a
 * chart is first drawn. The same idea as @seqlm/train's Zipf chart for the CLI,
 * kept here because apps do not import train.
 */
import type { TrainingMetadata } from '@seqlm/core/manifest';
import type { ShippedCorpusStats } from '../models/corpus-stats.ts';

/** A Vega-Lite v6 top-level spec; typed loosely to keep vega-lite's types out of the pure module. */
export type ChartSpec = Record<string, unknown> & { data: { values: Record<string, unknown>[] } };

const ORDER_NAMES = ['unigram', 'bigram', 'trigram'];

export function orderName(order: number): string {
  return ORDER_NAMES[order - 1] ?? `${order}-gram`;
}

/** Points of train and validation perplexity per epoch (D2L 9.5's training plot), or null when the manifest has none. */
export function trainingCurveSpec(training: TrainingMetadata | undefined): ChartSpec | null {
  const values: { epoch: number; split: string; perplexity: number }[] = [];
  const add = (split: string, series: number[] | undefined) =>
    series?.forEach((perplexity, i) => {
      if (Number.isFinite(perplexity)) values.push({ epoch: i + 1, split, perplexity });
    });
  add('train', training?.trainPerplexity);
  add('validation', training?.valPerplexity);
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Train and validation perplexity per epoch',
    width: 'container',
    height: 200,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'perplexity', type: 'quantitative', title: 'perplexity', scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: null },
    },
  };
}

/** Zipf's law check (D2L 9.2.2): log frequency against log rank, one series per n-gram order. */
export function zipfSpec(stats: ShippedCorpusStats): ChartSpec | null {
  const values = stats.orders.flatMap((o) => o.points.map((p) => ({ rank: p.rank, frequency: p.freq, ngram: orderName(o.order) })));
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Rank-frequency of n-grams on log-log axes',
    width: 'container',
    height: 260,
    data: { values },
    mark: { type: 'line', point: { size: 12 } },
    encoding: {
      x: { field: 'rank', type: 'quantitative', scale: { type: 'log' }, title: 'rank (log)' },
      y: { field: 'frequency', type: 'quantitative', scale: { type: 'log' }, title: 'frequency (log)' },
      color: { field: 'ngram', type: 'nominal', title: null, sort: ORDER_NAMES },
    },
  };
}
