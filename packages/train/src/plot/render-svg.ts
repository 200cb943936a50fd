import type { TopLevelSpec } from 'vega-lite';
import { SeqlmError } from '@seqlm/core/errors';

/**
 * Renders a Vega-Lite spec to an SVG string in Node: Vega-Lite compiles it to
 * Vega, and a headless Vega view (renderer `none`) writes SVG without a canvas
 * or network. Both libraries are imported on first use, as they are large.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vegaLite, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  let view: InstanceType<typeof vega.View> | undefined;
  try {
    view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    return await view.toSVG();
  } catch (error) {
    throw new SeqlmError('INVALID_ARGUMENT', `cannot render chart: ${(error as Error).message}`, undefined, { cause: error });
  } finally {
    view?.finalize();
  }
}
