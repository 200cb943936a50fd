import { describe, expect, it } from 'vitest';
import { ngramLabel, zipfChartSpec } from './zipf-chart.ts';
import { renderSvg } from './render-svg.ts';

const series = [
  { label: 'unigram', points: [{ rank: 1, freq: 100 }, { rank: 2, freq: 50 }, { rank: 4, freq: 25 }] },
  { label: 'bigram', points: [{ rank: 1, freq: 40 }, { rank: 10, freq: 4 }] },
  { label: 'trigram', points: [{ rank: 1, freq: 9 }, { rank: 3, freq: 3 }, { rank: 9, freq: 1 }] },
];

describe('zipfChartSpec', () => {
  it('puts every point in the data with its series, on log-log scales', () => {
    const spec = zipfChartSpec(series, { title: 't' }) as {
      data: { values: { series: string; rank: number; freq: number }[] };
      encoding: { x: { scale: { type: string } }; y: { scale: { type: string } } };
    };
    expect(spec.data.values).toHaveLength(8);
    expect(spec.data.values.filter((v) => v.series === 'bigram')).toEqual([
      { series: 'bigram', rank: 1, freq: 40 },
      { series: 'bigram', rank: 10, freq: 4 },
    ]);
    expect(spec.encoding.x.scale.type).toBe('log');
    expect(spec.encoding.y.scale.type).toBe('log');
  });

  it('names orders', () => {
    expect([1, 2, 3, 4].map(ngramLabel)).toEqual(['unigram', 'bigram', 'trigram', '4-gram']);
  });
});

describe('renderSvg', () => {
  it('renders one line per series and a legend naming each', async () => {
    const svg = await renderSvg(zipfChartSpec(series, { title: 'tiny corpus' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(3);
    for (const s of series) expect(svg).toContain(`>${s.label}</text>`);
    expect(svg).toContain('>tiny corpus</text>');
  });
});
