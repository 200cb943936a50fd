/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core
 * over the built site, served by a plain static server. The page's numbers are
 * checked against @seqlm/core and onnxruntime-node computing the same thing in
 * Node, and against the edge API, started here as its own process (wrangler
 * dev on workerd, see edge-api.ts) unless SEQLM_API_URL names a running one.
 * Screenshots go to <repo>/test-artifacts/playground/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { UNK_ID, Vocab, generateTokens, parseManifest, type NgramManifest } from '@seqlm/core';
import { loadNgram, scoreIds, type NgramModel } from '@seqlm/core/ngram';
import { topIndices } from '@seqlm/core/sampling';
import { loadModel } from '@seqlm/core/lm';
import { encodePrefix, encodeText } from '@seqlm/core/vocab';
import { artifactsDir, chromiumArgs, chromiumPath, fixturesDir, prepareSite, type Site } from './site.ts';
import { openModel as openModelAt, shot } from './browser.ts';
import { serveStatic, type StaticServer } from '../scripts/static-server.ts';
import { freePort, launchEdgeApi, type EdgeApi } from './edge-api.ts';
import { coreNextProbs, corePerplexity, ortNextProbs, ortSeriesReference, referenceModel, type ReferenceModel } from './reference.ts';

const TOL = 1e-5;

/** The parts of the edge API's answers compared here (apps/edge-api/README.md, Endpoints). */
interface NextAnswer {
  input: { tokens: number; oov: number };
  top: { id: number; token: string; prob: number }[];
  probs?: number[];
}
interface GenerateAnswer {
  input: { tokens: number; oov: number };
  text: string;
  ids: number[];
  finishReason: string;
}

let site: Site;
let server: StaticServer;
let browser: Browser;
let page: Page;
let gru: ReferenceModel;
let api: EdgeApi | undefined;
let apiUrl: string;
const pageErrors: string[] = [];

const openModel = (p: Page, id: string) => openModelAt(p, server.url, id);

async function pickModel(p: Page, id: string): Promise<string> {
  await p.selectOption('#model-select', id);
  await p.waitForFunction((want) => {
    const s = document.querySelector<HTMLElement>('#model-status');
    return s?.textContent?.startsWith(want) && s.dataset.state !== 'loading';
  }, id);
  return (await p.getAttribute('#model-status', 'data-state')) ?? '';
}

/** Types `text` one key at a time after clearing the prefix, then waits for the bars to show `ids`. */
async function typePrefix(p: Page, text: string, ids: ArrayLike<number>): Promise<void> {
  await p.fill('#prefix-input', '');
  await p.type('#prefix-input', text);
  await p.waitForSelector(`#next-bars[data-prefix-ids="${Array.from(ids).join(' ')}"]`);
}

async function bars(p: Page): Promise<{ id: number; token: string; probability: number }[]> {
  return p.$$eval('#next-bars li:not([hidden])', (rows) =>
    rows.map((r) => ({ id: Number(r.getAttribute('data-id')), token: r.getAttribute('data-token') ?? '', probability: Number(r.getAttribute('data-probability')) })),
  );
}

/** POSTs JSON to the edge API and returns the parsed answer; a non-200 fails with the API's error envelope. */
async function postApi<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(path, apiUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  if (process.env.SEQLM_API_URL) apiUrl = process.env.SEQLM_API_URL;
  else {
    // workerd starts while the site builds; the build is synchronous, so the API is spawned first.
    api = launchEdgeApi(await freePort(), await freePort());
    apiUrl = api.url;
  }
  site = prepareSite({ compression: 'none' });
  await api?.ready();
  // A plain static host: no precompressed files, no caching headers (showcase.e2e.test.ts covers `npm start`'s server).
  server = await serveStatic(site.root, { precompressed: false, caching: false });
  gru = await referenceModel(join(fixturesDir, 'gru-tiny'));
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  site?.dispose();
  await api?.stop();
});

describe('playground in Chromium', () => {
  it('loads the GRU from a static host and labels every control', async () => {
    await openModel(page, 'gru-tiny');
    expect(await page.getAttribute('#model-status', 'data-state')).toBe('ready');
    expect(await page.getAttribute('#model-status', 'data-model')).toBe('gru-tiny');
    await page.click('#model-details summary');
    await page.waitForSelector('#model-info dt');
    expect(await page.textContent('#model-info')).toContain('gru');
    const unlabelled = await page.$$eval('input, select, textarea', (els) =>
      els.filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id),
    );
    expect(unlabelled).toEqual([]);
    await shot(page, 'model-picker', '#picker');
  });

  it('shows next-token bars equal to core and onnxruntime-node, feeding only new characters', async () => {
    const vocab = Vocab.fromJSON(gru.manifest.vocab);
    const prefix = 'the hat sat';
    const { ids } = encodePrefix(prefix, gru.manifest.text, vocab);
    await typePrefix(page, prefix, ids);
    const shown = await bars(page);
    const core = coreNextProbs(gru, ids);
    const ort = await ortNextProbs(gru, ids);
    expect(shown.map((b) => b.id)).toEqual(topIndices(core, 10));
    for (const b of shown) {
      expect(Math.abs(b.probability - (core[b.id] as number))).toBeLessThanOrEqual(TOL);
      expect(Math.abs(b.probability - (ort[b.id] as number))).toBeLessThanOrEqual(TOL);
      expect(b.token).toBe(vocab.tokenOf(b.id));
    }
    // Typed one key at a time, so the last keystroke fed one character and reused the rest.
    expect(await page.getAttribute('#next-bars', 'data-fed')).toBe('1');
    expect(await page.getAttribute('#next-bars', 'data-reused')).toBe(String(ids.length - 1));

    // The edge API's /next for the same text: same top 10, same probabilities.
    const remote = await postApi<NextAnswer>('/v1/models/gru-tiny/next', { text: prefix, topK: shown.length, full: true });
    expect(remote.input).toEqual({ tokens: ids.length, oov: 0 });
    expect(remote.top.map((t) => t.id)).toEqual(shown.map((b) => b.id));
    expect(remote.top.map((t) => t.token)).toEqual(shown.map((b) => b.token));
    for (const [i, b] of shown.entries()) expect(Math.abs(b.probability - (remote.top[i]?.prob as number))).toBeLessThanOrEqual(TOL);
    expect(remote.probs).toHaveLength(core.length);
    expect(Math.max(...core.map((p, i) => Math.abs(p - (remote.probs?.[i] as number))))).toBeLessThanOrEqual(TOL);

    // A trailing space is a token the bars answer for, and so does the API (core's normalizePrefix on both sides).
    await page.type('#prefix-input', ' ');
    const withSpace = encodePrefix(`${prefix} `, gru.manifest.text, vocab).ids;
    expect(withSpace).toHaveLength(ids.length + 1);
    await page.waitForSelector(`#next-bars[data-prefix-ids="${Array.from(withSpace).join(' ')}"]`);
    const after = coreNextProbs(gru, withSpace);
    const shownAfter = await bars(page);
    expect(shownAfter.map((b) => b.id)).toEqual(topIndices(after, 10));
    for (const b of shownAfter) expect(Math.abs(b.probability - (after[b.id] as number))).toBeLessThanOrEqual(TOL);
    const spaced = await postApi<NextAnswer>('/v1/models/gru-tiny/next', { text: `${prefix} `, topK: shownAfter.length, full: true });
    expect(spaced.input).toEqual({ tokens: withSpace.length, oov: 0 });
    expect(spaced.top.map((t) => t.id)).toEqual(shownAfter.map((b) => b.id));
    for (const [i, b] of shownAfter.entries()) expect(Math.abs(b.probability - (spaced.top[i]?.prob as number))).toBeLessThanOrEqual(TOL);
    expect(Math.max(...after.map((p, i) => Math.abs(p - (spaced.probs?.[i] as number))))).toBeLessThanOrEqual(TOL);
    // The space matters: the distribution after "the hat sat " is not the one after "the hat sat".
    expect(Math.max(...after.map((p, i) => Math.abs(p - (core[i] as number))))).toBeGreaterThan(1e-3);
    await shot(page, 'next-token-gru', '#next-view');
  });

  it('generates the text core generates for the same seed and sampling settings, never <unk>', async () => {
    const settings = { prompt: 'the hat sat ', temperature: 0.8, topK: 6, topP: 0.95, seed: 42, maxTokens: 48 };
    await page.fill('#prefix-input', settings.prompt);
    await page.fill('#gen-temperature', String(settings.temperature));
    await page.fill('#gen-topk', String(settings.topK));
    await page.fill('#gen-topp', String(settings.topP));
    await page.fill('#gen-seed', String(settings.seed));
    await page.fill('#gen-length', String(settings.maxTokens));
    await page.click('#gen-start');
    await page.waitForSelector(`#gen-output[data-state="done"][data-seed="${settings.seed}"]`);
    const generated = await page.getAttribute('#gen-output', 'data-generated');
    const shownIds = (await page.getAttribute('#gen-output', 'data-ids'))?.split(' ').map(Number);
    const vocab = Vocab.fromJSON(gru.manifest.vocab);
    const { ids } = encodePrefix(settings.prompt, gru.manifest.text, vocab);
    const coreIds = [...generateTokens(gru.rnn, ids, { ...settings, excludeIds: [UNK_ID] })];
    expect(coreIds).toHaveLength(settings.maxTokens);
    expect(shownIds).toEqual(coreIds);
    expect(coreIds).not.toContain(UNK_ID);
    expect(generated).toBe(vocab.decode(coreIds).join(''));
    expect(await page.getAttribute('#gen-output', 'data-finish')).toBe('length');

    // The edge API, given the same request, samples the same tokens.
    const { prompt, maxTokens, temperature, topK, topP, seed } = settings;
    const remote = await postApi<GenerateAnswer>('/v1/models/gru-tiny/generate', { prompt, maxTokens, temperature, topK, topP, seed });
    // Both sides keep the trailing space: "the hat sat " is 12 tokens, the last one the space.
    expect(remote.input).toEqual({ tokens: settings.prompt.length, oov: 0 });
    expect(ids).toHaveLength(settings.prompt.length);
    expect(remote.ids).toEqual(shownIds);
    expect(remote.text).toBe(generated);
    expect(remote.finishReason).toBe('length');
    await shot(page, 'generate', '#gen-view');
  });

  it('scores a text with the GRU and the n-gram side by side', async () => {
    const text = 'the hat is here and the sea is near';
    await page.fill('#score-text', text);
    await page.selectOption('#score-model-a', 'gru-tiny');
    await page.selectOption('#score-model-b', 'ngram-char3');
    await page.click('#score-run');
    await page.waitForSelector('#score-a[data-state="done"][data-perplexity]');
    await page.waitForSelector('#score-b[data-state="done"][data-perplexity]');
    const vocab = Vocab.fromJSON(gru.manifest.vocab);
    const ids = encodeText(text, gru.manifest.text, vocab).ids;
    const pplA = Number(await page.getAttribute('#score-a', 'data-perplexity'));
    expect(Math.abs(pplA / corePerplexity(gru, ids) - 1)).toBeLessThanOrEqual(TOL);
    expect(await page.getAttribute('#score-a', 'data-scored')).toBe(String(ids.length - 1));

    const ngram = siteNgram();
    const ngramIds = ngram.vocab.encode(encodeText(text, { tokenizer: 'char', normalization: 'd2l' }, ngram.vocab).tokens);
    const expected = scoreIds(ngram, ngramIds);
    const pplB = Number(await page.getAttribute('#score-b', 'data-perplexity'));
    expect(Math.abs(pplB / (expected.perplexity as number) - 1)).toBeLessThanOrEqual(1e-9);
    expect(await page.getAttribute('#score-b', 'data-scored')).toBe(String(expected.tokens));
    // One coloured cell per token, plus </s> for the n-gram.
    expect(await page.locator('#score-a .heat .tok').count()).toBe(ids.length);
    expect(await page.locator('#score-b .heat .tok').count()).toBe(ngramIds.length + 1);
    await shot(page, 'score', '#score-view');
  });

  it('switches to the n-gram model: bars equal core, corpus view plots Zipf', async () => {
    expect(await pickModel(page, 'ngram-char3')).toBe('ready');
    const ngram = siteNgram();
    const prefix = 'the time trav';
    const { ids } = encodePrefix(prefix, { tokenizer: 'char', normalization: 'd2l' }, ngram.vocab);
    await typePrefix(page, prefix, ids);
    const p = ngram.distribution([ngram.bos, ...ids]);
    const shown = await bars(page);
    expect(shown.map((b) => b.id)).toEqual(topIndices(p, 10));
    for (const b of shown) expect(Math.abs(b.probability - (p[b.id] as number))).toBeLessThanOrEqual(1e-12);
    expect(shown[0]?.token).toBe('e'); // "the time trav" → "e" in The Time Traveller
    await shot(page, 'next-token-ngram', '#next-view');
    await page.click('#corpus-details summary');
    await page.waitForSelector('#corpus-chart svg');
    expect(await page.locator('#corpus-facts li').count()).toBe(3);
    await shot(page, 'corpus', '#corpus-view');
  });

  it('serves a mixture like any model: bars equal core\'s Σ λ_i p_i of its components (1e-5)', async () => {
    expect(await pickModel(page, 'mix-tiny')).toBe('ready');
    const mix = await loadModel(join(fixturesDir, 'mix-tiny'), { readFile: async (path) => new Uint8Array(readFileSync(path)) });
    const prefix = 'the hat';
    const { ids } = mix.encodePrefix(prefix);
    await typePrefix(page, prefix, ids);
    const p = Array.from((await mix.nextLogProbs(ids)) as Float64Array, Math.exp);
    const shown = await bars(page);
    expect(shown.length).toBeGreaterThan(0);
    for (const b of shown) expect(Math.abs(b.probability - (p[b.id] as number))).toBeLessThanOrEqual(1e-5);
    expect(shown[0]?.id).toBe(p.indexOf(Math.max(...p)));
  });

  it('runs the time-series MLP: 1-step and 4-step predictions equal onnxruntime-node, MSE per k', async () => {
    expect(await pickModel(page, 'ts-mlp-tiny')).toBe('ready');
    expect(await page.isVisible('#views')).toBe(false);
    await page.waitForSelector('#series-view[data-state="done"][data-k="1"]');
    await page.selectOption('#series-k', '4');
    await page.waitForSelector('#series-view[data-state="done"][data-k="4"]');
    await page.waitForSelector('#series-chart svg');
    const attr = async (name: string) => (await page.getAttribute('#series-view', name)) ?? '';
    const numbers = (text: string) => text.split(' ').map(Number);
    const ref = await ortSeriesReference(join(fixturesDir, 'ts-mlp-tiny'), 4, 64);
    const maxDiff = (a: number[], b: Float32Array) => (a.length === b.length ? Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) : Infinity);

    const oneStep = numbers(await attr('data-one-step'));
    expect(oneStep).toHaveLength(ref.x.length - ref.tau);
    expect(maxDiff(oneStep, ref.oneStep)).toBeLessThanOrEqual(TOL);
    const kStep = numbers(await attr('data-k-step'));
    expect(Number(await attr('data-k-start'))).toBe(ref.tau + 3);
    expect(kStep).toHaveLength(ref.x.length - ref.tau - 64 + 1);
    expect(maxDiff(kStep, ref.kStep)).toBeLessThanOrEqual(TOL);
    // The shown 4-step MSE is the one of these predictions against x[τ + 3 + j].
    const start = ref.tau + 3;
    const expectedMse = kStep.reduce((s, v, j) => s + (v - ref.x[start + j]!) ** 2, 0) / kStep.length;
    expect(Math.abs(Number(await attr('data-mse')) / expectedMse - 1)).toBeLessThanOrEqual(1e-9);
    // ...and, on the regenerated series, the one TF.js measured when the model was trained.
    const recorded = JSON.parse(readFileSync(join(fixturesDir, 'ts-mlp-tiny', 'manifest.json'), 'utf8')).training.hyperparameters['mse.k4'] as number;
    expect(Math.abs(expectedMse / recorded - 1)).toBeLessThanOrEqual(1e-4);
    // 1-step train and held-out rows, then k = 1, 4, 16, 64; the selected one is marked.
    expect(await page.locator('#series-mse-body tr').count()).toBe(6);
    expect(await page.locator('#series-mse-body tr.selected').getAttribute('data-k')).toBe('4');
    await shot(page, 'time-series', '#series-view');
  });

  it('shows a clear message for a model whose file does not match its manifest', async () => {
    expect(await pickModel(page, 'gru-corrupt')).toBe('error');
    expect(await page.getAttribute('#model-error', 'data-code')).toBe('HASH_MISMATCH');
    expect(await page.textContent('#model-error')).toContain('does not match its manifest');
    expect(await page.isVisible('#views')).toBe(false);
    await shot(page, 'error-hash-mismatch', '#picker');
  });

  it('shows a clear message for an invalid manifest, and recovers on a good model', async () => {
    expect(await pickModel(page, 'gru-bad-manifest')).toBe('error');
    expect(await page.getAttribute('#model-error', 'data-code')).toBe('MANIFEST_INVALID');
    expect(await page.textContent('#model-error')).toContain('schemaVersion');
    await shot(page, 'error-bad-manifest', '#picker');
    expect(await pickModel(page, 'gru-tiny')).toBe('ready');
    expect(await page.isVisible('#model-error')).toBe(false);
  });

  it('says so when the browser has no WebAssembly', async () => {
    const p = await browser.newPage();
    await p.addInitScript(() => Reflect.deleteProperty(globalThis, 'WebAssembly'));
    await openModel(p, 'gru-tiny');
    expect(await p.getAttribute('#model-error', 'data-code')).toBe('UNSUPPORTED');
    expect(await p.textContent('#model-error')).toContain('WebAssembly');
    await p.close();
  });

  it('fits a phone-width screen', async () => {
    const p = await browser.newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await openModel(p, 'ngram-char3');
    await p.click('#score-run');
    await p.waitForSelector('#score-b[data-state="done"]');
    await p.click('#corpus-details summary');
    await p.waitForSelector('#corpus-chart svg');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(p, 'phone');
    await p.close();
  });

  it('fits the time-series view on a phone-width screen', async () => {
    const p = await browser.newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await openModel(p, 'ts-mlp-tiny');
    await p.waitForSelector('#series-view[data-state="done"] #series-chart svg');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(p, 'time-series-phone', '#series-view');
    await p.close();
  });

  it('keeps working offline once loaded, from a plain static host', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    await openModel(p, 'gru-tiny');
    await p.waitForSelector('body[data-offline="ready"]', { timeout: 20_000 });
    await context.setOffline(true);
    await p.reload();
    await p.waitForSelector('body[data-loaded="true"]');
    expect(await p.getAttribute('#model-status', 'data-state')).toBe('ready');
    expect(await p.getAttribute('#model-status', 'data-model')).toBe('gru-tiny');
    await p.fill('#prefix-input', 'the ');
    await p.waitForSelector('#next-bars[data-prefix-ids="2 6 5 1"]');
    await context.close();
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

function siteNgram(): NgramModel {
  const dir = join(site.root, 'models', 'ngram-char3');
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8')) as NgramManifest;
  return loadNgram(manifest, new Uint8Array(readFileSync(join(dir, 'model.ngram'))));
}
