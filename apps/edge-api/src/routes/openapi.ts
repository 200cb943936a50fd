import { GenerateDoneEvent, GenerateTokenEvent } from '../schemas.ts';
import type { App } from './shared.ts';

type OpenApiDocument = ReturnType<App['getOpenAPIDocument']>;

/**
 * GET /openapi.json: generated from the zod schemas the routes validate with
 * (registered before this runs). The document only changes with a deploy, so it
 * is built once per isolate: converting every schema costs milliseconds of CPU.
 */
export function openapiRoutes(app: App): void {
  // The payloads of a /generate stream are not a route's body; naming them puts them under components.
  app.openAPIRegistry.register('GenerateTokenEvent', GenerateTokenEvent);
  app.openAPIRegistry.register('GenerateDoneEvent', GenerateDoneEvent);
  let document: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => {
    document ??= app.getOpenAPIDocument({
      openapi: '3.0.3',
      info: {
        title: 'seqlm edge API',
        version: '1',
        description: [
          'Next-token distributions, generation and scoring for seqlm language models (ONNX RNN/GRU/LSTM and n-gram) on Cloudflare Workers.',
          'Every error is {error: {code, message, requestId}} (schema Error). A method a known path does not take is 405 with an Allow header; OPTIONS on an unknown path is 404.',
          'POST bodies must be Content-Type application/json, optionally with charset=utf-8 (415 otherwise).',
          'With stream: true, /generate answers text/event-stream: event: token (data: GenerateTokenEvent) per token, then event: done (data: GenerateDoneEvent); a failure after the first event is one event: error (data: Error).',
          "Under /openai/v1, OpenAI's legacy completions API (models, completions) for OpenAI's clients and evaluation harnesses: errors there are OpenAI's {error: {message, type, param, code}} (schema OpenAIError) with the same statuses, and a stream is data: CompletionChunk lines ending in data: [DONE].",
        ].join(' '),
      },
    });
    return c.json(document);
  });
}
