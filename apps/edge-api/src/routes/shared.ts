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

/**
 * 405, listed with every operation though it is the answer to a method the
 * path does not take (the operation's own method never gets it).
 */
export const METHOD_NOT_ALLOWED = {
  description: 'Another method on this path (e.g. GET on a POST-only path, PUT, DELETE); the Allow header lists the methods the path takes',
  headers: { Allow: { description: 'The methods this path takes, e.g. "POST, OPTIONS"', schema: { type: 'string' as const } } },
  content: errorContent,
};

/** The error responses every model endpoint can give, for the OpenAPI document. */
export const MODEL_ERRORS = {
  400: { description: 'Malformed JSON, a wrong type, a missing field or a value out of range', content: errorContent },
  404: { description: 'No model with this id', content: errorContent },
  413: { description: 'The body or its text is over the documented limit', content: errorContent },
  405: METHOD_NOT_ALLOWED,
  415: { description: 'The Content-Type is not application/json (optionally with charset=utf-8), or there is none (even with an empty body)', content: errorContent },
  503: { description: 'The model failed validation and is not served', content: errorContent },
} as const;

/**
 * What the model endpoints read: `application/json`, with no parameter but an
 * optional `charset=utf-8` (RFC 8259 §8.1: JSON between systems is UTF-8).
 * Type, subtype, parameter name and charset compare without case (RFC 9110
 * §8.3.1); the value may be quoted. Other JSON-like types
 * (`application/vnd.api+json`, `application/json-patch+json`) and other
 * charsets are refused: the body would not mean what the client says.
 */
export const JSON_CONTENT_TYPE = /^application\/json(;[ \t]*charset=(utf-8|"utf-8"))?$/i;

/**
 * The model endpoints take a JSON body, so a request without a Content-Type
 * is 415 even when its body is empty (zod-openapi only refuses a non-empty
 * one: an empty one would reach the schema as `{}` and come back as a
 * puzzling "text: expected string" 400), and so is any type but plain JSON
 * in UTF-8 (zod-openapi takes any `application/*+json` with any charset).
 */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type');
  if (!type) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', JSON_BODY_REQUIRED);
  if (!JSON_CONTENT_TYPE.test(type.trim())) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `${JSON_BODY_REQUIRED}, with no parameter but an optional charset=utf-8`);
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
