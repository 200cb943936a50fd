import { createRoute } from '@hono/zod-openapi';
import { ModelParams, RankRequest, RankResponse } from '../schemas.ts';
import { MODEL_ERRORS, finiteOrNull, requireJsonBody, type App, type RouteDeps } from './shared.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/models/{id}/rank',
  summary: 'Order candidate texts by total log-probability under the model, most likely first ("recognize speech" vs "wreck a nice beach")',
  middleware: [requireJsonBody],
  request: {
    params: ModelParams,
    body: { required: true, content: { 'application/json': { schema: RankRequest } } },
  },
  responses: {
    200: { description: 'The candidates, most likely first (ties keep request order)', content: { 'application/json': { schema: RankResponse } } },
    ...MODEL_ERRORS,
  },
});

export function rankRoutes(app: App, { registry }: RouteDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { candidates } = c.req.valid('json');
    const model = await registry.get(id);
    const scored: { index: number; text: string; logProb: number; tokens: number; perplexity: number | null }[] = [];
    for (const [index, text] of candidates.entries()) {
      const score = await model.score(text);
      const finite = score.crossEntropy !== null && Number.isFinite(score.crossEntropy.nats);
      scored.push({ index, text, logProb: score.logProb, tokens: score.scored, perplexity: finite ? score.perplexity : null });
    }
    // A candidate the model scores no token of (empty after normalisation; one token for a neural model) has no
    // probability to compare: it ranks last with logProb null, not first with the empty product's 0.
    const key = (s: { logProb: number; tokens: number }): number => (s.tokens > 0 ? s.logProb : Number.NEGATIVE_INFINITY);
    scored.sort((a, b) => key(b) - key(a) || a.index - b.index);
    return c.json({ model: id, ranked: scored.map((s, i) => ({ ...s, rank: i + 1, logProb: s.tokens > 0 ? finiteOrNull(s.logProb) : null })) }, 200);
  });
}
