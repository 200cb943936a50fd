import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { NORMALIZATIONS, TOKENIZERS } from '@seqlm/core';
import { renderError, notFound } from './errors.ts';

/** The API as a plain Hono app, so tests can call `app.request()` without a server. */
export function createApp(): Hono {
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', cors());
  app.get('/health', (c) =>
    c.json({ status: 'ok', normalizations: NORMALIZATIONS, tokenizers: TOKENIZERS }),
  );
  app.notFound((c) => notFound(c));
  app.onError((error, c) => renderError(error, c));
  return app;
}
