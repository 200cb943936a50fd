import { createApp, DEFAULT_CORS_ORIGINS } from './app.ts';
import { ModelRegistry, type RejectedModel } from './models/registry.ts';
import type { ModelSource } from './models/source.ts';

/** The bindings and vars of wrangler.jsonc the worker reads. */
export interface Env {
  /** Comma-separated origins allowed by CORS (wrangler.jsonc `vars`). */
  CORS_ORIGINS?: string;
}

/**
 * The Workers entry over a list of bundled models: one registry per isolate
 * (module scope of the caller), so every ONNX session and n-gram trie is
 * built once and reused; the app is made on the first request, when `env` is known.
 * src/index.ts serves models.config.json's models; the tests build the same worker over their own.
 */
export function createWorker(sources: readonly ModelSource[], rejected: readonly RejectedModel[] = []): ExportedHandler<Env> {
  const registry = new ModelRegistry(sources, rejected);
  let app: ReturnType<typeof createApp> | undefined;
  return {
    fetch(request, env, ctx) {
      app ??= createApp(registry, {
        corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((o) => o.trim()) : DEFAULT_CORS_ORIGINS,
      });
      return app.fetch(request, env, ctx);
    },
  };
}
