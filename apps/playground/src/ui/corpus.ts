import { SeqlmError } from '@seqlm/core/errors';
import type { LoadedLanguageModel } from '../models/load.ts';
import { orderName, zipfSpec } from './chart-specs.ts';
import { renderChart } from './charts.ts';
import { showError } from './errors.ts';
import { el } from './dom.ts';

/** Zipf plot of the model's corpus statistics, computed at export time and shipped beside the model. */
export async function showCorpus(chart: HTMLElement, facts: HTMLElement, error: HTMLElement, loaded: LoadedLanguageModel): Promise<void> {
  chart.replaceChildren();
  facts.replaceChildren();
  showError(error, null);
  const stats = loaded.stats;
  if (stats instanceof SeqlmError) {
    showError(error, stats);
    return;
  }
  if (stats === null) {
    facts.append(el('li', {}, 'This model ships no corpus statistics (a "stats" file in its manifest), so there is nothing to plot.'));
    return;
  }
  for (const o of stats.orders) {
    const fit = o.zipf ? `; Zipf exponent ${o.zipf.exponent.toFixed(2)} (r² ${o.zipf.r2.toFixed(3)})` : '';
    facts.append(el('li', {}, `${orderName(o.order)}s: ${o.distinct.toLocaleString('en-US')} distinct of ${o.total.toLocaleString('en-US')}${fit}`));
  }
  const spec = zipfSpec(stats);
  if (spec !== null) await renderChart(chart, spec, `Log-log plot of n-gram frequency against rank for ${stats.orders.map((o) => orderName(o.order)).join(', ')}s`);
}
