/**
 * The playground in Chromium against the production build (the models
 * `npm start` trains; the test fixtures when none are trained yet) on the
 * static server `npm start` runs (precompressed brotli/gzip):
 *
 * - navigation to the first next-token bars, cold (fresh context: empty
 *   caches, no service worker) and warm (a reload with the service worker and
 *   its cache), and to the neural model ready;
 * - bytes sent by the server for one cold visit, everything the page loads
 *   until it is ready offline (the default models, onnxruntime, the chart code);
 * - the same cold visit on a simulated slow phone (1.6 Mbps down, 150 ms
 *   RTT, 4x CPU slowdown through the DevTools protocol; the service worker is
 *   blocked there so every download goes through the throttled page);
 * - a keystroke to updated bars.
 *
 * Times are taken inside the page (performance marks the app sets), so they
 * exclude the driver's round trips.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { chromiumArgs, chromiumPath, prepareSite, type Site } from '../e2e/site.ts';
import { serveStatic, type StaticServer } from '../scripts/static-server.ts';

const NAVIGATIONS = 5;
const TYPED = 'the time traveller for so it will be convenient';
const MB = 1e6;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

interface Visit {
  firstPrediction: number;
  allReady: number;
  bytes: number;
  requests: number;
}

const marks = () =>
  Object.fromEntries(['seqlm:first-prediction', 'seqlm:all-ready'].map((n) => [n, performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN]));

/** One visit in `context`: navigation until the page is ready offline; what the server sent meanwhile. */
async function visit(context: BrowserContext, server: StaticServer, url: string, offlineReady = true): Promise<Visit> {
  const page = context.pages()[0] ?? (await context.newPage());
  const start = server.log.length;
  await page.goto(url, { timeout: 300_000 });
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 300_000 });
  if (offlineReady) await page.waitForSelector('body[data-offline="ready"]', { timeout: 300_000 });
  const m = await page.evaluate(marks);
  const sent = server.log.slice(start);
  return { firstPrediction: m['seqlm:first-prediction']!, allReady: m['seqlm:all-ready']!, bytes: sent.reduce((s, e) => s + e.bytes, 0), requests: sent.length };
}

async function coldAndWarm(browser: Browser, server: StaticServer): Promise<{ cold: Visit[]; warm: Visit[] }> {
  const cold: Visit[] = [];
  const warm: Visit[] = [];
  for (let i = 0; i < NAVIGATIONS; i++) {
    const context = await browser.newContext();
    cold.push(await visit(context, server, server.url));
    warm.push(await visit(context, server, server.url, false));
    await context.close();
  }
  return { cold, warm };
}

async function slowPhone(browser: Browser, server: StaticServer): Promise<Visit> {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const result = await visit(context, server, server.url, false);
  await context.close();
  return result;
}

/** Per-keystroke latency from the input event to the bars in the DOM, typing one key every 40 ms. */
async function keystrokeLatency(browser: Browser, url: string): Promise<number[]> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-loaded="true"]');
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
  let site: Site = prepareSite({ models: 'production', compression: 'production' });
  let which = 'production build (models npm start trains)';
  if (site.modelIds.length === 0) {
    site.dispose();
    site = prepareSite({ compression: 'production' });
    which = 'test build (fixtures: run npm start once for the real models)';
  }
  const server = await serveStatic(site.root);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const rows: BenchRow[] = [];
  const models = site.modelIds.filter((id) => !id.startsWith('gru-corrupt') && !id.startsWith('gru-bad')).join(', ');
  try {
    const { cold, warm } = await coldAndWarm(browser, server);
    const note = `median of ${NAVIGATIONS}, localhost, ${which}: ${models}`;
    rows.push({
      name: 'playground cold: navigation to first prediction',
      value: quantile(cold.map((v) => v.firstPrediction), 0.5),
      unit: 'ms',
      goal: { op: '<=', value: 300 },
      note: `${note}; the n-gram answers before onnxruntime loads; max ${Math.max(...cold.map((v) => v.firstPrediction)).toFixed(0)} ms`,
    });
    rows.push({ name: 'playground cold: navigation to every model ready', value: quantile(cold.map((v) => v.allReady), 0.5), unit: 'ms', note: `${note}; the neural model has joined` });
    rows.push({ name: 'playground warm: navigation to first prediction', value: quantile(warm.map((v) => v.firstPrediction), 0.5), unit: 'ms', goal: { op: '<=', value: 300 }, note: `${note}; reload with the service worker's cache` });
    rows.push({ name: 'playground warm: navigation to every model ready', value: quantile(warm.map((v) => v.allReady), 0.5), unit: 'ms', note });
    rows.push({
      name: 'playground cold transfer',
      value: quantile(cold.map((v) => v.bytes), 0.5) / MB,
      unit: 'MB',
      goal: { op: '<=', value: 4.5 },
      note: `bytes of body the server sent for one visit until ready offline (${cold[0]!.requests} requests, each file once; brotli), MB = 10^6 bytes; warm reload sent ${(quantile(warm.map((v) => v.bytes), 0.5) / 1e3).toFixed(1)} kB`,
    });
    const slow = await slowPhone(browser, server);
    rows.push({ name: 'playground slow phone: navigation to first prediction', value: slow.firstPrediction, unit: 'ms', note: `1.6 Mbps, 150 ms RTT, 4x CPU, cold; ${(slow.bytes / MB).toFixed(2)} MB sent` });
    rows.push({ name: 'playground slow phone: navigation to every model ready', value: slow.allReady, unit: 'ms', note: 'the same visit: the neural model joined' });
    const latencies = await keystrokeLatency(browser, server.url);
    const note2 = `input event to top-10 bars written to the DOM, ${latencies.length} keystrokes, the model the page opens with; the paint follows in the same frame`;
    rows.push({ name: 'playground keystroke to bars, median', value: quantile(latencies, 0.5), unit: 'ms', goal: { op: '<=', value: 16 }, note: note2 });
    rows.push({ name: 'playground keystroke to bars, p95', value: quantile(latencies, 0.95), unit: 'ms', goal: { op: '<=', value: 16 } });
  } finally {
    await browser.close();
    await server.close();
    site.dispose();
  }
  return rows;
}
