import { el, formatBytes } from './dom.ts';

interface Row {
  total: number;
  loaded: Map<string, number>;
  bar: HTMLProgressElement;
  text: HTMLElement;
  node: HTMLElement;
}

/**
 * Download progress in bytes, one bar per download (onnxruntime's wasm, each
 * model's files). Files are grouped by a key the caller derives from the URL;
 * each row's figures are also in `data-loaded` / `data-total` for the tests.
 * The whole box hides once every row is complete.
 */
export class LoadProgress {
  readonly #box: HTMLElement;
  readonly #rows = new Map<string, Row>();

  constructor(box: HTMLElement) {
    this.#box = box;
  }

  /** Starts a row; `total` is the expected size in bytes after decompression (from the manifest or the build). */
  expect(key: string, label: string, total: number): void {
    if (this.#rows.has(key)) return;
    const id = `progress-${this.#rows.size}`;
    const bar = el('progress', { id, max: String(Math.max(1, total)), value: '0' });
    const text = el('span', { class: 'bytes' });
    const node = el('div', { class: 'progress-row', 'data-key': key });
    node.append(el('label', { for: id }, label), bar, text);
    this.#rows.set(key, { total, loaded: new Map(), bar, text, node });
    this.#box.append(node);
    this.#box.hidden = false;
    this.#render(key);
  }

  /** `loaded` bytes of `url` (one of possibly several files of the row `key`) have arrived. */
  update(key: string, url: string, loaded: number): void {
    const row = this.#rows.get(key);
    if (row === undefined) return;
    row.loaded.set(url, loaded);
    this.#render(key);
  }

  /** The row's download is over (the sizes may differ from the estimate by a manifest or two). */
  finish(key: string): void {
    const row = this.#rows.get(key);
    if (row === undefined) return;
    row.node.dataset.done = 'true';
    this.#render(key);
    if ([...this.#rows.values()].every((r) => r.node.dataset.done === 'true')) this.#box.hidden = true;
  }

  #render(key: string): void {
    const row = this.#rows.get(key)!;
    const loaded = [...row.loaded.values()].reduce((a, b) => a + b, 0);
    const done = row.node.dataset.done === 'true';
    row.bar.value = done ? row.bar.max : Math.min(loaded, row.total);
    row.text.textContent = done ? `${formatBytes(loaded)}, done` : `${formatBytes(loaded)} of ${formatBytes(row.total)}`;
    row.node.dataset.loaded = String(loaded);
    row.node.dataset.total = String(row.total);
  }
}
