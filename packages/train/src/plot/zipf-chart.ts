import type { TopLevelSpec } from 'vega-lite';

/** One curve of a rank-frequency plot, e.g. the unigrams of a corpus. */
export interface RankFrequencySeries {
  label: string;
  points: readonly { rank: number; freq: number }[];
}

export interface ZipfChartOptions {
  title?: string;
  width?: number;
  height?: number;
}

/** The usual names of n-gram orders, for legends. */
export function ngramLabel(order: number): string {
  return ['unigram', 'bigram', 'trigram'][order - 1] ?? `${order}-gram`;
}

/**
 * A Vega-Lite spec of frequency against rank on log-log axes, one line per
 * series (D2L 9.2.2's figure: the straight lines are Zipf's law
 * `log n_i = -s log i + c`). Plain data, so the CLI and the playground share it.
 */
export function zipfChartSpec(series: readonly RankFrequencySeries[], options: ZipfChartOptions = {}): TopLevelSpec {
  const values = series.flatMap((s) => s.points.map((p) => ({ series: s.label, rank: p.rank, freq: p.freq })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: options.width ?? 480,
    height: options.height ?? 320,
    data: { values },
    mark: { type: 'line', point: false, clip: true },
    encoding: {
      x: { field: 'rank', type: 'quantitative', scale: { type: 'log' }, title: 'rank i (log)' },
      y: { field: 'freq', type: 'quantitative', scale: { type: 'log' }, title: 'frequency n_i (log)' },
      color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.label) },
      order: { field: 'rank', type: 'quantitative' },
    },
  };
}
