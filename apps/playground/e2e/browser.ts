/** Page helpers shared by the browser tests: opening the playground, screenshots, axe-core. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifactsDir } from './site.ts';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Opens `url` and waits until the page has finished its arrival: models loaded (or failed), first generation done. */
export async function openPage(p: Page, url: string): Promise<void> {
  await p.goto(url);
  await p.waitForSelector('body[data-loaded="true"]');
}

/** A page in a fresh context of its own (kept in `contexts` to close), its uncaught errors collected in `errors`. */
export async function newPageIn(browser: Browser, contexts: BrowserContext[], errors: string[], options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(String(error)));
  return page;
}

export async function openModel(p: Page, siteUrl: string, id: string): Promise<void> {
  await openPage(p, `${siteUrl}?model=${id}`);
}

export async function shot(p: Page, name: string, selector?: string): Promise<void> {
  const path = join(artifactsDir, `${name}.png`);
  if (selector) await p.locator(selector).screenshot({ path });
  else await p.screenshot({ path, fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA rules on the page as it is now; one line per violation and node. */
export async function axeViolations(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in globalThis))) await p.addScriptTag({ content: axeSource });
  return p.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary ?? ''}`));
  });
}
