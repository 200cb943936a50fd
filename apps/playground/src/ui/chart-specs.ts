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

/**
 * Points of train and validation perplexity per epoch (D2L 9.5's training plot),
 * or of the mean training loss for models without a perplexity (ts-mlp: squared
 * error); null when the manifest has neither.
 */
export function trainingCurveSpec(training: TrainingMetadata | undefined): ChartSpec | null {
  const values: Record<string, number | string>[] = [];
  const hasPerplexity = (training?.trainPerplexity?.length ?? 0) + (training?.valPerplexity?.length ?? 0) > 0;
  const measure = hasPerplexity ? 'perplexity' : 'loss';
  const add = (split: string, series: number[] | undefined) =>
    series?.forEach((value, i) => {
      if (Number.isFinite(value)) values.push({ epoch: i + 1, split, [measure]: value });
    });
  if (hasPerplexity) {
    add('train', training?.trainPerplexity);
    add('validation', training?.valPerplexity);
  } else {
    add('train', training?.trainLoss);
    add('validation', training?.valLoss);
  }
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Train and validation ${measure} per epoch`,
    width: 'container',
    height: 200,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: measure, type: 'quantitative', title: hasPerplexity ? 'perplexity' : 'mean squared error', scale: { zero: false } },
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

/** One line of the time-series chart: values at consecutive steps from `start` (t = start + 1 .. in D2L's 1-based time). */
export interface SeriesLine {
  label: string;
  /** 0-based index of the first value in the series. */
  start: number;
  values: ArrayLike<number>;
}

/** D2L 9.1's figure: the data and the model's predictions against time, one coloured line each. */
export function seriesSpec(lines: readonly SeriesLine[], title: string): ChartSpec | null {
  const values = lines.flatMap((l) => Array.from({ length: l.values.length }, (_, i) => ({ time: l.start + i + 1, x: l.values[i]!, series: l.label })));
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: title,
    width: 'container',
    height: 280,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.2 },
    encoding: {
      // Plain integers: "1,000" runs into its neighbour on a narrow axis.
      x: { field: 'time', type: 'quantitative', title: 'time', axis: { format: 'd' } },
      y: { field: 'x', type: 'quantitative', title: 'x' },
      color: { field: 'series', type: 'nominal', title: null, sort: lines.map((l) => l.label) },
    },
  };
}
