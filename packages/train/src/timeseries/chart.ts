import type { TopLevelSpec } from 'vega-lite';

export interface SeriesLine {
  label: string;
  /** Time steps and values, same length. */
  time: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** A Vega-Lite line chart of x against time, one coloured line per series (D2L 9.1's figures). */
export function seriesChartSpec(lines: readonly SeriesLine[], options: { title?: string; width?: number; height?: number } = {}): TopLevelSpec {
  const values = lines.flatMap((l) => Array.from({ length: l.values.length }, (_, i) => ({ series: l.label, time: l.time[i]!, x: l.values[i]! })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: options.width ?? 640,
    height: options.height ?? 300,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.2 },
    encoding: {
      x: { field: 'time', type: 'quantitative', title: 'time' },
      y: { field: 'x', type: 'quantitative', title: 'x' },
      color: { field: 'series', type: 'nominal', title: null, sort: lines.map((l) => l.label) },
    },
  };
}
