import { SeqlmError } from '@seqlm/core/errors';
import type { Catalog } from '../models/catalog.ts';
import { isNeuralKind } from '../models/catalog.ts';
import type { LoadedModel } from '../models/load.ts';
import { heatColor, perplexityOf, surprisalBits } from '../models/surprisal.ts';
import { showError } from './errors.ts';
import { el, pressOnly, rovingFocus, showToken, speakToken } from './dom.ts';
import { describeNormalization } from './normalization-note.ts';

// Surprisal at which the heat-map saturates: log2 of a 28-letter alphabet is ~4.8 bits.
export const MAX_BITS = 8;

export interface ScoreControls {
  form: HTMLFormElement;
  text: HTMLTextAreaElement;
  pickers: [HTMLSelectElement, HTMLSelectElement];
  panels: [HTMLElement, HTMLElement];
  /** Filled once with the colour scale. */
  legend: HTMLElement;
}

function formatPerplexity(pp: number | undefined): string {
  if (pp === undefined) return 'undefined (nothing to score)';
  return Number.isFinite(pp) ? pp.toFixed(3) : '∞ (a token has probability 0)';
}

/** Two models side by side on one text: perplexity and a per-token surprisal heat-map. */
export class ScoreView {
  readonly #c: ScoreControls;
  readonly #load: (id: string) => Promise<LoadedModel>;

  constructor(controls: ScoreControls, load: (id: string) => Promise<LoadedModel>) {
    this.#c = controls;
    this.#load = load;
    fillLegend(controls.legend);
    controls.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run();
    });
  }

  /** Offers every language model on both sides; defaults to the current model against the first model of the other family. */
  setCatalog(full: Catalog, current: string): void {
    const [a, b] = this.#c.pickers;
    // A time-series model has no text to score.
    const catalog = { models: full.models.filter((m) => m.kind !== 'ts-mlp') };
    for (const select of [a, b]) {
      select.replaceChildren(...catalog.models.map((m) => el('option', { value: m.id }, `${m.id} (${m.kind ?? '?'})`)));
    }
    const first = catalog.models.find((m) => m.id === current)?.id ?? catalog.models[0]?.id ?? current;
    a.value = first;
    const currentKind = catalog.models.find((m) => m.id === first)?.kind ?? null;
    const other = catalog.models.find((m) => m.id !== first && isNeuralKind(m.kind) !== isNeuralKind(currentKind) && m.kind !== null);
    b.value = (other ?? catalog.models.find((m) => m.id !== first) ?? { id: first }).id;
  }

  async run(): Promise<void> {
    const c = this.#c;
    await Promise.all(c.pickers.map((picker, i) => this.#scoreOne(picker.value, c.panels[i] as HTMLElement)));
  }

  async #scoreOne(id: string, panel: HTMLElement): Promise<void> {
    const text = this.#c.text.value;
    panel.dataset.state = 'running';
    const heading = el('h3', {}, id);
    const errorBox = el('div', { class: 'error', role: 'alert', hidden: '' });
    panel.replaceChildren(heading, errorBox);
    try {
      const loaded = await this.#load(id);
      if (loaded.type !== 'language') throw new SeqlmError('UNSUPPORTED', `${id} is a time-series model; only language models score text`);
      const { model } = loaded;
      const input = model.encode(text);
      const normalisation = el('p', { class: 'note normalisation' }, describeNormalization(text, model.text.normalization, input.oov));
      const scores = await model.score(input);
      const summary = perplexityOf(scores.tokens.map((t) => t.logProb));
      const ppl = el('p', { class: 'ppl' }, `Perplexity ${formatPerplexity(summary.perplexity)} over ${summary.scored} predicted tokens`);
      panel.dataset.perplexity = String(summary.perplexity ?? '');
      panel.dataset.scored = String(summary.scored);
      panel.dataset.model = model.id;
      const cells = scores.tokens.map(({ token, logProb }) => ({ token, logProb }));
      const detail = el('p', { class: 'token-detail', 'aria-live': 'polite' }, 'Tap a token, or focus one and use the arrow keys, to read its surprisal.');
      const heat = heatMap(cells, model.tokenizer === 'word' ? ' ' : '', detail, `Surprisal of each of the ${cells.length} tokens under ${model.id}`);
      // The colours carry the data for sighted users; a screen reader gets the most surprising tokens in words.
      const worst = cells
        .map((cell, i) => ({ ...cell, i, bits: surprisalBits(cell.logProb) }))
        .filter((cell): cell is typeof cell & { bits: number } => cell.bits !== null)
        .sort((x, y) => y.bits - x.bits)
        .slice(0, 5);
      const spoken = el(
        'p',
        { class: 'visually-hidden' },
        `Most surprising tokens: ${worst.map((w) => `${speakToken(w.token)} at position ${w.i + 1}, ${Number.isFinite(w.bits) ? w.bits.toFixed(1) : 'infinite'} bits`).join('; ')}.`,
      );
      panel.append(ppl, normalisation, heat, detail, spoken);
      panel.dataset.bits = scores.tokens
        .filter((t) => !t.trailing)
        .map((t) => String(surprisalBits(t.logProb) ?? ''))
        .join(' ');
    } catch (error) {
      showError(errorBox, error);
    }
    panel.dataset.state = 'done';
  }
}

function describeCell(token: string, logProb: number | null, position: number): string {
  const bits = surprisalBits(logProb);
  const value =
    bits === null ? 'not predicted (no context before it)' : Number.isFinite(bits) ? `${bits.toFixed(2)} bits, p = ${(Math.exp(logProb as number) * 100).toPrecision(3)} %` : 'infinite surprisal (p = 0)';
  return `Token ${position}, ${speakToken(token)}: ${value}`;
}

/**
 * The heat-map: one button per token, coloured by surprisal. One tab stop
 * for the whole text (roving tabindex): arrow keys, Home and End move between
 * tokens; focusing or tapping one writes its value into `detail`.
 */
function heatMap(cells: { token: string; logProb: number | null }[], separator: string, detail: HTMLElement, label: string): HTMLElement {
  const heat = el('div', { class: 'heat', role: 'group', 'aria-label': label });
  const buttons = cells.map((cell, i) => {
    const bits = surprisalBits(cell.logProb);
    const description = describeCell(cell.token, cell.logProb, i + 1);
    const button = el('button', { type: 'button', class: 'tok', tabindex: i === 0 ? '0' : '-1', 'aria-label': description, 'data-bits': String(bits ?? '') }, cell.token === ' ' ? '\u00a0' : showToken(cell.token));
    button.style.background = heatColor(bits, MAX_BITS);
    const show = () => {
      pressOnly(heat, button);
      detail.textContent = description;
    };
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('focus', show);
    button.addEventListener('click', show);
    return button;
  });
  buttons.forEach((b, i) => {
    if (i > 0 && separator) heat.append(separator);
    heat.append(b);
  });
  rovingFocus(heat, '.tok');
  return heat;
}

/** The colour scale as the heat-map draws it: swatches from 0 to MAX_BITS bits, and grey for "not predicted". */
export function fillLegend(legend: HTMLElement): void {
  const steps = 9;
  const scale = el('span', { class: 'scale', 'aria-hidden': 'true' });
  for (let i = 0; i < steps; i++) {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = heatColor((i / (steps - 1)) * MAX_BITS, MAX_BITS);
    scale.append(swatch);
  }
  const none = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  none.style.background = heatColor(null, MAX_BITS);
  legend.replaceChildren(
    el('span', {}, '0 bits (expected)'),
    scale,
    el('span', {}, `${MAX_BITS}+ bits (surprising)`),
    none,
    el('span', {}, 'not predicted'),
  );
  legend.setAttribute('role', 'img');
  legend.setAttribute('aria-label', `Colour scale: pale yellow for 0 bits of surprisal through orange to red for ${MAX_BITS} bits or more; grey for tokens the model makes no prediction for`);
}
