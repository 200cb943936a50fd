import type { TopLevelSpec } from 'vega-lite';

export interface PerplexityPoint {
  epoch: number;
  trainPerplexity: number;
  valPerplexity: number;
}

/** A Vega-Lite spec of training and validation perplexity per epoch (D2L's training curve), one line each. */
export function perplexityChartSpec(history: readonly PerplexityPoint[], options: { title?: string; width?: number; height?: number } = {}): TopLevelSpec {
  const values = history.flatMap((h) => [
    { epoch: h.epoch, split: 'train', perplexity: h.trainPerplexity },
    { epoch: h.epoch, split: 'validation', perplexity: h.valPerplexity },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: options.width ?? 480,
    height: options.height ?? 300,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'perplexity', type: 'quantitative', title: 'perplexity', scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: null, sort: ['train', 'validation'] },
    },
  };
}
