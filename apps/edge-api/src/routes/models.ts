import { createRoute } from '@hono/zod-openapi';
import { MAX_MODEL_ID_CHARS } from '../limits.ts';
import { summarize } from '../models/summary.ts';
import { ModelList, ModelParams, ModelSummary } from '../schemas.ts';
import { METHOD_NOT_ALLOWED, MODEL_ERRORS, errorContent, type App, type RouteDeps } from './shared.ts';

const list = createRoute({
  method: 'get',
  path: '/v1/models',
  summary: 'Every served model: kind, tokenizer, vocabulary size, dimensions, training metrics',
  responses: { 200: { description: 'The served models', content: { 'application/json': { schema: ModelList } } }, 405: METHOD_NOT_ALLOWED },
});

const one = createRoute({
  method: 'get',
  path: '/v1/models/{id}',
  summary: "One model's manifest summary",
  request: { params: ModelParams },
  responses: {
    200: { description: 'The model', content: { 'application/json': { schema: ModelSummary } } },
    400: { description: `The id is longer than ${MAX_MODEL_ID_CHARS} characters`, content: errorContent },
    404: MODEL_ERRORS[404],
    405: METHOD_NOT_ALLOWED,
    503: MODEL_ERRORS[503],
  },
});

export function modelRoutes(app: App, { registry }: RouteDeps): void {
  app.openapi(list, (c) => c.json({ models: registry.ids().map((id) => summarize(id, registry.manifest(id))) }, 200));
  app.openapi(one, (c) => {
    const { id } = c.req.valid('param');
    return c.json(summarize(id, registry.manifest(id)), 200);
  });
}
