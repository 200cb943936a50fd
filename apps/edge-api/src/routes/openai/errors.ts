/**
 * OpenAI's error shape on the compatible routes: `{error: {message, type,
 * param, code}}` with the native status. Every error under /openai/v1 is
 * first what the native API would answer (thrown `ApiError`s, `SeqlmError`s,
 * the body-limit, rate-limit, 404 and 405 envelopes) and is translated here,
 * once, so the status table in ../../errors.ts stays the only one.
 */
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError, describeError, statusOf, type ApiErrorCode, type ErrorBody } from '../../errors.ts';

export interface OpenAIErrorBody {
  error: { message: string; type: 'invalid_request_error' | 'server_error'; param: string | null; code: string | null };
}

/** A request error that names the offending parameter, as OpenAI's `param`. */
export class OpenAIRequestError extends ApiError {
  readonly param: string | null;

  constructor(code: ApiErrorCode, message: string, param: string | null) {
    super(code, message);
    this.param = param;
  }
}

// OpenAI's own codes where one exists; otherwise the native code in OpenAI's lower case.
const OPENAI_CODES: Record<string, string> = { MODEL_NOT_FOUND: 'model_not_found', RATE_LIMITED: 'rate_limit_exceeded' };

export function openaiErrorBody(status: number, code: string, message: string, param: string | null): OpenAIErrorBody {
  return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param, code: OPENAI_CODES[code] ?? code.toLowerCase() } };
}

/** The OpenAI body of a thrown value (what a stream sends as its last `data:` when it fails midway). */
export function openaiErrorOf(error: unknown): { status: ContentfulStatusCode; body: OpenAIErrorBody } {
  const { code, message } = describeError(error);
  const status = statusOf(code);
  return { status, body: openaiErrorBody(status, code, message, error instanceof OpenAIRequestError ? error.param : error instanceof ApiError && code === 'MODEL_NOT_FOUND' ? 'model' : null) };
}

function isNativeError(body: unknown): body is ErrorBody {
  const error = (body as ErrorBody | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/**
 * Registered first on /openai/v1/*: after the rest has answered, an error in
 * the native envelope is re-rendered in OpenAI's, keeping the status and the
 * headers (X-Request-Id, Allow, Retry-After, CORS).
 */
export const openaiErrorShape: MiddlewareHandler = async (c, next) => {
  await next();
  const res = c.res;
  if (res.status < 400 || !(res.headers.get('content-type') ?? '').startsWith('application/json')) return;
  let body: OpenAIErrorBody;
  if (c.error !== undefined) body = openaiErrorOf(c.error).body;
  else {
    const native: unknown = await res.clone().json().catch(() => null);
    if (!isNativeError(native)) return;
    body = openaiErrorBody(res.status, native.error.code, native.error.message, null);
  }
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  c.res = undefined;
  c.res = new Response(JSON.stringify(body), { status: res.status, headers });
};
