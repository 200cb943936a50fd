import type { ChartSpec } from './chart-specs.ts';

type Embed = (typeof import('vega-embed'))['default'];
let embedPromise: Promise<Embed> | undefined;

/** Draws `spec` into `target` as SVG; Vega is fetched on the first chart, not with the page. */
export async function renderChart(target: HTMLElement, spec: ChartSpec, label: string): Promise<void> {
  embedPromise ??= import('vega-embed').then((m) => m.default);
  const embed = await embedPromise;
  target.setAttribute('role', 'img');
  target.setAttribute('aria-label', label);
  await embed(target, spec as never, { renderer: 'svg', actions: false, ast: false });
}
