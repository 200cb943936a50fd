import type { Context } from 'hono';
import { isSeqlmError } from '@seqlm/core';

/** Every error leaves the API as `{error: {code, message}}` with a status from one place. */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

const STATUS_BY_CODE: Record<string, 400 | 404 | 413 | 415 | 422> = {
  INVALID_ARGUMENT: 400,
  VOCAB_OOV: 422,
  NOT_FOUND: 404,
};

export function errorBody(c: Context, code: string, message: string): ErrorBody {
  const requestId = c.get('requestId') as string | undefined;
  return { error: { code, message, ...(requestId ? { requestId } : {}) } };
}

export function notFound(c: Context): Response {
  return c.json(errorBody(c, 'NOT_FOUND', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);
}

export function renderError(error: unknown, c: Context): Response {
  if (isSeqlmError(error)) {
    return c.json(errorBody(c, error.code, error.message), STATUS_BY_CODE[error.code] ?? 400);
  }
  console.error(error);
  return c.json(errorBody(c, 'INTERNAL', 'internal error'), 500);
}
