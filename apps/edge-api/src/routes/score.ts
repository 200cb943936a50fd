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
    const score = await model.score(input);
    // Only the tokens the model predicts (a neural model has no prediction for the first one).
    const predicted = score.tokens.filter((t) => t.logProb !== null);
    // D2L 9.3: cross-entropy = −(1/n) Σ ln p(x_t | x_<t) nats; perplexity = exp(cross-entropy); null when a token has p = 0.
    const finite = score.crossEntropy !== null && Number.isFinite(score.crossEntropy.nats);
    return c.json(
      {
        model: id,
        input: { tokens: input.ids.length, oov: input.oov },
        scored: score.scored,
        // As the model read them: an out-of-vocabulary token is the <unk> it was scored as.
        tokens: predicted.map((t) => model.vocab.tokenOf(t.id)),
        logProbs: predicted.map((t) => finiteOrNull(t.logProb as number)),
        crossEntropy: finite ? score.crossEntropy : null,
        perplexity: finite ? score.perplexity : null,
      },
      200,
    );
  });
}
