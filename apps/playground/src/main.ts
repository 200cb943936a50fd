import type { LoadedModel } from './models/load.ts';
import { fetchCatalog, ModelStore } from './models/store.ts';
import { isNeuralKind, type Catalog, type CatalogEntry } from './models/catalog.ts';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { byId } from './ui/dom.ts';
import { showError } from './ui/errors.ts';
import { fillPicker, showManifest } from './ui/picker.ts';
import { NextTokenView } from './ui/next-token.ts';
import { GenerateView } from './ui/generate.ts';
import { ScoreView, fillLegend } from './ui/score.ts';
import { CompareView } from './ui/compare.ts';
import { InsideView } from './ui/inside.ts';
import { showCorpus } from './ui/corpus.ts';
import { SeriesView } from './ui/series.ts';
import { LoadProgress } from './ui/progress.ts';
import { randomSeed, readUrlState, withUrlState, type UrlState } from './ui/url-state.ts';
import { debounced } from './ui/debounce.ts';
import { trackedFetch } from './net/tracked-fetch.ts';
import { prepareOffline, registerServiceWorker } from './net/offline.ts';

const base = document.baseURI;
const wasmHref = new URL(wasmUrl, base).href;
const progress = new LoadProgress(byId('load-progress'));
/** The progress row a URL counts towards: the wasm, or the model whose directory it is in. */
function progressKey(url: string): string {
  if (url === wasmHref) return 'wasm';
  const match = /\/models\/([^/]+)\//.exec(new URL(url).pathname);
  return match ? decodeURIComponent(match[1]!) : '';
}
const fetchFiles = trackedFetch((url, loaded) => progress.update(progressKey(url), url, loaded));

let wasmPromise: Promise<void> | undefined;
/**
 * onnxruntime's runtime: its JS chunk and its 14 MB wasm, downloaded by the
 * page with a progress bar and handed over, started as soon as a neural model
 * is wanted so the two downloads overlap with the model's.
 */
function wasmReady(): Promise<void> {
  wasmPromise ??= (async () => {
    progress.expect('wasm', 'onnxruntime (WebAssembly)', __ORT_WASM_BYTES__);
    try {
      const [ort, res] = await Promise.all([import('./ort.ts'), fetchFiles(wasmHref)]);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      ort.provideWasmBinary(await res.arrayBuffer());
    } finally {
      progress.finish('wasm');
    }
  })();
  wasmPromise.catch(() => (wasmPromise = undefined));
  return wasmPromise;
}

// The onnxruntime-backed models load their code on demand: the n-gram models need none of it.
const store = new ModelStore(
  base,
  {
    createSession: async (bytes) => {
      const ort = await import('./ort.ts');
      ort.checkBrowserSupport(); // before 14 MB of wasm, not after
      await wasmReady();
      return ort.createGraphSession(bytes);
    },
    series: async (id, manifest, bytes) => {
      (await import('./ort.ts')).checkBrowserSupport();
      const [{ OrtSeriesModel }] = await Promise.all([import('./models/series-model.ts'), wasmReady()]);
      return OrtSeriesModel.load(id, manifest, bytes);
    },
  },
  fetchFiles,
);

const select = byId<HTMLSelectElement>('model-select');
const status = byId('model-status');
const modelError = byId('model-error');
const views = byId('views');
const seriesSection = byId('series-view');
const details = byId<HTMLDetailsElement>('model-details');
const corpusDetails = byId<HTMLDetailsElement>('corpus-details');
const prefix = byId<HTMLInputElement>('prefix-input');

const nextToken = new NextTokenView(prefix, byId('next-bars'), byId('next-note'), byId('next-summary'), byId('next-error'));
const generate = new GenerateView(
  {
    form: byId('gen-form'),
    prompt: prefix,
    temperature: byId('gen-temperature'),
    topK: byId('gen-topk'),
    topP: byId('gen-topp'),
    seed: byId('gen-seed'),
    length: byId('gen-length'),
    start: byId('gen-start'),
    reroll: byId('gen-reroll'),
    stop: byId('gen-stop'),
    output: byId('gen-output'),
    meta: byId('gen-meta'),
    detail: byId('gen-detail'),
    error: byId('gen-error'),
  },
  () => saveUrl(),
);
fillLegend(byId('gen-legend'));
const comparePanel = (side: 'a' | 'b') => ({
  picker: byId<HTMLSelectElement>(`compare-model-${side}`),
  bars: byId<HTMLOListElement>(`compare-bars-${side}`),
  note: byId(`compare-note-${side}`),
  summary: byId(`compare-summary-${side}`),
  error: byId(`compare-error-${side}`),
});
const compare = new CompareView(prefix, [comparePanel('a'), comparePanel('b')], (id) => store.get(id));
const inside = new InsideView(
  {
    section: byId('inside-view'),
    form: byId('inside-form'),
    text: byId('inside-text'),
    model: byId('inside-model'),
    feature: byId('inside-feature'),
    unit: byId('inside-unit'),
    unitsLabel: byId('inside-units-label'),
    units: byId('inside-units'),
    legend: byId('inside-legend'),
    view: byId('inside-text-view'),
    detail: byId('inside-detail'),
    error: byId('inside-error'),
  },
  (id) => store.get(id),
);
const score = new ScoreView(
  {
    form: byId('score-form'),
    text: byId('score-text'),
    pickers: [byId('score-model-a'), byId('score-model-b')],
    panels: [byId('score-a'), byId('score-b')],
    legend: byId('score-legend'),
  },
  (id) => store.get(id),
);
const series = new SeriesView({
  section: seriesSection,
  k: byId('series-k'),
  note: byId('series-note'),
  error: byId('series-error'),
  chart: byId('series-chart'),
  table: byId('series-mse-body'),
});

/** The URL's fields and the inputs that hold them. */
const fields: [keyof UrlState, HTMLInputElement | HTMLSelectElement][] = [
  ['model', select],
  ['text', prefix],
  ['seed', byId('gen-seed')],
  ['temperature', byId('gen-temperature')],
  ['topK', byId('gen-topk')],
  ['topP', byId('gen-topp')],
  ['length', byId('gen-length')],
];

function saveUrl(): void {
  const state: UrlState = {};
  for (const [key, input] of fields) state[key] = input.value;
  // While an n-gram stands in, the link still names the model being waited for.
  state.model = urlModel || undefined;
  history.replaceState(null, '', withUrlState(location.href, state));
}

let selected = '';
let urlModel = '';
let current: LoadedModel | null = null;
/** Set once the reader picks a model or generates: the page then stops changing model or text on its own. */
let userChose = false;
let userGenerated = false;

function setStatus(state: 'loading' | 'ready' | 'error', text: string, model = selected): void {
  status.dataset.state = state;
  status.dataset.model = model;
  status.textContent = text;
}

/** The manifest and curves are drawn when their <details> opens (a chart cannot size itself while hidden). */
function drawDetails(): void {
  const loaded = current;
  if (loaded === null) return;
  if (details.open && details.dataset.drawn !== loaded.model.id) {
    details.dataset.drawn = loaded.model.id;
    void showManifest(byId('model-info'), byId('training-chart'), loaded).catch((error) => showError(modelError, error));
  }
  if (loaded.type === 'language' && corpusDetails.open && corpusDetails.dataset.drawn !== loaded.model.id) {
    corpusDetails.dataset.drawn = loaded.model.id;
    void showCorpus(byId('corpus-chart'), byId('corpus-facts'), byId('corpus-error'), loaded).catch((error) => showError(byId('corpus-error'), error));
  }
}
details.addEventListener('toggle', drawDetails);
corpusDetails.addEventListener('toggle', drawDetails);

/** Shows model `id` in every view; false when it could not be loaded (the error is shown, and kept in `lastError`). */
let lastError: unknown = null;
async function chooseModel(id: string, note = ''): Promise<boolean> {
  selected = id;
  select.value = id;
  saveUrl();
  setStatus('loading', `Loading ${id}…${current?.type === 'language' ? ` ${current.model.id} answers meanwhile.` : ''}`);
  showError(modelError, null);
  const entry = catalog.models.find((m) => m.id === id);
  if (entry !== undefined) progress.expect(id, `${id} (${entry.kind ?? 'model'})`, entry.bytes);
  let loaded: LoadedModel;
  try {
    loaded = await store.get(id);
  } catch (error) {
    progress.finish(id);
    if (selected !== id) return false;
    setStatus('error', `${id} could not be loaded.`);
    lastError = error;
    showError(modelError, error);
    views.hidden = true;
    seriesSection.hidden = true;
    details.hidden = true;
    return false;
  }
  progress.finish(id);
  if (selected !== id) return false;
  current = loaded;
  // The text views need a language model; a time-series model gets its own view instead.
  views.hidden = loaded.type !== 'language';
  seriesSection.hidden = loaded.type !== 'series';
  details.hidden = false;
  byId('model-info').replaceChildren();
  byId('training-chart').replaceChildren();
  byId('corpus-facts').replaceChildren();
  byId('corpus-chart').replaceChildren();
  delete details.dataset.drawn;
  delete corpusDetails.dataset.drawn;
  if (loaded.type === 'language') {
    nextToken.setModel(loaded.model);
    generate.setModel(loaded.model);
  } else {
    void series.setModel(loaded.model).catch((error) => showError(byId('series-error'), error));
  }
  setStatus('ready', `${id} is ready (${loaded.manifest.kind}, loaded in ${loaded.loadMs.toFixed(0)} ms).${note}`);
  document.body.dataset.model = id;
  drawDetails();
  return true;
}

let arrival: Promise<void> = Promise.resolve();
/** Generates with the current model unless the reader has taken over: the result shown on arrival, redone when the neural model joins. */
function arrivalGeneration(): Promise<void> {
  arrival = arrival.then(async () => {
    if (!userGenerated && current?.type === 'language') await generate.run();
  });
  return arrival;
}

let catalog: Catalog = { models: [] };

async function start(): Promise<void> {
  try {
    catalog = await fetchCatalog(base, fetchFiles);
  } catch (error) {
    setStatus('error', 'The model list could not be loaded.');
    showError(modelError, error);
    return;
  }
  if (catalog.models.length === 0) {
    setStatus('error', 'This build bundles no models: run `npm start` (it trains them) or list some in models.config.json.');
    return;
  }
  fillPicker(select, catalog);
  const url = readUrlState(location.search);
  for (const [key, input] of fields) {
    const value = url[key];
    if (value !== undefined && key !== 'model') input.value = value;
  }
  // A shared link reproduces its text; otherwise every visit draws its own seed.
  const seed = byId<HTMLInputElement>('gen-seed');
  if (seed.value.trim() === '') seed.value = String(randomSeed());

  const target: CatalogEntry = catalog.models.find((m) => m.id === url.model) ?? catalog.models.find((m) => isNeuralKind(m.kind)) ?? catalog.models[0]!;
  // An n-gram table needs no WebAssembly: it answers while the neural model's runtime and weights download.
  const standIn = isNeuralKind(target.kind) ? catalog.models.find((m) => m.kind === 'ngram') : undefined;
  score.setCatalog(catalog, target.id);
  inside.setCatalog(catalog, target.id);
  urlModel = target.id;
  select.addEventListener('change', () => {
    userChose = true;
    urlModel = select.value;
    void chooseModel(select.value);
  });
  byId('gen-form').addEventListener('submit', () => (userGenerated = true));
  byId('gen-reroll').addEventListener('click', () => (userGenerated = true));
  for (const [, input] of fields) if (input !== select) input.addEventListener('change', saveUrl);
  // Typing saves the text once it pauses: a replaceState per key would stand between the key and its bars on screen.
  const saveTyped = debounced(saveUrl, 300);
  prefix.addEventListener('input', saveTyped);
  addEventListener('pagehide', saveTyped.flush);
  for (const button of document.querySelectorAll<HTMLButtonElement>('button.example')) {
    button.addEventListener('click', () => {
      prefix.value = button.dataset.text ?? '';
      prefix.dispatchEvent(new Event('input'));
      userGenerated = true;
      void generate.run();
    });
  }
  byId('gen-share').addEventListener('click', () => {
    saveUrl();
    void navigator.clipboard?.writeText(location.href).then(
      () => (byId('gen-share').textContent = 'Link copied'),
      () => undefined,
    );
  });

  if (standIn !== undefined) {
    // Nothing else downloads or compiles until the n-gram answers: it is what the visitor waits for.
    const shown = await chooseModel(standIn.id, ` ${target.id} is on its way.`);
    if (shown) markFirstModel();
    registerServiceWorker(base);
    // The runtime downloads beside the weights rather than after them.
    if ('WebAssembly' in globalThis) void wasmReady().catch(() => undefined);
    void arrivalGeneration();
    if (userChose) {
      // The reader picked a model meanwhile: leave it alone.
    } else if (await chooseModel(target.id, ` It took over from ${standIn.id}.`)) {
      if (!shown) markFirstModel();
      await arrivalGeneration();
    } else if (shown && !userChose) {
      // Keep the n-gram working below the error: the page stays useful without WebAssembly.
      const error = lastError;
      await chooseModel(standIn.id, ` ${target.id} could not be loaded (see below).`);
      showError(modelError, error);
    }
  } else {
    registerServiceWorker(base);
    if (await chooseModel(target.id)) {
      markFirstModel();
      await arrivalGeneration();
    }
  }
  await arrival;
  await startLowerViews();
  performance.mark('seqlm:all-ready');
  document.body.dataset.loaded = 'true';
  prepareOffline(base);
}

/**
 * The comparison (an n-gram beside the neural model) and the look inside the
 * neural model. When the page shows a neural model both are already loaded and
 * the views fill at once; a visit that stayed with an n-gram downloads nothing
 * more until the reader scrolls to them.
 */
async function startLowerViews(): Promise<void> {
  const shown = current?.type === 'language' ? current.model.id : '';
  const shownNeural = catalog.models.find((m) => m.id === shown && isNeuralKind(m.kind));
  const neural = shownNeural ?? catalog.models.find((m) => isNeuralKind(m.kind));
  const counting = catalog.models.find((m) => m.kind === 'ngram');
  const left = counting?.id ?? catalog.models[0]!.id;
  const right = neural?.id ?? catalog.models.find((m) => m.id !== left && m.kind !== 'ts-mlp')?.id ?? left;
  if (neural !== undefined) byId<HTMLSelectElement>('inside-model').value = neural.id;
  const fill = () => Promise.all([compare.setCatalog(catalog, left, right), inside.refresh()]).then(() => undefined);
  if (shownNeural !== undefined || !('IntersectionObserver' in globalThis)) return fill();
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    void fill();
  });
  observer.observe(byId('compare-view'));
  observer.observe(byId('inside-view'));
}

let firstMarked = false;
function markFirstModel(): void {
  if (firstMarked) return;
  firstMarked = true;
  performance.mark('seqlm:model-ready');
}

// The arrival is over however it ended (no models bundled, a list that failed): tests and the benchmark wait for this.
void start().finally(() => (document.body.dataset.loaded = 'true'));
