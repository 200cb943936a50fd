/**
 * The playground as a first-time visitor meets it (issue #14), in Chromium, on
 * the static server `npm start` runs (precompressed files, caching headers):
 * what the first screen shows, shareable seeded generation, what scoring says
 * about normalisation, dark mode, offline reloads and what crosses the network.
 * Screenshots at 1280×800 and 390×844 go to <repo>/test-artifacts/playground/.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { UNK_ID, Vocab, generateTokens } from '@seqlm/core';
import { encodePrefix } from '@seqlm/core/vocab';
import { describeNormalization } from '../src/ui/normalization-note.ts';
import { appDir, artifactsDir, chromiumArgs, chromiumPath, fixturesDir, prepareSite, repoRoot, type Site } from './site.ts';
import { serveStatic, type StaticServer } from '../scripts/static-server.ts';
import { DESKTOP, PHONE, axeViolations, newPageIn, openModel, openPage, shot } from './browser.ts';
import { referenceModel, type ReferenceModel } from './reference.ts';

let site: Site;
let production: Site;
let server: StaticServer;
let viteLike: StaticServer;
let productionServer: StaticServer;
let browser: Browser;
let gru: ReferenceModel;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const newPage = (options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> => newPageIn(browser, contexts, pageErrors, options);

const sizes = [
  { name: 'desktop', viewport: DESKTOP, options: {} },
  { name: 'phone', viewport: PHONE, options: { isMobile: true, hasTouch: true } },
];

/** The ids core's GRU samples for the page's settings (the page's sampling must be this, token for token). */
function coreIds(settings: { prompt: string; seed: number; temperature: number; maxTokens: number; topK?: number; topP?: number }): number[] {
  const vocab = Vocab.fromJSON(gru.manifest.vocab);
  const { ids } = encodePrefix(settings.prompt, gru.manifest.text, vocab);
  return [...generateTokens(gru.rnn, ids, { ...settings, excludeIds: [UNK_ID] })];
}

async function generated(p: Page): Promise<{ model: string; seed: number; ids: number[] }> {
  const attr = async (name: string) => (await p.getAttribute('#gen-output', name)) ?? '';
  return { model: await attr('data-model'), seed: Number(await attr('data-seed')), ids: (await attr('data-ids')).split(' ').map(Number) };
}

beforeAll(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  site = prepareSite();
  production = prepareSite({ models: 'production' });
  server = await serveStatic(site.root);
  // What `vite preview` does to every answer, and what broke offline reloads before.
  viteLike = await serveStatic(site.root, { varyOrigin: true });
  productionServer = await serveStatic(production.root);
  gru = await referenceModel(join(fixturesDir, 'gru-tiny'));
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  for (const s of [server, viteLike, productionServer]) await s?.close();
  site?.dispose();
  production?.dispose();
});

describe('what a visitor meets', () => {
  for (const { name, viewport, options } of sizes) {
    it(`opens on the text box with next-token bars and a generated text already shown (${name})`, async () => {
      const p = await newPage({ viewport, ...options });
      await openPage(p, server.url);
      const box = (await p.locator('#prefix-input').boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height / 2);
      // The bars start on the first screen and answer for the text in the box.
      const firstBar = (await p.locator('#next-bars li:not([hidden])').first().boundingBox())!;
      expect(firstBar.y).toBeLessThan(viewport.height);
      expect(await p.locator('#next-bars li:not([hidden])').count()).toBe(10);
      // The neural model took over from the n-gram, and generated without being asked.
      expect(await p.getAttribute('#model-status', 'data-model')).toBe('gru-tiny');
      const shown = await generated(p);
      expect(shown.model).toBe('gru-tiny');
      expect(shown.ids).toEqual(coreIds({ prompt: 'the time traveller', seed: shown.seed, temperature: 1, maxTokens: 100 }));
      // The manifest and the charts wait, collapsed, below.
      expect(await p.evaluate(() => document.querySelector<HTMLDetailsElement>('#model-details')!.open)).toBe(false);
      expect(await p.evaluate(() => document.querySelector<HTMLDetailsElement>('#corpus-details')!.open)).toBe(false);
      const details = (await p.locator('#model-details').boundingBox())!;
      expect(details.y).toBeGreaterThan(box.y);
      expect(await p.locator('.examples button').count()).toBeGreaterThanOrEqual(3);
      await p.screenshot({ path: join(artifactsDir, `arrival-${name}.png`) });
      await shot(p, `arrival-${name}-full`);
      expect(await axeViolations(p)).toEqual([]);
    });
  }

  it('fills the text box from an example prompt, with new bars and a new continuation', async () => {
    const p = await newPage();
    await openPage(p, server.url);
    await p.click('button.example[data-text="the machine"]');
    expect(await p.inputValue('#prefix-input')).toBe('the machine');
    const vocab = Vocab.fromJSON(gru.manifest.vocab);
    const { ids } = encodePrefix('the machine', gru.manifest.text, vocab);
    await p.waitForSelector(`#next-bars[data-prefix-ids="${Array.from(ids).join(' ')}"]`);
    await p.waitForFunction(() => document.querySelector('#gen-output .prompt')?.textContent === 'the machine' && document.querySelector<HTMLElement>('#gen-output')?.dataset.state === 'done');
    const shown = await generated(p);
    expect(shown.ids).toEqual(coreIds({ prompt: 'the machine', seed: shown.seed, temperature: 1, maxTokens: 100 }));
  });

  it('offers trained models only in the production build, and npm start trains each of them', async () => {
    const config = JSON.parse(readFileSync(join(appDir, 'models.config.json'), 'utf8')) as { models: { dir: string }[] };
    const trained = config.models.map((m) => basename(m.dir));
    expect(config.models.every((m) => !m.dir.includes('fixtures'))).toBe(true);
    const start = readFileSync(join(repoRoot, 'scripts', 'start.ts'), 'utf8');
    for (const id of trained) expect(start).toContain(`ensureModel('${id}'`);
    expect(trained).toContain('sine-mlp');

    const p = await newPage();
    await openPage(p, productionServer.url);
    const offered = await p.$$eval('#model-select option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(production.modelIds);
    for (const id of offered) expect(trained).toContain(id);
    if (offered.length === 0) {
      // A checkout where `npm start` has not trained anything yet.
      expect(await p.textContent('#model-status')).toContain('bundles no models');
      return;
    }
    if (offered.includes('sine-mlp')) {
      // D2L 9.1's model as `npm start` trains it, in the time-series view.
      await p.selectOption('#model-select', 'sine-mlp');
      await p.waitForSelector('#series-view[data-model="sine-mlp"][data-state="done"] #series-chart svg');
      const manifest = JSON.parse(readFileSync(join(production.root, 'models', 'sine-mlp', 'manifest.json'), 'utf8'));
      expect(Number(await p.getAttribute('#series-view', 'data-tau'))).toBe(manifest.architecture.tau);
      await shot(p, 'production-sine-desktop', '#series-view');
    }
  });
});

describe('generation you can share and reproduce', () => {
  it('draws a fresh seed per visit, shows it, and keeps every setting in the URL', async () => {
    const a = await newPage();
    const b = await newPage();
    await openPage(a, server.url);
    await openPage(b, server.url);
    const seedA = Number(await a.inputValue('#gen-seed'));
    const seedB = Number(await b.inputValue('#gen-seed'));
    for (const seed of [seedA, seedB]) expect(Number.isSafeInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    expect(seedA).not.toBe(seedB); // equal with probability 2^-32
    expect((await generated(a)).seed).toBe(seedA);
    const url = new URL(a.url());
    expect(url.searchParams.get('seed')).toBe(String(seedA));
    expect(url.searchParams.get('model')).toBe('gru-tiny');
    expect(url.searchParams.get('text')).toBe('the time traveller');
    expect(url.searchParams.get('temp')).toBe('1');
    expect(url.searchParams.get('len')).toBe('100');
  });

  it('re-rolls to a new seed and samples what core samples for it', async () => {
    const p = await newPage();
    await openPage(p, server.url);
    const before = Number(await p.inputValue('#gen-seed'));
    await p.click('#gen-reroll');
    await p.waitForFunction((old) => {
      const out = document.querySelector<HTMLElement>('#gen-output')!;
      return out.dataset.state === 'done' && out.dataset.seed !== String(old);
    }, before);
    const after = Number(await p.inputValue('#gen-seed'));
    expect(after).not.toBe(before);
    const shown = await generated(p);
    expect(shown.seed).toBe(after);
    expect(shown.ids).toEqual(coreIds({ prompt: 'the time traveller', seed: after, temperature: 1, maxTokens: 100 }));
    expect(new URL(p.url()).searchParams.get('seed')).toBe(String(after));
  });

  it('opens a shared link with its model, text and settings, and shows the same text', async () => {
    const first = await newPage();
    await openPage(first, server.url);
    await first.fill('#prefix-input', 'the sea ');
    await first.fill('#gen-temperature', '0.7');
    await first.fill('#gen-topk', '5');
    await first.fill('#gen-seed', '12345');
    await first.fill('#gen-length', '40');
    await first.click('#gen-start');
    await first.waitForSelector('#gen-output[data-state="done"][data-seed="12345"]');
    const original = await generated(first);
    const link = first.url();
    expect(Object.fromEntries(new URL(link).searchParams)).toMatchObject({ model: 'gru-tiny', text: 'the sea ', temp: '0.7', topk: '5', seed: '12345', len: '40' });

    const second = await newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    await openPage(second, link);
    expect(await second.inputValue('#prefix-input')).toBe('the sea ');
    expect(await second.inputValue('#gen-seed')).toBe('12345');
    expect(await second.inputValue('#gen-topk')).toBe('5');
    const reproduced = await generated(second);
    expect(reproduced).toEqual(original);
    expect(reproduced.ids).toEqual(coreIds({ prompt: 'the sea ', seed: 12345, temperature: 0.7, topK: 5, maxTokens: 40 }));
    expect(await second.textContent('#gen-meta')).toContain('seed 12345');
    await shot(first, 'shared-link-desktop', '#gen-view');
    await shot(second, 'shared-link-phone', '#gen-view');
  });
});

describe('scoring that explains itself', () => {
  const text = 'The Time (for so) it was!';

  async function scored(p: Page): Promise<void> {
    await openModel(p, server.url, 'gru-tiny');
    await p.fill('#score-text', text);
    await p.selectOption('#score-model-a', 'ngram-char3');
    await p.selectOption('#score-model-b', 'gru-tiny');
    await p.click('#score-run');
    await p.waitForSelector('#score-a[data-state="done"] .heat');
    await p.waitForSelector('#score-b[data-state="done"] .heat');
  }

  it('says what normalisation did, shows the colour scale, and gives every value to the keyboard', async () => {
    const p = await newPage();
    await scored(p);
    expect(await p.textContent('#score-a .normalisation')).toBe(describeNormalization(text, 'd2l'));
    expect(await p.textContent('#score-a .normalisation')).toContain('lower-cased 2 letters; dropped 3 characters: “(”, “)”, “!”');
    expect(await p.locator('#score-legend .swatch').count()).toBe(10);
    expect(await p.getAttribute('#score-legend', 'aria-label')).toContain('red');

    // One tab stop per text; the arrow keys walk the tokens and each one says its value.
    const tokens = p.locator('#score-a .tok');
    const count = await tokens.count();
    expect(await p.locator('#score-a .tok[tabindex="0"]').count()).toBe(1);
    await p.focus('#score-run');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.closest('#score-a') !== null && document.activeElement?.classList.contains('tok'))).toBe(true);
    for (let i = 0; i < 4; i++) await p.keyboard.press('ArrowRight');
    const focused = await p.evaluate(() => [...document.querySelectorAll('#score-a .tok')].indexOf(document.activeElement as Element));
    expect(focused).toBe(4);
    const bits = Number(await tokens.nth(4).getAttribute('data-bits'));
    expect(Number.isFinite(bits) && bits > 0).toBe(true);
    const detail = (await p.textContent('#score-a .token-detail')) ?? '';
    expect(detail).toContain(`Token 5, ${await tokens.nth(4).textContent()}: ${bits.toFixed(2)} bits`);
    expect(await tokens.nth(4).getAttribute('aria-label')).toBe(detail);
    await p.keyboard.press('End');
    expect(await p.evaluate(() => [...document.querySelectorAll('#score-a .tok')].indexOf(document.activeElement as Element))).toBe(count - 1);
    expect(await p.textContent('#score-a .token-detail')).toContain(`Token ${count}, </s>`);
    await shot(p, 'score-keyboard-desktop', '#score-view');
    expect(await axeViolations(p)).toEqual([]);
  });

  it('shows a token value on tap (phone)', async () => {
    const p = await newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    await scored(p);
    const token = p.locator('#score-b .tok').nth(2);
    await token.tap();
    expect(await token.getAttribute('aria-pressed')).toBe('true');
    expect(await p.textContent('#score-b .token-detail')).toBe(await token.getAttribute('aria-label'));
    expect(await p.textContent('#score-b .token-detail')).toMatch(/^Token 3, e: \d+\.\d\d bits, p = /);
    await shot(p, 'score-tap-phone', '#score-view');
  });

  for (const { name, viewport, options } of sizes) {
    it(`draws readable charts in dark mode (${name})`, async () => {
      const p = await newPage({ viewport, ...options, colorScheme: 'dark' });
      await openModel(p, server.url, 'ngram-char3');
      await p.click('#corpus-details summary');
      await p.click('#model-details summary');
      await p.waitForSelector('#corpus-chart svg');
      expect(await p.getAttribute('#corpus-chart', 'data-theme')).toBe('dark');
      // Axis labels light on the dark page, and no white box behind the plot.
      const look = await p.evaluate(() => {
        const luminance = (css: string) => {
          const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number);
          return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
        };
        const svg = document.querySelector('#corpus-chart svg')!;
        const labels = [...svg.querySelectorAll('text')].map((t) => luminance(getComputedStyle(t).fill));
        const backgrounds = [...svg.querySelectorAll('.background, rect.background, path.background')].map((r) => getComputedStyle(r).fill);
        return { labels, backgrounds, page: luminance(getComputedStyle(document.body).backgroundColor || 'rgb(0,0,0)') };
      });
      expect(look.labels.length).toBeGreaterThan(0);
      expect(Math.min(...look.labels)).toBeGreaterThan(0.55);
      for (const fill of look.backgrounds) expect(fill).not.toMatch(/^rgb\(255, 255, 255\)|^#fff|^white/);
      await p.click('#score-run');
      await p.waitForSelector('#score-b[data-state="done"] .heat');
      await p.screenshot({ path: join(artifactsDir, `dark-${name}.png`), fullPage: true });
      expect(await axeViolations(p)).toEqual([]);
    });
  }
});

describe('loading and offline', () => {
  for (const which of ['npm start', 'vite preview (Vary: Origin)'] as const) {
    it(`reloads offline, styled and working, from the ${which} server`, async () => {
      const url = which === 'npm start' ? server.url : viteLike.url;
      const p = await newPage();
      await openPage(p, `${url}?text=the%20`);
      await p.waitForSelector('body[data-offline="ready"]', { timeout: 20_000 });
      await p.context().setOffline(true);
      await p.reload();
      await p.waitForSelector('body[data-loaded="true"]');
      expect(await p.getAttribute('#model-status', 'data-state')).toBe('ready');
      expect(await p.getAttribute('#model-status', 'data-model')).toBe('gru-tiny');
      // Styled: the stylesheet came from the cache too.
      expect(await p.evaluate(() => getComputedStyle(document.querySelector('#prefix-input')!).fontFamily)).toContain('monospace');
      await p.fill('#prefix-input', 'the ');
      await p.waitForSelector('#next-bars[data-model="gru-tiny"][data-prefix-ids="2 6 5 1"]');
      if (which === 'npm start') await p.screenshot({ path: join(artifactsDir, 'offline-reload-desktop.png') });
      // A link with other settings opens offline as well.
      await p.goto(`${url}?model=ngram-char3&seed=7`);
      await p.waitForSelector('body[data-loaded="true"]');
      expect(await p.getAttribute('#gen-output', 'data-seed')).toBe('7');
      await p.context().setOffline(false);
    });
  }

  it('answers with the n-gram first, the GRU joining when its wasm and weights are in, with byte progress', async () => {
    const p = await newPage();
    await p.addInitScript(() => {
      const seen: { ready: string[]; progress: Record<string, string[]>; firstBars: string | null } = { ready: [], progress: {}, firstBars: null };
      (globalThis as unknown as { seen: typeof seen }).seen = seen;
      new MutationObserver((records) => {
        for (const r of records) {
          const t = r.target as HTMLElement;
          if (t.id === 'model-status' && t.dataset.state === 'ready' && seen.ready.at(-1) !== t.dataset.model) seen.ready.push(t.dataset.model ?? '');
          if (t.classList?.contains('progress-row') && r.attributeName === 'data-loaded') (seen.progress[t.dataset.key ?? ''] ??= []).push(t.dataset.loaded ?? '');
          if (t.id === 'next-bars' && r.attributeName === 'data-updates' && seen.firstBars === null) seen.firstBars = t.dataset.model ?? '';
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state', 'data-model', 'data-loaded', 'data-updates'] });
    });
    const start = server.log.length;
    await openPage(p, server.url);
    await p.waitForSelector('body[data-offline="ready"]', { timeout: 20_000 });
    const seen = await p.evaluate(() => (globalThis as unknown as { seen: { ready: string[]; progress: Record<string, string[]>; firstBars: string } }).seen);
    expect(seen.ready).toEqual(['ngram-char3', 'gru-tiny']);
    expect(seen.firstBars).toBe('ngram-char3');
    const marks = await p.evaluate(() => Object.fromEntries(['seqlm:first-prediction', 'seqlm:all-ready'].map((n) => [n, performance.getEntriesByName(n)[0]?.startTime ?? -1])));
    expect(marks['seqlm:first-prediction']).toBeGreaterThan(0);
    expect(marks['seqlm:first-prediction']).toBeLessThan(marks['seqlm:all-ready']!);

    // The wasm's bar counted up to the file's real size, through values in between.
    const wasmBytes = statSync(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')).size;
    const wasm = seen.progress.wasm!.map(Number);
    expect(wasm.at(-1)).toBe(wasmBytes);
    expect(wasm.some((v) => v > 0 && v < wasmBytes)).toBe(true);
    const onnxBytes = statSync(join(fixturesDir, 'gru-tiny', 'model.onnx')).size;
    expect(Math.max(...seen.progress['gru-tiny']!.map(Number))).toBeGreaterThanOrEqual(onnxBytes);
    expect(await p.isHidden('#load-progress')).toBe(true);

    // Each file crossed the network once, compressed where it could be.
    const visit = server.log.slice(start);
    const counts = new Map<string, number>();
    for (const entry of visit) counts.set(entry.path, (counts.get(entry.path) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(visit.every((e) => e.status === 200)).toBe(true);
    const wasmEntry = visit.find((e) => e.path.endsWith('.wasm'))!;
    expect(wasmEntry.encoding).toBe('br');
    expect(wasmEntry.bytes).toBeLessThan(wasmBytes / 4);
    // Scripts go out as brotli, but for those too small to gain from it (precompress.ts skips files under 1 KB).
    expect(visit.filter((e) => e.path.endsWith('.js') && e.encoding !== 'br' && e.bytes >= 1024)).toEqual([]);
  });
});

describe('download progress', () => {
  for (const { name, viewport, options } of sizes) {
    it(`shows the wasm and the GRU arriving, in bytes, while the n-gram already answers (${name}, 8 Mbps)`, async () => {
      // No service worker: its downloads would not be throttled with the page's.
      const p = await newPage({ viewport, ...options, serviceWorkers: 'block' });
      const cdp = await p.context().newCDPSession(p);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 1e6, uploadThroughput: 1e6 });
      await p.goto(server.url);
      await p.waitForSelector('.progress-row[data-key="wasm"]:not([data-done])');
      await p.waitForFunction(() => Number(document.querySelector<HTMLElement>('.progress-row[data-key="wasm"]')?.dataset.loaded) > 0);
      // The n-gram is answering while the neural model downloads.
      expect(await p.getAttribute('#next-bars', 'data-model')).toBe('ngram-char3');
      expect(await p.locator('#next-bars li:not([hidden])').count()).toBe(10);
      expect(await p.textContent('#model-status')).toBe('Loading gru-tiny… ngram-char3 answers meanwhile.');
      const row = p.locator('.progress-row[data-key="wasm"]');
      expect(await row.locator('label').textContent()).toBe('onnxruntime (WebAssembly)');
      expect(await row.locator('.bytes').textContent()).toMatch(/^[\d.]+ (B|KB|MB) of 13\.6 MB$/);
      await p.screenshot({ path: join(artifactsDir, `progress-${name}.png`) });
      await p.waitForSelector('body[data-loaded="true"]', { timeout: 60_000 });
      expect(await p.isHidden('#load-progress')).toBe(true);
    });
  }
});

describe('the page', () => {
  it('raised no uncaught errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
