/**
 * What `seqlm corpus stats` spends its time on: loading a corpus with its
 * sha256 check, the statistics (normalise, tokenise, vocabulary, n-gram
 * tables, Zipf fits), and rendering the log-log plot to SVG.
 */
import { benchDataDir, timeIt, type BenchRow } from '../../../scripts/bench-kit.ts';
import { loadCorpus, summarizeCorpus } from '../src/corpus/index.ts';
import { ngramLabel, renderSvg, zipfChartSpec } from '../src/plot/index.ts';

export default async (): Promise<BenchRow[]> => {
  const dataDir = benchDataDir();
  const rows: BenchRow[] = [];

  const shakespeare = await loadCorpus('tinyshakespeare', { dataDir });
  const loadMs = await timeIt(() => loadCorpus('tinyshakespeare', { dataDir }), 10, 2);
  rows.push({
    name: 'load + sha256 check (Tiny Shakespeare, 1.1 MB, data dir)',
    value: loadMs,
    unit: 'ms',
    goal: { op: '<=', value: 50 },
    note: 'read, hash and UTF-8 decode; the page cache is warm',
  });

  const statsMs = await timeIt(() => summarizeCorpus(shakespeare.text, { tokenizer: 'char', normalization: 'raw' }), 3, 1);
  rows.push({
    name: 'corpus stats, char uni/bi/trigrams (Tiny Shakespeare, raw)',
    value: statsMs,
    unit: 'ms',
    goal: { op: '<=', value: 2000 },
    note: 'tokenise, vocabulary, n-gram tables and Zipf fits (the n-gram counting is @seqlm/core/stats)',
  });

  const timemachine = await loadCorpus('timemachine', { dataDir });
  const summary = summarizeCorpus(timemachine.text, { tokenizer: 'word', normalization: 'd2l' });
  const spec = zipfChartSpec(summary.orders.map((o) => ({ label: ngramLabel(o.order), points: o.points })));
  const svgMs = await timeIt(() => renderSvg(spec), 5, 1);
  rows.push({
    name: 'log-log plot to SVG (3 series, <= 300 points each)',
    value: svgMs,
    unit: 'ms',
    goal: { op: '<=', value: 500 },
    note: 'Vega-Lite compile + headless Vega view, after the first import of both',
  });
  return rows;
};
