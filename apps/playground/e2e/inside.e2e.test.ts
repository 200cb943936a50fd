/**
 * Showing the model, not just its output (issue #14, items 5–7), in Chromium:
 * generated text coloured by probability with the alternatives of each step,
 * the RNN's hidden units over a text, and two models' next-token bars side by
 * side. Every number the page shows is checked against @seqlm/core computing
 * the same thing in Node. Screenshots at 1280×800 and 390×844 go to
 * <repo>/test-artifacts/playground/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadModel, type LanguageModel } from '@seqlm/core/lm';
import { softmax, topIndices } from '@seqlm/core/sampling';
import { rankUnits, TOKEN_FEATURES } from '../src/models/unit-features.ts';
import { TOP_ALTERNATIVES } from '../src/ui/generate.ts';
import { artifactsDir, chromiumArgs, chromiumPath, prepareSite, type Site } from './site.ts';
import { serveStatic, type StaticServer } from '../scripts/static-server.ts';
import { DESKTOP, PHONE, axeViolations, newPageIn, openPage, shot } from './browser.ts';

let site: Site;
let server: StaticServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
/** The page's models computed by core in Node (neural ones on core's own forward pass). */
const core = new Map<string, LanguageModel>();

const readDisk = async (location: string) => new Uint8Array(readFileSync(location));
async function coreModel(id: string): Promise<LanguageModel> {
  let model = core.get(id);
  if (model === undefined) {
    model = await loadModel(join(site.root, 'models', id), { readFile: readDisk, id });
    core.set(id, model);
  }
  return model;
}

const newPage = (options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> => newPageIn(browser, contexts, pageErrors, options);

const sizes = [
  { name: 'desktop', viewport: DESKTOP, options: {} },
  { name: 'phone', viewport: PHONE, options: { isMobile: true, hasTouch: true } },
];

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

/** Rows of a bar list as the page wrote them. */
async function rowsOf(p: Page, selector: string): Promise<{ id: number; probability: number }[]> {
  return p.$$eval(`${selector} li:not([hidden])`, (rows) => rows.map((r) => ({ id: Number(r.getAttribute('data-id')), probability: Number(r.getAttribute('data-probability')) })));
}

/** core's `k` most likely next tokens after `ids` under model `id`, with their probabilities. */
async function coreTop(id: string, ids: ArrayLike<number>, k: number): Promise<{ id: number; probability: number }[]> {
  const p = softmax(await (await coreModel(id)).nextLogProbs(ids));
  return topIndices(p, k).map((i) => ({ id: i, probability: p[i] as number }));
}

function expectSameBars(got: { id: number; probability: number }[], want: { id: number; probability: number }[]): void {
  expect(got.map((r) => r.id)).toEqual(want.map((r) => r.id));
  expect(maxAbsDiff(got.map((r) => r.probability), want.map((r) => r.probability))).toBeLessThan(1e-5);
}

beforeAll(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  site = prepareSite();
  server = await serveStatic(site.root);
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  site?.dispose();
});

describe('generated text coloured by probability, with the alternatives of each step', () => {
  const prompt = 'the time traveller';
  const link = () => `${server.url}?model=gru-tiny&seed=4242&len=40&text=${encodeURIComponent(prompt)}`;

  /** The page's alternatives for generated token `index` against core's distribution at that step. */
  async function checkStep(p: Page, index: number): Promise<void> {
    await p.waitForSelector(`#gen-detail[data-index="${index}"] li`);
    const ids = (await p.getAttribute('#gen-output', 'data-ids'))!.split(' ').map(Number);
    const gru = await coreModel('gru-tiny');
    const context = [...gru.encodePrefix(prompt).ids, ...ids.slice(0, index)];
    expectSameBars(await rowsOf(p, '#gen-detail'), await coreTop('gru-tiny', context, TOP_ALTERNATIVES));
    // The colour is the drawn token's probability there.
    const logProb = Number(await p.getAttribute(`#gen-output .tok[data-index="${index}"]`, 'data-log-prob'));
    const want = (await gru.nextLogProbs(context))[ids[index]!]!;
    expect(Math.abs(logProb - want)).toBeLessThan(1e-5);
    expect(await p.getAttribute(`#gen-output .tok[data-index="${index}"]`, 'aria-pressed')).toBe('true');
  }

  it('shows them on hover and on keyboard focus (desktop), equal to core\'s distribution at that step', async () => {
    const p = await newPage();
    await openPage(p, link());
    expect(await p.getAttribute('#gen-output', 'data-seed')).toBe('4242');
    const tokens = p.locator('#gen-output .tok');
    expect(await tokens.count()).toBe(40);
    // Coloured: every token has a background from the surprisal scale, and one tab stop for all of them.
    const backgrounds = await tokens.evaluateAll((els) => els.map((e) => (e as HTMLElement).style.background));
    expect(backgrounds.every((b) => b.startsWith('rgb') || b.startsWith('hsl'))).toBe(true);
    expect(new Set(backgrounds).size).toBeGreaterThan(1);
    expect(await p.locator('#gen-output .tok[tabindex="0"]').count()).toBe(1);
    expect(await p.locator('#gen-legend .swatch').count()).toBe(10);

    await tokens.nth(7).hover();
    await checkStep(p, 7);
    await p.screenshot({ path: join(artifactsDir, 'generate-alternatives-desktop.png') });
    await shot(p, 'generate-alternatives-desktop-view', '#gen-view');

    // The text is the next tab stop after the last setting.
    await p.focus('#gen-length');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.classList.contains('tok') && document.activeElement.closest('#gen-output') !== null)).toBe(true);
    await checkStep(p, 0);
    for (let i = 0; i < 12; i++) await p.keyboard.press('ArrowRight');
    await checkStep(p, 12);
    await p.keyboard.press('End');
    await checkStep(p, 39);
    expect(await axeViolations(p)).toEqual([]);
  });

  it('shows them on tap (phone)', async () => {
    const p = await newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    await openPage(p, link());
    await p.locator('#gen-output .tok').nth(20).tap();
    await checkStep(p, 20);
    await p.screenshot({ path: join(artifactsDir, 'generate-alternatives-phone.png') });
    await shot(p, 'generate-alternatives-phone-view', '#gen-view');
    expect(await axeViolations(p)).toEqual([]);
  });
});

describe('inside the RNN: hidden units over a text', () => {
  const text = 'the sandy rat ate the hay then the rats sat on the sand';

  /** The page's view after it rendered `text` with `model`. */
  async function rendered(p: Page, model: string): Promise<void> {
    await p.waitForFunction(
      ([m, t]) => {
        const s = document.querySelector<HTMLElement>('#inside-view')!;
        return s.dataset.state === 'done' && s.dataset.model === m && (document.querySelector<HTMLTextAreaElement>('#inside-text')!.value === t);
      },
      [model, text] as const,
    );
  }

  async function checkAgainstCore(p: Page, model: string, featureId: string): Promise<void> {
    const lm = await coreModel(model);
    const { ids, tokens } = lm.encode(text);
    const hidden = await lm.hiddenStates(ids); // core's forward pass (RnnLm)
    expect(await p.getAttribute('#inside-view', 'data-steps')).toBe(String(ids.length));
    // The units listed are those core's states rank first for the feature.
    const ranked = rankUnits(hidden, TOKEN_FEATURES.find((f) => f.id === featureId)!.values(tokens)!, 5);
    const listed = await p.$$eval('#inside-units li', (lis) => lis.map((li) => ({ unit: Number(li.getAttribute('data-unit')), r: Number(li.getAttribute('data-r')) })));
    expect(listed.map((u) => u.unit)).toEqual(ranked.map((u) => u.unit));
    expect(maxAbsDiff(listed.map((u) => u.r), ranked.map((u) => u.r))).toBeLessThan(1e-4);
    // The colours: the chosen unit's h_t from the ONNX graph in the browser, equal to core's to 1e-5.
    const unit = Number(await p.getAttribute('#inside-view', 'data-unit'));
    const shown = await p.$$eval('#inside-text-view .tok', (els) => els.map((e) => Number(e.getAttribute('data-activation'))));
    const want = Array.from({ length: hidden.steps }, (_, t) => hidden.data[t * hidden.size + unit]!);
    expect(maxAbsDiff(shown, want)).toBeLessThan(1e-5);
  }

  it('colours the text by the unit that follows a feature most, equal to core\'s forward pass (desktop)', async () => {
    const p = await newPage();
    await openPage(p, server.url);
    await p.fill('#inside-text', text);
    await p.selectOption('#inside-feature', 'word-end');
    await rendered(p, 'gru-tiny');
    await checkAgainstCore(p, 'gru-tiny', 'word-end');
    // The first listed unit is the one shown; pick the second.
    const second = Number(await p.getAttribute('#inside-units li:nth-child(2)', 'data-unit'));
    await p.click('#inside-units li:nth-child(2) button');
    await p.waitForSelector(`#inside-view[data-unit="${second}"][data-state="done"]`);
    expect(await p.getAttribute('#inside-units li:nth-child(2) button', 'aria-pressed')).toBe('true');
    await checkAgainstCore(p, 'gru-tiny', 'word-end');
    // Keyboard: one tab stop for the text; the arrow keys read each value.
    await p.focus('#inside-text-view .tok[tabindex="0"]');
    await p.keyboard.press('ArrowRight');
    expect(await p.textContent('#inside-detail')).toMatch(new RegExp(`^Character 2, h: unit ${second} = [+−]\\d\\.\\d{3}$`));
    await p.screenshot({ path: join(artifactsDir, 'inside-desktop.png') });
    await shot(p, 'inside-desktop-view', '#inside-view');

    // An LSTM too, with another feature.
    await p.selectOption('#inside-model', 'lstm-tiny');
    await p.selectOption('#inside-feature', 'word-position');
    await rendered(p, 'lstm-tiny');
    await p.waitForSelector('#inside-view[data-feature="word-position"][data-state="done"]');
    await checkAgainstCore(p, 'lstm-tiny', 'word-position');
    expect(await axeViolations(p)).toEqual([]);
  });

  it('says a model exported before the hidden-states output must be exported again', async () => {
    const p = await newPage();
    await openPage(p, server.url);
    await p.selectOption('#inside-model', 'gru-old-export');
    await p.waitForSelector('#inside-view[data-model="gru-old-export"][data-state="done"]');
    expect(await p.getAttribute('#inside-error', 'data-code')).toBe('UNSUPPORTED');
    expect(await p.textContent('#inside-error')).toContain('export it again');
    expect(await p.locator('#inside-text-view .tok').count()).toBe(0);
    // The same model still predicts: only the look inside needs the new output.
    await p.selectOption('#model-select', 'gru-old-export');
    await p.waitForSelector('#model-status[data-model="gru-old-export"][data-state="ready"]');
    await shot(p, 'inside-old-export-desktop', '#inside-view');
  });

  it('reads a value on tap (phone)', async () => {
    const p = await newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    await openPage(p, server.url);
    await p.fill('#inside-text', text);
    await rendered(p, 'gru-tiny');
    const token = p.locator('#inside-text-view .tok').nth(4);
    await token.tap();
    expect(await token.getAttribute('aria-pressed')).toBe('true');
    expect(await p.textContent('#inside-detail')).toBe(await token.getAttribute('aria-label'));
    await checkAgainstCore(p, 'gru-tiny', 'word-end');
    await p.screenshot({ path: join(artifactsDir, 'inside-phone.png') });
    await shot(p, 'inside-phone-view', '#inside-view');
    expect(await axeViolations(p)).toEqual([]);
  });
});

describe('two models side by side', () => {
  for (const { name, viewport, options } of sizes) {
    it(`shows an n-gram's and a GRU's next-token bars for one prefix, then a mixture's, each equal to core (${name})`, async () => {
      const p = await newPage({ viewport, ...options });
      await openPage(p, server.url);
      expect(await p.inputValue('#compare-model-a')).toBe('ngram-char3');
      expect(await p.inputValue('#compare-model-b')).toBe('gru-tiny');
      const prefix = 'the tim';
      await p.fill('#prefix-input', prefix);
      const check = async (side: 'a' | 'b', model: string) => {
        const ids = Array.from((await coreModel(model)).encodePrefix(prefix).ids);
        await p.waitForSelector(`#compare-bars-${side}[data-model="${model}"][data-prefix-ids="${ids.join(' ')}"]`);
        expectSameBars(await rowsOf(p, `#compare-bars-${side}`), await coreTop(model, ids, 10));
      };
      await check('a', 'ngram-char3');
      await check('b', 'gru-tiny');
      await p.selectOption('#compare-model-b', 'mix-tiny');
      await check('b', 'mix-tiny');
      // Typing moves both.
      await p.type('#prefix-input', 'e');
      const more = 'the time';
      const ids = Array.from((await coreModel('ngram-char3')).encodePrefix(more).ids);
      await p.waitForSelector(`#compare-bars-a[data-prefix-ids="${ids.join(' ')}"]`);
      expectSameBars(await rowsOf(p, '#compare-bars-a'), await coreTop('ngram-char3', ids, 10));
      await p.screenshot({ path: join(artifactsDir, `compare-${name}.png`) });
      await shot(p, `compare-${name}-view`, '#compare-view');
      expect(await axeViolations(p)).toEqual([]);
    });
  }
});

describe('what the lower views cost a visit', () => {
  it('fills them at once beside a neural model, but an n-gram visit downloads no wasm until the reader scrolls to them', async () => {
    const p = await newPage();
    const from = server.log.length;
    await openPage(p, `${server.url}?model=ngram-char3`);
    // Everything the page does on its own is done once it is ready offline.
    await p.waitForSelector('body[data-offline="ready"]');
    expect(server.log.slice(from).filter((e) => e.path.endsWith('.wasm') || e.path.endsWith('.onnx'))).toEqual([]);
    expect(await p.getAttribute('#inside-view', 'data-state')).toBeNull();
    await p.locator('#inside-view').scrollIntoViewIfNeeded();
    await p.waitForSelector('#inside-view[data-model="gru-tiny"][data-state="done"] #inside-text-view .tok');
    await p.waitForSelector('#compare-bars-b[data-model="gru-tiny"]');
    expect(server.log.slice(from).some((e) => e.path.endsWith('.wasm'))).toBe(true);
  });
});

describe('the page', () => {
  it('raised no uncaught errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
