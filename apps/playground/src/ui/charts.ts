import type { ChartSpec } from './chart-specs.ts';

type Embed = (typeof import('vega-embed'))['default'];
let embedPromise: Promise<Embed> | undefined;

/** Whether the reader asked for a dark page; the charts follow it (vega-embed's "dark" theme on a transparent background). */
export function prefersDark(): boolean {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** Draws `spec` into `target` as SVG; Vega is fetched on the first chart, not with the page. */
export async function renderChart(target: HTMLElement, spec: ChartSpec, label: string): Promise<void> {
  embedPromise ??= import('vega-embed').then((m) => m.default);
  const embed = await embedPromise;
  target.setAttribute('role', 'img');
  target.setAttribute('aria-label', label);
  const dark = prefersDark();
  target.dataset.theme = dark ? 'dark' : 'light';
  const themed = { ...spec, background: 'transparent' };
  await embed(target, themed as never, { renderer: 'svg', actions: false, ast: false, ...(dark ? { theme: 'dark' as const } : {}) });
}
