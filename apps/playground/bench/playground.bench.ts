/**
 * The playground in Chromium against the built site on a local static server:
 * navigation to the first model ready, and a keystroke to updated next-token
 * bars. Both figures are taken inside the page (performance marks the app
 * sets), so they exclude the test driver's round trips.
 */
import { chromium, type Browser } from 'playwright-core';
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { chromiumArgs, chromiumPath, prepareSite } from '../e2e/site.ts';
import { serveStatic } from '../scripts/static-server.ts';

const NAVIGATIONS = 5;
const TYPED = 'the time traveller for so it will be convenient';

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Milliseconds from navigation start to the `seqlm:model-ready` mark, over fresh contexts (empty caches). */
async function timeToReady(browser: Browser, url: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < NAVIGATIONS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('#model-status[data-state="ready"]');
    times.push(await page.evaluate(() => performance.getEntriesByName('seqlm:model-ready')[0]?.startTime ?? Number.NaN));
    await context.close();
  }
  return times;
}

/** Per-keystroke latency from the input event to the bars in the DOM, typing one key every 40 ms. */
async function keystrokeLatency(browser: Browser, url: string): Promise<number[]> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('#model-status[data-state="ready"]');
  await page.fill('#prefix-input', '');
  await page.evaluate(() => performance.clearMeasures('seqlm:keystroke-to-bars'));
  await page.focus('#prefix-input');
  await page.keyboard.type(TYPED, { delay: 40 });
  await page.waitForFunction((n) => performance.getEntriesByName('seqlm:keystroke-to-bars').length >= n, TYPED.length);
  const latencies = await page.evaluate(() => performance.getEntriesByName('seqlm:keystroke-to-bars').map((e) => e.duration));
  await page.close();
  return latencies;
}

export default async function bench(): Promise<BenchRow[]> {
  const site = prepareSite();
  const server = await serveStatic(site.root);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const rows: BenchRow[] = [];
  try {
    const models = site.modelIds.filter((id) => id === 'gru-tiny' || id === 'ngram-char3' || id.startsWith('tm-'));
    for (const id of models) {
      const url = `${server.url}?model=${id}`;
      const ready = await timeToReady(browser, url);
      rows.push({
        name: `playground navigation to model ready (${id})`,
        value: quantile(ready, 0.5),
        unit: 'ms',
        goal: { op: '<=', value: 1500 },
        note: `median of ${NAVIGATIONS} fresh contexts, localhost static server; max ${Math.max(...ready).toFixed(0)} ms`,
      });
      const latencies = await keystrokeLatency(browser, url);
      rows.push({
        name: `playground keystroke to bars, median (${id})`,
        value: quantile(latencies, 0.5),
        unit: 'ms',
        goal: { op: '<=', value: 16 },
        note: `input event to top-10 bars written to the DOM, ${latencies.length} keystrokes; the paint follows in the same frame`,
      });
      rows.push({ name: `playground keystroke to bars, p95 (${id})`, value: quantile(latencies, 0.95), unit: 'ms', goal: { op: '<=', value: 16 } });
    }
  } finally {
    await browser.close();
    await server.close();
    site.dispose();
  }
  return rows;
}
