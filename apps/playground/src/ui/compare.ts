import { SeqlmError } from '@seqlm/core/errors';
import type { Catalog } from '../models/catalog.ts';
import type { LoadedModel } from '../models/load.ts';
import { showError } from './errors.ts';
import { el } from './dom.ts';
import { NextTokenView } from './next-token.ts';

export interface ComparePanel {
  picker: HTMLSelectElement;
  bars: HTMLOListElement;
  note: HTMLElement;
  summary: HTMLElement;
  error: HTMLElement;
}

/**
 * Two models' next-token bars for the one text box: each panel is a
 * `NextTokenView` with its own model and cursor (so typing feeds each model
 * only the new characters), loaded through the page's model store. A keystroke
 * updates them after the main bars are on screen, not before.
 */
export class CompareView {
  readonly #panels: { controls: ComparePanel; view: NextTokenView }[];
  readonly #load: (id: string) => Promise<LoadedModel>;

  constructor(prefix: HTMLInputElement, panels: [ComparePanel, ComparePanel], load: (id: string) => Promise<LoadedModel>) {
    this.#load = load;
    this.#panels = panels.map((controls) => ({ controls, view: new NextTokenView(prefix, controls.bars, controls.note, controls.summary, controls.error, { measure: false, afterPaint: true }) }));
    for (const panel of this.#panels) panel.controls.picker.addEventListener('change', () => void this.#show(panel));
  }

  /** Offers every language model on both sides, starting with `left` and `right`, and shows them. */
  async setCatalog(full: Catalog, left: string, right: string): Promise<void> {
    const models = full.models.filter((m) => m.kind !== 'ts-mlp');
    const chosen = [left, right];
    this.#panels.forEach(({ controls }, i) => {
      controls.picker.replaceChildren(...models.map((m) => el('option', { value: m.id }, `${m.id} (${m.kind ?? '?'})`)));
      controls.picker.value = chosen[i] ?? models[0]?.id ?? '';
    });
    await Promise.all(this.#panels.map((panel) => this.#show(panel)));
  }

  async #show(panel: { controls: ComparePanel; view: NextTokenView }): Promise<void> {
    const { picker, bars, error } = panel.controls;
    const id = picker.value;
    bars.dataset.state = 'loading';
    try {
      const loaded = await this.#load(id);
      if (loaded.type !== 'language') throw new SeqlmError('UNSUPPORTED', `${id} is a time-series model; it predicts numbers, not tokens`);
      if (picker.value !== id) return; // another pick came in meanwhile
      showError(error, null);
      panel.view.setModel(loaded.model);
      await panel.view.refresh();
    } catch (e) {
      showError(error, e);
      for (const row of bars.children) (row as HTMLElement).hidden = true;
    }
    bars.dataset.state = 'done';
  }
}
