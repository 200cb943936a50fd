import { createRoute } from '@hono/zod-openapi';
import { HealthResponse } from '../schemas.ts';
import { METHOD_NOT_ALLOWED, type App, type RouteDeps } from './shared.ts';

const route = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness, the served models and any model that failed validation',
  responses: { 200: { description: 'OK', content: { 'application/json': { schema: HealthResponse } } }, 405: METHOD_NOT_ALLOWED },
});

export function healthRoutes(app: App, { registry }: RouteDeps): void {
  app.openapi(route, (c) =>
    c.json({ status: 'ok' as const, models: registry.ids(), rejected: registry.rejected().map(({ id, reason }) => ({ id, reason })) }, 200),
  );
}
