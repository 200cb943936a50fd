import { PrefixCursor, type LanguageModel } from '@seqlm/core/lm';
import { topTokens } from '../models/top-tokens.ts';
import { showError } from './errors.ts';
import { coalesced } from './coalesce.ts';
import { afterNextPaint, el, showToken, speakToken } from './dom.ts';

const TOP_K = 10;

/**
 * The next-token bars. Every keystroke moves a `PrefixCursor`, so appending
 * feeds only the new characters through the model. Updates never overlap: a
 * keystroke during a model run marks the view dirty and the latest text is
 * shown when the run returns. Exact probabilities go in `data-probability`.
 */
export class NextTokenView {
  readonly #input: HTMLInputElement;
  readonly #bars: HTMLOListElement;
  readonly #note: HTMLElement;
  readonly #summary: HTMLElement;
  readonly #error: HTMLElement;
  readonly #rows: HTMLLIElement[] = [];
  #model: LanguageModel | null = null;
  #cursor: PrefixCursor | null = null;
  /** `timeStamp` of the input event being answered, for the keystroke-to-bars latency. */
  #eventTime: number | null = null;
  /** Whether this view sets the page's timing marks (the main bars do; the comparison's do not). */
  readonly #measure: boolean;
  /** Whether a keystroke's update waits until the main bars are painted (the comparison's bars, further down). */
  readonly #afterPaint: boolean;
  #scheduled = false;

  constructor(
    input: HTMLInputElement,
    bars: HTMLOListElement,
    note: HTMLElement,
    summary: HTMLElement,
    error: HTMLElement,
    options: { measure?: boolean; afterPaint?: boolean } = {},
  ) {
    this.#measure = options.measure ?? true;
    this.#afterPaint = options.afterPaint ?? false;
    this.#input = input;
    this.#bars = bars;
    this.#note = note;
    this.#summary = summary;
    this.#error = error;
    for (let i = 0; i < TOP_K; i++) {
      const row = el('li', { hidden: '' });
      row.append(el('span', { class: 'tok' }), el('span', { class: 'bar', 'aria-hidden': 'true' }), el('span', { class: 'val' }));
      this.#rows.push(row);
    }
    bars.replaceChildren(...this.#rows);
    input.addEventListener('input', (event) => {
      this.#eventTime = event.timeStamp;
      if (this.#afterPaint) this.#refreshAfterPaint();
      else void this.refresh();
    });
  }

  /** One update after the next frame, however many keys arrive before it. */
  #refreshAfterPaint(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    afterNextPaint(() => {
      this.#scheduled = false;
      void this.refresh();
    });
  }

  get model(): LanguageModel | null {
    return this.#model;
  }

  setModel(model: LanguageModel): void {
    this.#model = model;
    this.#cursor = new PrefixCursor(model.cursor());
    this.#eventTime = null;
    void this.refresh();
  }

  /** Brings the bars up to date with the input; returns once they show its current text. */
  readonly refresh = coalesced(() => this.#update());

  async #update(): Promise<void> {
    const model = this.#model;
    const cursor = this.#cursor;
    if (model === null || cursor === null) return;
    const text = this.#input.value;
    const eventTime = this.#eventTime;
    const { ids, tokens, oov } = model.encodePrefix(text);
    let update;
    try {
      update = await cursor.update(ids);
    } catch (error) {
      showError(this.#error, error);
      return;
    }
    if (model !== this.#model) return; // The user switched models during the run.
    showError(this.#error, null);
    const b = this.#bars;
    b.dataset.model = model.id;
    b.dataset.prefixIds = Array.from(ids).join(' ');
    b.dataset.fed = String(update.fed);
    b.dataset.reused = String(update.reused);
    const scores = update.cursor.scores;
    if (scores === null) {
      for (const row of this.#rows) row.hidden = true;
      this.#note.textContent = `Type at least one character: a ${model.manifest.kind.toUpperCase()} has no start token to predict from.`;
      this.#summary.textContent = '';
    } else {
      const top = topTokens(scores, model.vocab, TOP_K);
      // Navigation to the first bars on screen, for the benchmark.
      if (this.#measure && performance.getEntriesByName('seqlm:first-prediction').length === 0) performance.mark('seqlm:first-prediction');
      const max = top[0]?.probability ?? 1;
      this.#rows.forEach((row, i) => {
        const t = top[i];
        row.hidden = t === undefined;
        if (t === undefined) return;
        row.dataset.id = String(t.id);
        row.dataset.token = t.token;
        row.dataset.probability = String(t.probability);
        const [tok, bar, val] = row.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
        tok.textContent = showToken(t.token);
        tok.title = speakToken(t.token);
        bar.style.setProperty('--w', `${((t.probability / max) * 100).toFixed(1)}%`);
        val.textContent = `${(t.probability * 100).toFixed(1)}%`;
        row.setAttribute('aria-label', `${speakToken(t.token)}: ${(t.probability * 100).toFixed(1)} percent`);
      });
      const shown = tokens.length === 0 ? 'the start of a sentence' : `“${tokens.join(model.manifest.text.tokenizer === 'char' ? '' : ' ')}”`;
      this.#note.textContent = `After ${shown} (${tokens.length} token${tokens.length === 1 ? '' : 's'}${oov > 0 ? `, ${oov} unknown` : ''}; ${update.fed} fed to the model, ${update.reused} reused from its saved state).`;
      this.#summary.textContent = `Most likely next: ${top
        .slice(0, 3)
        .map((t) => `${speakToken(t.token)} ${(t.probability * 100).toFixed(0)} percent`)
        .join(', ')}`;
    }
    if (eventTime !== null) {
      // Input event to bars in the DOM; the paint follows within the frame.
      const latency = performance.now() - eventTime;
      b.dataset.latencyMs = latency.toFixed(3);
      if (this.#measure) performance.measure('seqlm:keystroke-to-bars', { start: eventTime, duration: latency });
      if (this.#eventTime === eventTime) this.#eventTime = null;
    }
    b.dataset.updates = String(Number(b.dataset.updates ?? 0) + 1);
  }
}
