import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import mixManifest from '../../../fixtures/models/mix-tiny/manifest.json' with { type: 'json' };
import { createApp } from '../src/app.ts';
import { MAX_RANK_CANDIDATES, MAX_RANK_CHARS } from '../src/limits.ts';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import { ModelRegistry } from '../src/models/registry.ts';
import { BASE, post, postJson, type ErrorBody } from './helpers.ts';

interface NextBody {
  probs: number[];
}
interface ScoreBody {
  tokens: string[];
  logProbs: (number | null)[];
}
interface RankBody {
  ranked: { rank: number; index: number; text: string; logProb: number | null; tokens: number; perplexity: number | null }[];
}

const components = mixManifest.mixture.components.map((c) => ({ id: c.path.replace('../', ''), weight: c.weight }));

describe('a mixture (mix-tiny: gru-tiny and lstm-tiny) is served like any model', () => {
  it('lists its components and weights', async () => {
    const res = await SELF.fetch(`${BASE}/v1/models/mix-tiny`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as { kind: string; dims: { components: { path: string; weight: number }[] } };
    expect(m.kind).toBe('mixture');
    expect(m.dims.components).toEqual(mixManifest.mixture.components.map(({ path, weight }) => ({ path, weight })));
  });

  it('/next is Σ λ_i p_i of its components\' /next, to 1e-12', async () => {
    for (const text of ['t', 'the hat ', 'they sat on the sand and the hay ']) {
      const { status, body } = await postJson<NextBody>('/v1/models/mix-tiny/next', { text, full: true });
      expect(status).toBe(200);
      const parts = await Promise.all(components.map((c) => postJson<NextBody>(`/v1/models/${c.id}/next`, { text, full: true })));
      // Both components have the same vocabulary, so the union's ids are theirs.
      for (let v = 0; v < body.probs.length; v++) {
        const direct = parts.reduce((p, part, i) => p + (components[i] as { weight: number }).weight * (part.body.probs[v] as number), 0);
        expect(Math.abs((body.probs[v] as number) - direct)).toBeLessThan(1e-12);
      }
      expect(Math.abs(body.probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
    }
  });

  it('/score gives ln Σ λ_i p_i per token, and /generate streams from it', async () => {
    const text = 'the hat is on the sea';
    const { body } = await postJson<ScoreBody>('/v1/models/mix-tiny/score', { text });
    const parts = await Promise.all(components.map((c) => postJson<ScoreBody>(`/v1/models/${c.id}/score`, { text })));
    expect(body.tokens).toEqual(parts[0]?.body.tokens);
    body.logProbs.forEach((lp, t) => {
      const direct = Math.log(parts.reduce((p, part, i) => p + (components[i] as { weight: number }).weight * Math.exp(part.body.logProbs[t] as number), 0));
      expect(Math.abs((lp as number) - direct)).toBeLessThan(1e-9);
    });
    const res = await post('/v1/models/mix-tiny/generate', { prompt: 'the ', maxTokens: 20, seed: 3, stream: true });
    expect(res.status).toBe(200);
    expect((await res.text()).match(/event: token/g)).toHaveLength(20);
  });

  it('is unavailable, with the reason, when a component is not served', async () => {
    const app = createApp(new ModelRegistry(MODEL_SOURCES.filter((s) => s.id !== 'lstm-tiny')));
    const res = await app.request('/v1/models/mix-tiny/next', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'the' }) });
    expect(res.status).toBe(503);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('MODEL_UNAVAILABLE');
    expect(body.error.message).toContain('lstm-tiny');
  });
});

describe('POST /v1/models/:id/rank', () => {
  it('orders candidates by total log-probability, equal to /score, and puts unscorable ones last', async () => {
    const candidates = ['the hat is on the sea', 'eht tah si no eht aes', 't'];
    const { status, body } = await postJson<RankBody>('/v1/models/gru-tiny/rank', { candidates });
    expect(status).toBe(200);
    expect(body.ranked.map((r) => r.text)).toEqual(['the hat is on the sea', 'eht tah si no eht aes', 't']);
    expect(body.ranked.map((r) => r.rank)).toEqual([1, 2, 3]);
    // A single token gives a neural model nothing to score.
    expect(body.ranked[2]).toMatchObject({ index: 2, tokens: 0, logProb: null, perplexity: null });
    const score = await postJson<ScoreBody>('/v1/models/gru-tiny/score', { text: candidates[0] });
    const total = score.body.logProbs.reduce((a: number, b) => a + (b as number), 0);
    expect(Math.abs((body.ranked[0]?.logProb as number) - total)).toBeLessThan(1e-9);
    // The n-gram and the mixture rank too.
    for (const id of ['ngram-char3', 'mix-tiny']) expect((await postJson<RankBody>(`/v1/models/${id}/rank`, { candidates })).status).toBe(200);
  });

  it('refuses no candidates, too many, and one too long, in the error envelope', async () => {
    expect((await post('/v1/models/gru-tiny/rank', { candidates: [] })).status).toBe(400);
    expect((await post('/v1/models/gru-tiny/rank', { candidates: Array.from({ length: MAX_RANK_CANDIDATES + 1 }, () => 'the') })).status).toBe(400);
    const long = await post('/v1/models/gru-tiny/rank', { candidates: ['a'.repeat(MAX_RANK_CHARS + 1)] });
    expect(long.status).toBe(413);
    expect(((await long.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
