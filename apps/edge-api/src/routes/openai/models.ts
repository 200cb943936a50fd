import { createRoute, type z } from '@hono/zod-openapi';
import type { LanguageModel } from '@seqlm/core/lm';
import { ApiError } from '../../errors.ts';
import type { ModelRegistry } from '../../models/registry.ts';
import type { ServableManifest } from '../../models/source.ts';
import type { App } from '../shared.ts';
import { OpenAIRequestError } from './errors.ts';
import { OPENAI_ERRORS, openaiErrorContent, openaiValidationHook } from './responses.ts';
import { OpenAIModel, OpenAIModelList, OpenAIModelParams } from './schemas.ts';

/** An unknown model in OpenAI's words (404, param `model`), pointing at the compatible listing. */
function openaiNotFound(error: unknown, id: string): unknown {
  if (error instanceof ApiError && error.code === 'MODEL_NOT_FOUND') {
    return new OpenAIRequestError('MODEL_NOT_FOUND', `The model \`${id}\` does not exist; GET /openai/v1/models lists them`, 'model');
  }
  return error;
}

export function manifestOf(registry: ModelRegistry, id: string): ServableManifest {
  try {
    return registry.manifest(id);
  } catch (error) {
    throw openaiNotFound(error, id);
  }
}

export async function modelOf(registry: ModelRegistry, id: string): Promise<LanguageModel> {
  try {
    return await registry.get(id);
  } catch (error) {
    throw openaiNotFound(error, id);
  }
}

function modelObject(id: string, manifest: ServableManifest): z.infer<typeof OpenAIModel> {
  const createdAt = (manifest.training as { createdAt?: string } | undefined)?.createdAt;
  const ms = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  return { id, object: 'model', created: Number.isFinite(ms) ? Math.floor(ms / 1000) : 0, owned_by: 'seqlm' };
}

const list = createRoute({
  method: 'get',
  path: '/openai/v1/models',
  summary: 'OpenAI-compatible: the served models, as OpenAI lists models',
  responses: { 200: { description: 'The served models', content: { 'application/json': { schema: OpenAIModelList } } }, 405: OPENAI_ERRORS[405] },
});

const one = createRoute({
  method: 'get',
  path: '/openai/v1/models/{model}',
  summary: 'OpenAI-compatible: one model',
  request: { params: OpenAIModelParams },
  responses: {
    200: { description: 'The model', content: { 'application/json': { schema: OpenAIModel } } },
    400: { description: 'The id is too long', content: openaiErrorContent },
    404: OPENAI_ERRORS[404],
    405: OPENAI_ERRORS[405],
    503: OPENAI_ERRORS[503],
  },
});

export function openaiModelRoutes(app: App, registry: ModelRegistry): void {
  app.openapi(list, (c) => c.json({ object: 'list' as const, data: registry.ids().map((id) => modelObject(id, registry.manifest(id))) }, 200));
  app.openapi(
    one,
    (c) => {
      const { model } = c.req.valid('param');
      return c.json(modelObject(model, manifestOf(registry, model)), 200);
    },
    openaiValidationHook,
  );
}
