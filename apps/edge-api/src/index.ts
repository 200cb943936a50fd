import { createApp, DEFAULT_CORS_ORIGINS } from './app.ts';
import { ModelRegistry } from './models/registry.ts';
import { MODEL_SOURCES, REJECTED_MODELS } from './models/generated.ts';

interface Env {
  /** Comma-separated origins allowed by CORS (wrangler.jsonc `vars`). */
  CORS_ORIGINS?: string;
}

// Module scope: one registry per isolate, so every ONNX session and n-gram trie is built once and reused.
const registry = new ModelRegistry(MODEL_SOURCES, REJECTED_MODELS);
let app: ReturnType<typeof createApp> | undefined;

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    app ??= createApp(registry, {
      corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((o) => o.trim()) : DEFAULT_CORS_ORIGINS,
    });
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
