import { SeqlmError } from '@seqlm/core/errors';
import type { Catalog } from '../models/catalog.ts';
import { isNeuralKind } from '../models/catalog.ts';
import type { LoadedModel } from '../models/load.ts';
import { heatColor, perplexityOf, surprisalBits } from '../models/surprisal.ts';
import { showError } from './errors.ts';
import { el, showToken, speakToken } from './dom.ts';

// Surprisal at which the heat-map saturates: log2 of a 28-letter alphabet is ~4.8 bits.
const MAX_BITS = 8;

export interface ScoreControls {
  form: HTMLFormElement;
  text: HTMLTextAreaElement;
  pickers: [HTMLSelectElement, HTMLSelectElement];
  panels: [HTMLElement, HTMLElement];
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
      const scores = await model.score(text);
      const summary = perplexityOf(scores.tokens.map((t) => t.logProb));
      const ppl = el('p', { class: 'ppl' }, `Perplexity ${formatPerplexity(summary.perplexity)} over ${summary.scored} predicted tokens`);
      panel.dataset.perplexity = String(summary.perplexity ?? '');
      panel.dataset.scored = String(summary.scored);
      panel.dataset.model = model.id;
      const heat = el('p', { class: 'heat', 'aria-hidden': 'true' });
      const cells = scores.tokens.map(({ token, logProb }) => ({ token, logProb }));
      const separator = model.tokenizer === 'word' ? ' ' : '';
      cells.forEach((cell, i) => {
        if (i > 0 && separator) heat.append(separator);
        heat.append(spanFor(cell.token, cell.logProb));
      });
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
      panel.append(ppl, heat, spoken);
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

function spanFor(token: string, logProb: number | null): HTMLSpanElement {
  const bits = surprisalBits(logProb);
  const label = bits === null ? 'not predicted' : Number.isFinite(bits) ? `${bits.toFixed(2)} bits` : 'infinite surprisal';
  const span = el('span', { title: `${speakToken(token)}: ${label}` }, token === ' ' ? ' ' : showToken(token));
  span.style.background = heatColor(bits, MAX_BITS);
  return span;
}
