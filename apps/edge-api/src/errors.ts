import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isSeqlmError } from '@seqlm/core';

/** Every error leaves the API as `{error: {code, message}}` with a status from one place. */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/**
 * The one table from error code to HTTP status: the API's own codes first,
 * then the `SeqlmError` codes @seqlm/core can raise while serving a request.
 * A code missing here is a bug and leaves as 500.
 */
export const STATUS_BY_CODE = {
  // Request problems.
  INVALID_ARGUMENT: 400,
  MALFORMED_JSON: 400,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VOCAB_OOV: 422,
  RATE_LIMITED: 429,
  // A model whose files failed validation when first loaded is never served.
  MODEL_UNAVAILABLE: 503,
  MANIFEST_INVALID: 503,
  HASH_MISMATCH: 503,
  MODEL_INVALID: 503,
  INTERNAL: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ApiErrorCode = keyof typeof STATUS_BY_CODE;

/** An error the API raises itself; `renderError` turns it into the envelope with the table's status. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export function statusOf(code: string): ContentfulStatusCode {
  return (STATUS_BY_CODE as Record<string, ContentfulStatusCode>)[code] ?? 500;
}

export function errorBody(c: Context, code: string, message: string): ErrorBody {
  const requestId = c.get('requestId') as string | undefined;
  return { error: { code, message, ...(requestId ? { requestId } : {}) } };
}

export function errorResponse(c: Context, code: ApiErrorCode, message: string): Response {
  return c.json(errorBody(c, code, message), statusOf(code));
}

export function notFound(c: Context): Response {
  return errorResponse(c, 'NOT_FOUND', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
}

/** 405 for a path that exists under other methods; RFC 9110 §15.5.6 requires the `Allow` header. */
export function methodNotAllowed(c: Context, allow: readonly string[]): Response {
  const res = errorResponse(c, 'METHOD_NOT_ALLOWED', `${new URL(c.req.url).pathname} does not take ${c.req.method}; it takes ${allow.join(', ')}`);
  res.headers.set('Allow', allow.join(', '));
  return res;
}

/** The message of every 415: the model endpoints take only JSON bodies. */
export const JSON_BODY_REQUIRED = 'the request body must be JSON (Content-Type: application/json)';

// Hono's built-in validators and middleware throw HTTPException; their status
// says which of our codes applies, so clients see one vocabulary of codes.
function codeOfHttpException(error: HTTPException): ApiErrorCode {
  switch (error.status) {
    case 400:
      return /json/i.test(error.message) && !/content-type/i.test(error.message) ? 'MALFORMED_JSON' : 'INVALID_ARGUMENT';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return error.status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL';
  }
}

function messageOfHttpException(code: ApiErrorCode, error: HTTPException): string {
  switch (code) {
    case 'MALFORMED_JSON':
      return 'the request body is not valid JSON';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return JSON_BODY_REQUIRED;
    case 'INVALID_ARGUMENT':
      return /content-type/i.test(error.message) ? 'the request needs a JSON body (Content-Type: application/json)' : error.message;
    default:
      return error.message;
  }
}

/**
 * The code and message a thrown value is reported with, in a JSON answer or
 * an SSE `error` event. Anything unrecognised is INTERNAL, so its message (a
 * stack detail, a path) never reaches the client.
 */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError || isSeqlmError(error)) return { code: error.code, message: error.message };
  if (error instanceof HTTPException) {
    const code = codeOfHttpException(error);
    return { code, message: messageOfHttpException(code, error) };
  }
  return { code: 'INTERNAL', message: 'internal error' };
}

export function renderError(error: unknown, c: Context): Response {
  const { code, message } = describeError(error);
  if (code === 'INTERNAL') console.error(error);
  return c.json(errorBody(c, code, message), statusOf(code));
}
