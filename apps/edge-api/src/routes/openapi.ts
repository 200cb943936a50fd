import type { App } from './shared.ts';

/** GET /openapi.json: generated from the zod schemas the routes validate with (registered before this runs). */
export function openapiRoutes(app: App): void {
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'seqlm edge API',
      version: '1',
      description:
        'Next-token distributions, generation and scoring for seqlm language models (ONNX RNN/GRU/LSTM and n-gram) on Cloudflare Workers. Every error is {error: {code, message, requestId}}; a wrong method on a known path is 405 with an Allow header.',
    },
  });
}
