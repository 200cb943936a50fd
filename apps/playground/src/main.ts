import type { LoadedModel } from './models/load.ts';
import { fetchCatalog, ModelStore } from './models/store.ts';
import { createGraphSession } from './ort.ts';
import { OrtSeriesModel } from './models/series-model.ts';
import type { Catalog } from './models/catalog.ts';
import { byId } from './ui/dom.ts';
import { showError } from './ui/errors.ts';
import { fillPicker, showManifest } from './ui/picker.ts';
import { NextTokenView } from './ui/next-token.ts';
import { GenerateView } from './ui/generate.ts';
import { ScoreView } from './ui/score.ts';
import { showCorpus } from './ui/corpus.ts';
import { SeriesView } from './ui/series.ts';

const base = document.baseURI;
const store = new ModelStore(base, {
  createSession: (bytes) => createGraphSession(bytes),
  series: (id, manifest, bytes) => OrtSeriesModel.load(id, manifest, bytes),
});

const select = byId<HTMLSelectElement>('model-select');
const status = byId('model-status');
const modelError = byId('model-error');
const views = byId('views');
const seriesSection = byId('series-view');

const nextToken = new NextTokenView(byId('prefix-input'), byId('next-bars'), byId('next-note'), byId('next-summary'), byId('next-error'));
const generate = new GenerateView({
  form: byId('gen-form'),
  prompt: byId('gen-prompt'),
  temperature: byId('gen-temperature'),
  topK: byId('gen-topk'),
  topP: byId('gen-topp'),
  seed: byId('gen-seed'),
  length: byId('gen-length'),
  start: byId('gen-start'),
  stop: byId('gen-stop'),
  output: byId('gen-output'),
  error: byId('gen-error'),
});
const score = new ScoreView(
  { form: byId('score-form'), text: byId('score-text'), pickers: [byId('score-model-a'), byId('score-model-b')], panels: [byId('score-a'), byId('score-b')] },
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

// Must match CACHE in public/sw.js.
const OFFLINE_CACHE = 'seqlm-playground-v1';

let selected = '';
let firstReady = true;

function setStatus(state: 'loading' | 'ready' | 'error', text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

async function chooseModel(id: string): Promise<void> {
  selected = id;
  select.value = id;
  const url = new URL(location.href);
  url.searchParams.set('model', id);
  history.replaceState(null, '', url);
  setStatus('loading', `Loading ${id}…`);
  showError(modelError, null);
  // The previous model's facts must not sit under the new model's name.
  byId('model-info').replaceChildren();
  byId('training-chart').replaceChildren();
  byId('model-details').hidden = true;
  let loaded: LoadedModel;
  try {
    loaded = await store.get(id);
  } catch (error) {
    if (selected !== id) return;
    setStatus('error', `${id} could not be loaded.`);
    showError(modelError, error);
    views.hidden = true;
    seriesSection.hidden = true;
    return;
  }
  if (selected !== id) return;
  // The text views need a language model; a time-series model gets its own view instead.
  views.hidden = loaded.type !== 'language';
  seriesSection.hidden = loaded.type !== 'series';
  byId('model-details').hidden = false;
  if (loaded.type === 'language') {
    nextToken.setModel(loaded.model);
    generate.setModel(loaded.model);
  }
  setStatus('ready', `${id} is ready (${loaded.manifest.kind}, loaded in ${loaded.loadMs.toFixed(0)} ms).`);
  document.body.dataset.model = id;
  if (firstReady) {
    firstReady = false;
    performance.mark('seqlm:model-ready');
    prepareOffline();
  }
  // Charts load Vega on demand; the views above are usable before they finish.
  void showManifest(byId('model-info'), byId('training-chart'), loaded).catch((error) => showError(modelError, error));
  if (loaded.type === 'language') {
    void showCorpus(byId('corpus-chart'), byId('corpus-facts'), byId('corpus-error'), loaded).catch((error) => showError(byId('corpus-error'), error));
  } else {
    void series.setModel(loaded.model).catch((error) => showError(byId('series-error'), error));
  }
}

/**
 * After the first model is up (so nothing competes with it): registers the
 * service worker that caches what the page fetches, and fetches the chart
 * chunk while idle, so the site keeps working offline once loaded.
 */
function prepareOffline(): void {
  const idle = globalThis.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200));
  idle(() => {
    void (async () => {
      await import('vega-embed');
      if (!('serviceWorker' in navigator) || !('caches' in globalThis)) return;
      await navigator.serviceWorker.register(new URL('sw.js', base));
      // What loaded before the worker took over is cached here, by the page, in the worker's cache.
      const urls = new Set([location.href.split('?')[0] as string]);
      for (const entry of performance.getEntriesByType('resource')) {
        if (new URL(entry.name).origin === location.origin) urls.add(entry.name);
      }
      const cache = await caches.open(OFFLINE_CACHE);
      await Promise.all([...urls].map((url) => cache.add(url).catch(() => undefined)));
      document.body.dataset.offline = 'ready';
    })().catch(() => undefined);
  });
}

async function start(): Promise<void> {
  let catalog: Catalog;
  try {
    catalog = await fetchCatalog(base);
  } catch (error) {
    setStatus('error', 'The model list could not be loaded.');
    showError(modelError, error);
    return;
  }
  if (catalog.models.length === 0) {
    setStatus('error', 'This build bundles no models (see models.config.json).');
    return;
  }
  fillPicker(select, catalog);
  const wanted = new URL(location.href).searchParams.get('model');
  const first = catalog.models.find((m) => m.id === wanted) ?? catalog.models[0]!;
  score.setCatalog(catalog, first.id);
  select.addEventListener('change', () => void chooseModel(select.value));
  await chooseModel(first.id);
}

void start();
