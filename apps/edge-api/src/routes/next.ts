import { createRoute } from '@hono/zod-openapi';
import { topIndices } from '@seqlm/core/sampling';
import { ModelParams, NextRequest, NextResponse } from '../schemas.ts';
import { MODEL_ERRORS, encodeInput, finiteOrNull, requireJsonBody, type App, type RouteDeps } from './shared.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/models/{id}/next',
  summary: 'The next-token distribution after a text: its top k tokens, and the full vector on request',
  middleware: [requireJsonBody],
  request: {
    params: ModelParams,
    body: { required: true, content: { 'application/json': { schema: NextRequest } } },
  },
  responses: {
    200: { description: 'The distribution', content: { 'application/json': { schema: NextResponse } } },
    ...MODEL_ERRORS,
  },
});

export function nextRoutes(app: App, { registry }: RouteDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const model = await registry.get(id);
    const input = encodeInput(model, body.text, 'text', 'prefix');
    const logProbs = await model.nextLogProbs(input.ids);
    const top = topIndices(logProbs, Math.min(body.topK, logProbs.length)).map((tokenId) => {
      const lp = logProbs[tokenId] as number;
      return { id: tokenId, token: model.vocab.tokenOf(tokenId), prob: Math.exp(lp), logProb: finiteOrNull(lp) };
    });
    return c.json(
      {
        model: id,
        input: { tokens: input.ids.length, oov: input.oov },
        top,
        ...(body.full ? { probs: Array.from(logProbs, Math.exp) } : {}),
      },
      200,
    );
  });
}
