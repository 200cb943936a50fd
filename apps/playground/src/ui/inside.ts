import { SeqlmError } from '@seqlm/core/errors';
import type { HiddenStates, LanguageModel } from '@seqlm/core/lm';
import { isNeuralKind, type Catalog } from '../models/catalog.ts';
import type { LoadedModel } from '../models/load.ts';
import { activationColor, rankUnits, TOKEN_FEATURES, unitActivations } from '../models/unit-features.ts';
import { coalesced } from './coalesce.ts';
import { showError } from './errors.ts';
import { el, pressOnly, rovingFocus, showToken, speakToken } from './dom.ts';

/** Units listed for the chosen feature. */
const LISTED_UNITS = 5;

export interface InsideControls {
  section: HTMLElement;
  form: HTMLFormElement;
  text: HTMLTextAreaElement;
  model: HTMLSelectElement;
  feature: HTMLSelectElement;
  unit: HTMLInputElement;
  unitsLabel: HTMLElement;
  units: HTMLOListElement;
  legend: HTMLElement;
  view: HTMLElement;
  detail: HTMLElement;
  error: HTMLElement;
}

const fmt = (v: number): string => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(3);

/**
 * "Inside the RNN": the last layer's h_t over a text, one unit at a time
 * (Karpathy, Johnson and Fei-Fei 2015). The hidden states come from the ONNX
 * graph's `hidden` output through core's `LanguageModel.hiddenStates`; the
 * units listed are those whose activation correlates most with the chosen
 * feature. Each render is timed (`seqlm:hidden-view`) for the benchmark.
 */
export class InsideView {
  readonly #c: InsideControls;
  readonly #load: (id: string) => Promise<LoadedModel>;
  /** The unit the reader typed or picked; a new model or feature picks the best-correlated one again. */
  #unitChosen = false;
  #cache: { model: LanguageModel; text: string; ids: number[]; tokens: string[]; hidden: HiddenStates } | null = null;

  constructor(controls: InsideControls, load: (id: string) => Promise<LoadedModel>) {
    this.#c = controls;
    this.#load = load;
    for (const f of TOKEN_FEATURES) controls.feature.append(el('option', { value: f.id }, f.label));
    fillActivationLegend(controls.legend);
    rovingFocus(controls.view, '.tok');
    controls.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.refresh();
    });
    controls.text.addEventListener('input', () => void this.refresh());
    controls.model.addEventListener('change', () => {
      this.#unitChosen = false;
      void this.refresh();
    });
    controls.feature.addEventListener('change', () => {
      this.#unitChosen = false;
      void this.refresh();
    });
    controls.unit.addEventListener('change', () => {
      this.#unitChosen = true;
      void this.refresh();
    });
  }

  /** Offers the neural models; `preferred` first when it is one. */
  setCatalog(catalog: Catalog, preferred: string): void {
    const neural = catalog.models.filter((m) => isNeuralKind(m.kind));
    this.#c.model.replaceChildren(...neural.map((m) => el('option', { value: m.id }, `${m.id} (${m.kind ?? '?'})`)));
    this.#c.model.value = neural.find((m) => m.id === preferred)?.id ?? neural[0]?.id ?? '';
    if (neural.length === 0) this.#c.section.hidden = true;
  }

  /** Renders the current choices; a change during a render is picked up when it returns. */
  readonly refresh = coalesced(() => this.#render());

  async #render(): Promise<void> {
    const c = this.#c;
    const id = c.model.value;
    if (id === '') return;
    c.section.dataset.state = 'running';
    const start = performance.now();
    try {
      const loaded = await this.#load(id);
      if (loaded.type !== 'language') throw new SeqlmError('UNSUPPORTED', `${id} is not a language model`);
      const { model } = loaded;
      const text = c.text.value;
      let cached = this.#cache;
      if (cached === null || cached.model !== model || cached.text !== text) {
        const { ids, tokens } = model.encode(text);
        const hidden = await model.hiddenStates(ids);
        cached = this.#cache = { model, text, ids: Array.from(ids), tokens, hidden };
      }
      showError(c.error, null);
      this.#draw(model, cached.tokens, cached.hidden);
      const ms = performance.now() - start;
      performance.measure('seqlm:hidden-view', { start, duration: ms });
      c.section.dataset.renderMs = ms.toFixed(3);
      c.section.dataset.model = model.id;
    } catch (error) {
      this.#cache = null;
      showError(c.error, error);
      c.view.replaceChildren();
      c.units.replaceChildren();
      c.unitsLabel.textContent = '';
      c.detail.textContent = '';
      delete c.section.dataset.unit;
      c.section.dataset.model = id;
    }
    c.section.dataset.state = 'done';
  }

  #draw(model: LanguageModel, tokens: readonly string[], hidden: HiddenStates): void {
    const c = this.#c;
    const H = hidden.size;
    c.unit.max = String(H - 1);
    const feature = TOKEN_FEATURES.find((f) => f.id === c.feature.value) ?? TOKEN_FEATURES[0]!;
    const values = feature.values(tokens);
    const ranked = values === null ? [] : rankUnits(hidden, values, LISTED_UNITS);
    c.unitsLabel.textContent =
      values === null
        ? `This text has no quote marks after ${model.text.normalization} normalisation, so no unit can follow them.`
        : ranked.length === 0
          ? `No unit varies with “${feature.label}” over this text.`
          : `The ${ranked.length} units of ${model.id} (of ${H}) whose value follows “${feature.label}” most closely (Pearson r over the ${tokens.length} characters):`;
    let unit = Number(c.unit.value);
    if (!this.#unitChosen || !Number.isInteger(unit) || unit < 0 || unit >= H) {
      unit = ranked[0]?.unit ?? 0;
      c.unit.value = String(unit);
    }
    c.units.replaceChildren(
      ...ranked.map(({ unit: j, r }) => {
        const button = el('button', { type: 'button', 'aria-pressed': String(j === unit) }, `unit ${j}: r = ${fmt(r)}`);
        button.addEventListener('click', () => {
          c.unit.value = String(j);
          this.#unitChosen = true;
          void this.refresh();
        });
        const li = el('li', { 'data-unit': String(j), 'data-r': String(r) });
        li.append(button);
        return li;
      }),
    );
    const activations = unitActivations(hidden, unit);
    const separator = model.tokenizer === 'word' ? ' ' : '';
    const group = el('div', { class: 'heat activations', role: 'group', 'aria-label': `Unit ${unit} over the text: ${tokens.length} characters coloured by its value` });
    const buttons = tokens.map((token, t) => {
      const a = activations[t] as number;
      const description = `Character ${t + 1}, ${speakToken(token)}: unit ${unit} = ${fmt(a)}`;
      const button = el('button', { type: 'button', class: 'tok', tabindex: t === 0 ? '0' : '-1', 'aria-pressed': 'false', 'aria-label': description, 'data-activation': String(a) }, token === ' ' ? '\u00a0' : showToken(token));
      button.style.background = activationColor(a);
      const show = () => {
        pressOnly(group, button);
        c.detail.textContent = description;
      };
      button.addEventListener('mouseenter', show);
      button.addEventListener('focus', show);
      button.addEventListener('click', show);
      return button;
    });
    // Characters of one word stay on one line: a word broken across lines is hard to read.
    let word: HTMLElement | null = null;
    buttons.forEach((b, i) => {
      if (i > 0 && separator) group.append(separator);
      if (tokens[i] === ' ' || separator) {
        word = null;
        group.append(b);
        return;
      }
      if (word === null) {
        word = el('span', { class: 'word' });
        group.append(word);
      }
      word.append(b);
    });
    c.view.replaceChildren(group);
    c.detail.textContent = 'Hover, tap or focus a character (arrow keys move) to read the unit’s value there.';
    c.section.dataset.unit = String(unit);
    c.section.dataset.feature = feature.id;
    c.section.dataset.steps = String(hidden.steps);
  }
}

/** Blue for −1 through pale for 0 to red for +1, as the text is coloured. */
function fillActivationLegend(legend: HTMLElement): void {
  const scale = el('span', { class: 'scale', 'aria-hidden': 'true' });
  for (let i = 0; i <= 8; i++) {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = activationColor(-1 + i / 4);
    scale.append(swatch);
  }
  legend.replaceChildren(el('span', {}, '−1'), scale, el('span', {}, '+1'));
  legend.setAttribute('role', 'img');
  legend.setAttribute('aria-label', 'Colour scale: blue for a unit value of −1, pale near 0, red for +1');
}
