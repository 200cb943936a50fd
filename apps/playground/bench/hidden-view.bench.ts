/**
 * The "Inside the RNN" view in Chromium (production build when `npm start`
 * has trained its models, else the test fixtures), timed inside the page by
 * the `seqlm:hidden-view` measure the view records around each render:
 *
 * - a text edit: the graph runs over the whole text (its `hidden` output),
 *   every unit is correlated with the feature, and the text is redrawn;
 * - a unit switch: the same states recoloured (no model run).
 */
import { chromium, type Page } from 'playwright-core';
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { chromiumArgs, chromiumPath, prepareSite, type Site } from '../e2e/site.ts';
import { serveStatic } from '../scripts/static-server.ts';

const RENDERS = 30;
/** The first paragraph of The Time Machine, as the view would be given it (about 300 characters). */
const TEXT =
  'the time traveller for so it will be convenient to speak of him was expounding a recondite matter to us his grey eyes shone and twinkled and his usually pale face was flushed and animated the fire burned brightly and the soft radiance of the incandescent lights in the lilies of silver caught the bubbles';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Runs `change` and waits for the view's next render; returns its duration. */
async function timedRender(page: Page, change: () => Promise<void>): Promise<number> {
  const before = await page.evaluate(() => performance.getEntriesByName('seqlm:hidden-view').length);
  await change();
  await page.waitForFunction((n) => performance.getEntriesByName('seqlm:hidden-view').length > n && document.querySelector<HTMLElement>('#inside-view')?.dataset.state === 'done', before);
  return page.evaluate(() => performance.getEntriesByName('seqlm:hidden-view').at(-1)!.duration);
}

export default async function bench(): Promise<BenchRow[]> {
  let site: Site = prepareSite({ models: 'production', compression: 'none' });
  let which = 'production build';
  if (site.modelIds.length === 0) {
    site.dispose();
    site = prepareSite({ compression: 'none' });
    which = 'test build (fixtures: run npm start once for the real models)';
  }
  const server = await serveStatic(site.root);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 300_000 });
    await page.fill('#inside-text', TEXT);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#inside-view')?.dataset.state === 'done');
    const error = await page.getAttribute('#inside-error', 'data-code');
    if (error !== null) throw new Error(`the hidden-state view shows ${error}: ${await page.textContent('#inside-error')}`);
    const model = (await page.getAttribute('#inside-view', 'data-model')) ?? '?';
    const H = Number(await page.getAttribute('#inside-unit', 'max')) + 1;
    const edits: number[] = [];
    for (let i = 0; i < RENDERS; i++) {
      // Alternately add and remove a letter at the caret (the end, after fill): the text stays about the same length.
      edits.push(await timedRender(page, () => page.locator('#inside-text').press(i % 2 === 0 ? 'e' : 'Backspace')));
    }
    const units: number[] = [];
    for (let i = 0; i < RENDERS; i++) {
      units.push(
        await timedRender(page, () =>
          page.evaluate((u) => {
            const input = document.querySelector<HTMLInputElement>('#inside-unit')!;
            input.value = String(u);
            input.dispatchEvent(new Event('change'));
          }, (i * 7) % H),
        ),
      );
    }
    const steps = await page.getAttribute('#inside-view', 'data-steps');
    const note = `median of ${RENDERS}, ${which}: ${model} (H = ${H}), ${steps} characters`;
    return [
      { name: 'playground hidden-state view: text edit to coloured text', value: median(edits), unit: 'ms', goal: { op: '<=', value: 16 }, note: `${note}; the graph's hidden output over the whole text, ${H} correlations, DOM; max ${Math.max(...edits).toFixed(1)} ms` },
      { name: 'playground hidden-state view: unit switch', value: median(units), unit: 'ms', goal: { op: '<=', value: 16 }, note: `${note}; states reused, recoloured` },
    ];
  } finally {
    await browser.close();
    await server.close();
    site.dispose();
  }
}
