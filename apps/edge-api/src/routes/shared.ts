import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ErrorResponse } from '../schemas.ts';
import { ApiError, JSON_BODY_REQUIRED } from '../errors.ts';
import type { LanguageModel } from '@seqlm/core/lm';
import type { EncodedText } from '@seqlm/core/vocab';
import type { ModelRegistry } from '../models/registry.ts';

/** The app type every route module registers on. */
export type App = OpenAPIHono;

export interface RouteDeps {
  registry: ModelRegistry;
}

export const errorContent = { 'application/json': { schema: ErrorResponse } };

/** The error responses every model endpoint can give, for the OpenAPI document. */
export const MODEL_ERRORS = {
  400: { description: 'Malformed JSON, a wrong type, a missing field or a value out of range', content: errorContent },
  404: { description: 'No model with this id', content: errorContent },
  413: { description: 'The body or its text is over the documented limit', content: errorContent },
  415: { description: 'The body is not JSON, or there is no Content-Type (even with an empty body)', content: errorContent },
  503: { description: 'The model failed validation and is not served', content: errorContent },
} as const;

/**
 * The model endpoints take a JSON body, so a request without a Content-Type
 * is 415 even when its body is empty. zod-openapi only refuses a non-empty
 * one: an empty one would reach the schema as `{}` and come back as a
 * puzzling "text: expected string" 400.
 */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  if (!c.req.header('content-type')) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', JSON_BODY_REQUIRED);
  await next();
};

/**
 * Tokenizes `text` for `model`, as a whole text (score) or as a prefix whose
 * next token is wanted (next, generate: a trailing space is kept). A neural
 * model needs at least one token to condition on.
 */
export function encodeInput(model: LanguageModel, text: string, field: string, as: 'text' | 'prefix'): EncodedText {
  const input = as === 'prefix' ? model.encodePrefix(text) : model.encode(text);
  if (input.ids.length === 0 && model.manifest.kind !== 'ngram') {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `${field} has no tokens after "${model.manifest.text.normalization}" normalisation; a ${model.manifest.kind} model needs at least one`,
    );
  }
  return input;
}

/** JSON cannot hold -Infinity: probability 0 is sent as a null log-probability. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
