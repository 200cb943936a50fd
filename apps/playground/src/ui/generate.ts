import { SeqlmError } from '@seqlm/core/errors';
import { Rng } from '@seqlm/core/random';
import { checkSamplingOptions, sampleToken, type SamplingOptions } from '@seqlm/core/sampling';
import { UNK_ID } from '@seqlm/core/vocab';
import type { FinishReason, GeneratedToken, LanguageModel } from '@seqlm/core/lm';
import { heatColor, surprisalBits } from '../models/surprisal.ts';
import { showError } from './errors.ts';
import { el, pressOnly, rovingFocus, showToken, speakToken, yieldToBrowser } from './dom.ts';
import { MAX_BITS } from './score.ts';
import { randomSeed } from './url-state.ts';

export interface GenerateSettings extends SamplingOptions {
  prompt: string;
  seed: number;
  maxTokens: number;
}

export interface GenerateControls {
  form: HTMLFormElement;
  prompt: HTMLInputElement;
  temperature: HTMLInputElement;
  topK: HTMLInputElement;
  topP: HTMLInputElement;
  seed: HTMLInputElement;
  length: HTMLInputElement;
  start: HTMLButtonElement;
  /** Draws a fresh random seed into the seed field and generates. */
  reroll: HTMLButtonElement;
  stop: HTMLButtonElement;
  output: HTMLOutputElement;
  /** Says which model and seed produced the output. */
  meta: HTMLElement;
  /** Where the drawn token and its alternatives appear on hover, tap or focus. */
  detail: HTMLElement;
  error: HTMLElement;
}

/** Alternatives listed for each generated token (core's `topLogProbs`). */
export const TOP_ALTERNATIVES = 5;

const MAX_TOKENS = 2000;

/**
 * What the reader needs of an `<input>`. A number input blanks `value` when the
 * browser cannot parse what was typed ("abc", "1.2.3"); only
 * `validity.badInput` tells that apart from an empty field.
 */
export interface FieldInput {
  readonly value: string;
  readonly validity: { readonly badInput: boolean };
}

export type SettingsFields = Readonly<Record<'prompt' | 'temperature' | 'topK' | 'topP' | 'seed' | 'length', FieldInput>>;

/**
 * Reads the form. Blank top-k and blank top-p both mean no truncation (all
 * tokens; top-p 1), so they are left out as the API leaves them out. Throws
 * `INVALID_ARGUMENT` naming the bad field.
 */
export function readSettings(fields: SettingsFields): GenerateSettings {
  const optional = (name: string, field: FieldInput): number | undefined => {
    if (field.validity.badInput) throw new SeqlmError('INVALID_ARGUMENT', `${name} must be a number`);
    const raw = field.value.trim();
    if (raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new SeqlmError('INVALID_ARGUMENT', `${name} must be a number, got "${field.value}"`);
    return v;
  };
  const required = (name: string, field: FieldInput): number => {
    const v = optional(name, field);
    if (v === undefined) throw new SeqlmError('INVALID_ARGUMENT', `${name} must be a number; the field is empty`);
    return v;
  };
  const seed = required('seed', fields.seed);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SeqlmError('INVALID_ARGUMENT', `seed must be an integer in [0, 2^32), got ${seed}`);
  const maxTokens = required('length', fields.length);
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_TOKENS) {
    throw new SeqlmError('INVALID_ARGUMENT', `length must be an integer from 1 to ${MAX_TOKENS}, got ${maxTokens}`);
  }
  const settings: GenerateSettings = { prompt: fields.prompt.value, seed, maxTokens, temperature: required('temperature', fields.temperature) };
  const topK = optional('top-k', fields.topK);
  if (topK !== undefined) settings.topK = topK;
  const topP = optional('top-p', fields.topP);
  if (topP !== undefined) settings.topP = topP;
  checkSamplingOptions(settings);
  return settings;
}

/**
 * Sampling as the edge API does it, so the same seed gives the same text: the
 * prompt (a prefix: a trailing space is kept) goes through the model in one
 * pass, then each token is drawn with core's `sampleToken` from one `Rng(seed)`
 * and fed back (D2L 9.5 `predict`). `<unk>` is never drawn. A stop id ends
 * generation and is not shown. Yields each token with its ln p and the
 * `TOP_ALTERNATIVES` most likely tokens at that step (at temperature 1).
 */
export async function* sampleText(model: LanguageModel, settings: GenerateSettings): AsyncGenerator<GeneratedToken, FinishReason> {
  const { ids } = model.encodePrefix(settings.prompt);
  if (ids.length === 0 && model.kind !== 'ngram') {
    throw new SeqlmError('INVALID_ARGUMENT', `the prompt has no tokens after "${model.text.normalization}" normalisation; a ${model.kind} model needs at least one`);
  }
  const tokens = model.generate(ids, {
    maxTokens: settings.maxTokens,
    seed: settings.seed,
    temperature: settings.temperature ?? 1,
    ...(settings.topK !== undefined ? { topK: settings.topK } : {}),
    ...(settings.topP !== undefined ? { topP: settings.topP } : {}),
    topLogProbs: TOP_ALTERNATIVES,
  });
  for (let step = await tokens.next(); ; step = await tokens.next()) {
    if (step.done) return step.value;
    yield step.value;
  }
}

const percent = (logProb: number): string => `${(Math.exp(logProb) * 100).toPrecision(3)} %`;

/**
 * A generated token as a button coloured by its surprisal under the model
 * (the Score view's scale); hover, tap or focus shows the alternatives there.
 */
function tokenButton(t: GeneratedToken, first: boolean): HTMLButtonElement {
  const bits = surprisalBits(t.logProb);
  const button = el('button', {
    type: 'button',
    class: 'tok',
    tabindex: first ? '0' : '-1',
    'aria-pressed': 'false',
    'aria-label': `Token ${t.index + 1}, ${speakToken(t.token)}: p = ${percent(t.logProb)}`,
    'data-index': String(t.index),
    'data-id': String(t.id),
    'data-log-prob': String(t.logProb),
  }, t.token === ' ' ? '\u00a0' : showToken(t.token));
  button.style.background = heatColor(bits, MAX_BITS);
  return button;
}

/** The drawn token and the alternatives at its step, as a list with bars. */
function showAlternatives(detail: HTMLElement, t: GeneratedToken): void {
  const max = Math.exp(t.top?.[0]?.logProb ?? 0);
  const rows = (t.top ?? []).map((a) => {
    const row = el('li', { 'data-id': String(a.id), 'data-token': a.token, 'data-probability': String(Math.exp(a.logProb)), ...(a.id === t.id ? { class: 'drawn' } : {}) });
    const bar = el('span', { class: 'bar', 'aria-hidden': 'true' });
    bar.style.setProperty('--w', `${((Math.exp(a.logProb) / max) * 100).toFixed(1)}%`);
    row.append(el('span', { class: 'tok', title: speakToken(a.token) }, showToken(a.token)), bar, el('span', { class: 'val' }, percent(a.logProb)));
    row.setAttribute('aria-label', `${speakToken(a.token)}: ${percent(a.logProb)}${a.id === t.id ? ' (drawn)' : ''}`);
    return row;
  });
  const list = el('ol', { class: 'bars alternatives', 'aria-label': `The ${rows.length} most likely tokens at step ${t.index + 1}` });
  list.append(...rows);
  detail.dataset.index = String(t.index);
  detail.replaceChildren(el('p', {}, `Step ${t.index + 1}: drew “${showToken(t.token)}” with p = ${percent(t.logProb)}${(t.top ?? []).some((a) => a.id === t.id) ? '' : ' (not among the most likely)'}. The most likely tokens there:`), list);
}

/** The generate form: streams tokens into the output and stops on request. */
export class GenerateView {
  readonly #c: GenerateControls;
  #model: LanguageModel | null = null;
  #stopRequested = false;
  #running = false;
  readonly #onSettings: (settings: GenerateSettings) => void;

  /** `onSettings` hears the settings of every run that starts (the page keeps them in the URL). */
  constructor(controls: GenerateControls, onSettings: (settings: GenerateSettings) => void = () => undefined) {
    this.#c = controls;
    this.#onSettings = onSettings;
    rovingFocus(controls.output, '.tok');
    controls.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run();
    });
    controls.stop.addEventListener('click', () => (this.#stopRequested = true));
    controls.reroll.addEventListener('click', () => {
      if (this.#running) return;
      controls.seed.value = String(randomSeed());
      void this.run();
    });
  }

  get running(): boolean {
    return this.#running;
  }

  setModel(model: LanguageModel): void {
    this.#stopRequested = this.#running;
    this.#model = model;
  }

  async run(): Promise<void> {
    const c = this.#c;
    const model = this.#model;
    if (model === null || this.#running) return;
    let settings: GenerateSettings;
    try {
      settings = readSettings(c);
    } catch (error) {
      showError(c.error, error);
      c.output.dataset.state = 'invalid';
      return;
    }
    showError(c.error, null);
    this.#onSettings(settings);
    this.#running = true;
    this.#stopRequested = false;
    c.start.disabled = true;
    c.stop.disabled = false;
    const promptSpan = document.createElement('span');
    promptSpan.className = 'prompt';
    promptSpan.textContent = model.detokenize(model.encodePrefix(settings.prompt).tokens);
    c.output.replaceChildren(promptSpan);
    c.detail.replaceChildren(el('p', {}, 'Hover, tap or focus a generated token (arrow keys move between them) to see what else the model considered there.'));
    delete c.detail.dataset.index;
    c.output.dataset.state = 'running';
    const tokens: string[] = [];
    const ids: number[] = [];
    const separator = model.manifest.text.tokenizer === 'char' ? '' : ' ';
    let finish: string = 'length';
    let lastYield = performance.now();
    try {
      const it = sampleText(model, settings);
      for (let step = await it.next(); ; step = await it.next()) {
        if (step.done) {
          finish = step.value;
          break;
        }
        const token = step.value;
        ids.push(token.id);
        tokens.push(token.token);
        const button = tokenButton(token, token.index === 0);
        const show = () => {
          pressOnly(c.output, button);
          showAlternatives(c.detail, token);
        };
        button.addEventListener('mouseenter', show);
        button.addEventListener('focus', show);
        button.addEventListener('click', show);
        if (separator) c.output.append(separator);
        c.output.append(button);
        if (performance.now() - lastYield > 16) {
          await yieldToBrowser();
          lastYield = performance.now();
        }
        if (this.#stopRequested) {
          finish = 'stopped';
          break;
        }
      }
    } catch (error) {
      finish = 'error';
      showError(c.error, error);
    } finally {
      this.#running = false;
      c.start.disabled = false;
      c.stop.disabled = true;
    }
    c.output.dataset.generated = model.detokenize(tokens);
    c.output.dataset.ids = ids.join(' ');
    c.output.dataset.finish = finish;
    c.output.dataset.model = model.id;
    c.output.dataset.seed = String(settings.seed);
    c.meta.textContent = `${model.id}, seed ${settings.seed}, temperature ${settings.temperature}${settings.topK !== undefined ? `, top-k ${settings.topK}` : ''}${settings.topP !== undefined ? `, top-p ${settings.topP}` : ''}: the same settings give the same text.`;
    c.output.dataset.state = 'done';
  }
}
