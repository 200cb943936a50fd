import { createRoute } from '@hono/zod-openapi';
import { ModelParams, ScoreRequest, ScoreResponse } from '../schemas.ts';
import { MODEL_ERRORS, encodeInput, finiteOrNull, requireJsonBody, type App, type RouteDeps } from './shared.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/models/{id}/score',
  summary: 'Per-token log-probabilities, cross-entropy in nats and bits, perplexity and the OOV count of a text',
  middleware: [requireJsonBody],
  request: {
    params: ModelParams,
    body: { required: true, content: { 'application/json': { schema: ScoreRequest } } },
  },
  responses: {
    200: { description: 'The score', content: { 'application/json': { schema: ScoreResponse } } },
    ...MODEL_ERRORS,
  },
});

export function scoreRoutes(app: App, { registry }: RouteDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const model = await registry.get(id);
    const input = encodeInput(model, body.text, 'text', 'text');
    const { tokens, logProbs } = await model.score(input.ids);
    let sum = 0;
    for (const lp of logProbs) sum += lp;
    // D2L 9.3: cross-entropy = −(1/n) Σ ln p(x_t | x_<t) nats; perplexity = exp(cross-entropy).
    const n = logProbs.length;
    const nats = n > 0 && Number.isFinite(sum) ? -sum / n : undefined;
    return c.json(
      {
        model: id,
        input: { tokens: input.ids.length, oov: input.oov },
        scored: n,
        tokens,
        logProbs: Array.from(logProbs, finiteOrNull),
        crossEntropy: nats === undefined ? null : { nats, bits: nats / Math.LN2 },
        perplexity: nats === undefined ? null : Math.exp(nats),
      },
      200,
    );
  });
}
