import type { z } from '@hono/zod-openapi';
import { METHOD_NOT_ALLOWED } from '../shared.ts';
import { OpenAIRequestError } from './errors.ts';
import { OpenAIErrorResponse } from './schemas.ts';

export const openaiErrorContent = { 'application/json': { schema: OpenAIErrorResponse } };

/** The error responses of the compatible routes, for the OpenAPI document: the native statuses in OpenAI's shape. */
export const OPENAI_ERRORS = {
  400: { description: 'Malformed JSON, a wrong type, an unknown or unsupported parameter (suffix, logit_bias, best_of > 1, non-zero penalties), a value out of range', content: openaiErrorContent },
  404: { description: 'No model with this id (code model_not_found, param model)', content: openaiErrorContent },
  405: { ...METHOD_NOT_ALLOWED, content: openaiErrorContent },
  413: { description: 'The body or the prompts are over the documented limit', content: openaiErrorContent },
  415: { description: 'The Content-Type is not application/json', content: openaiErrorContent },
  429: { description: 'Too many requests from this address (where rate limiting is configured)', content: openaiErrorContent },
  503: { description: 'The model failed validation and is not served', content: openaiErrorContent },
} as const;

/** A failed validation as OpenAI reports it: the first problem, naming its parameter. */
export const openaiValidationHook = (result: { success: true } | { success: false; error: { issues: readonly z.core.$ZodIssue[] } }): undefined => {
  if (result.success) return;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new OpenAIRequestError('INVALID_ARGUMENT', 'invalid request', null);
  if (issue.code === 'unrecognized_keys') {
    throw new OpenAIRequestError('INVALID_ARGUMENT', `Unrecognized request argument supplied: ${issue.keys.join(', ')}`, issue.keys[0] ?? null);
  }
  const param = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  throw new OpenAIRequestError('INVALID_ARGUMENT', `${param ?? 'body'}: ${issue.message}`, param);
};
