import { forecastSeries, recordedMse, type SeriesForecast, type SeriesModel } from '../models/forecast.ts';
import { seriesSpec, type SeriesLine } from './chart-specs.ts';
import { renderChart } from './charts.ts';
import { el } from './dom.ts';
import { showError } from './errors.ts';

export interface SeriesControls {
  section: HTMLElement;
  k: HTMLSelectElement;
  note: HTMLElement;
  error: HTMLElement;
  chart: HTMLElement;
  table: HTMLTableSectionElement;
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));
const joined = (values: ArrayLike<number>): string => Array.from(values, String).join(' ');

/**
 * D2L 9.1 in the browser (issue #8): the series regenerated from the manifest,
 * the MLP's 1-step predictions and its k-step predictions for the chosen k, and
 * the MSE of each horizon next to the one measured at training. The numbers are
 * also in data-* attributes of the section, for the browser tests.
 */
export class SeriesView {
  readonly #c: SeriesControls;
  #model: SeriesModel | null = null;
  #forecast: SeriesForecast | null = null;
  #draws = 0;

  constructor(controls: SeriesControls) {
    this.#c = controls;
    controls.k.addEventListener('change', () => void this.#draw());
  }

  async setModel(model: SeriesModel): Promise<void> {
    const c = this.#c;
    this.#model = model;
    this.#forecast = null;
    c.section.dataset.state = 'running';
    c.section.dataset.model = model.id;
    showError(c.error, null);
    c.table.replaceChildren();
    c.chart.replaceChildren();
    let forecast: SeriesForecast;
    try {
      forecast = await forecastSeries(model);
    } catch (error) {
      if (this.#model !== model) return;
      showError(c.error, error);
      c.section.dataset.state = 'error';
      return;
    }
    if (this.#model !== model) return; // Another model was picked meanwhile.
    this.#forecast = forecast;
    const s = forecast.spec;
    c.note.textContent =
      `x_t = sin(${s.frequency} t) + ε, ε ~ N(0, ${s.noiseSd}²), t = 1..${s.T} (seed ${s.seed}), regenerated here from the manifest. ` +
      `The MLP predicts x_t from the ${forecast.tau} values before it; it was trained on the first ${s.numTrain} windows. ` +
      `k-step predictions feed the model's own outputs back k − 1 times, so errors compound as k grows.`;
    this.#fillTable(forecast);
    c.section.dataset.oneStep = joined(forecast.oneStep);
    c.section.dataset.tau = String(forecast.tau);
    await this.#draw();
  }

  #fillTable(f: SeriesForecast): void {
    const m = this.#model!.manifest;
    const hp = m.training?.hyperparameters ?? {};
    const recorded = (key: string) => (typeof hp[key] === 'number' ? (hp[key] as number) : null);
    const row = (label: string, here: number, atTraining: number | null, k?: number) => {
      const tr = el('tr', k === undefined ? {} : { 'data-k': String(k) });
      tr.append(el('th', { scope: 'row' }, label), el('td', {}, fmt(here)), el('td', {}, fmt(atTraining)));
      return tr;
    };
    this.#c.table.replaceChildren(
      row('1-step, training windows', f.oneStepMse.train, recorded('mse.oneStepTrain')),
      row('1-step, held-out windows', f.oneStepMse.heldOut, recorded('mse.oneStepHeldOut')),
      ...f.kStep.map((s) => row(`${s.k}-step ahead`, s.mse, recordedMse(m, s.k), s.k)),
    );
  }

  async #draw(): Promise<void> {
    const f = this.#forecast;
    const c = this.#c;
    if (f === null) return;
    const k = Number(c.k.value);
    const step = f.kStep.find((s) => s.k === k) ?? f.kStep[0]!;
    const draw = ++this.#draws;
    c.section.dataset.k = String(step.k);
    c.section.dataset.kStart = String(step.start);
    c.section.dataset.kStep = joined(step.predictions);
    c.section.dataset.mse = String(step.mse);
    for (const tr of c.table.querySelectorAll('tr')) tr.classList.toggle('selected', tr.dataset.k === String(step.k));
    const lines: SeriesLine[] = [
      { label: 'data', start: 0, values: f.x },
      { label: '1-step preds', start: f.tau, values: f.oneStep },
    ];
    if (step.k > 1) lines.push({ label: `${step.k}-step preds`, start: step.start, values: step.predictions });
    const spec = seriesSpec(lines, `Noisy sine with 1-step and ${step.k}-step predictions`)!;
    c.section.dataset.state = 'drawing';
    try {
      await renderChart(c.chart, spec, `Line chart of the series over ${f.x.length} steps with the model's 1-step${step.k > 1 ? ` and ${step.k}-step` : ''} predictions; ${step.k}-step mean squared error ${step.mse.toFixed(4)}`);
    } catch (error) {
      showError(c.error, error);
    }
    if (draw === this.#draws) c.section.dataset.state = 'done';
  }
}
