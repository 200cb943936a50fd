import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import productionConfig from '../models.config.json' with { type: 'json' };
import testConfig from './models.config.json' with { type: 'json' };
import { createWorker, type Env } from '../src/worker.ts';
// Written by `npm test` from models.config.json (the production list), beside the fixtures the other tests serve.
import { MODEL_SOURCES, REJECTED_MODELS } from './generated/production-models.ts';

const basename = (dir: string): string => dir.split('/').filter(Boolean).at(-1) ?? dir;
const dirOf = (entry: string | { dir: string }): string => (typeof entry === 'string' ? entry : entry.dir);
const FIXTURE_IDS = testConfig.models.map((m) => basename(dirOf(m)));

describe('the production worker (models.config.json) serves real models only', () => {
  it('lists no test fixture in its configuration', () => {
    expect(FIXTURE_IDS).toEqual(['rnn-tiny', 'gru-tiny', 'lstm-tiny', 'ngram-char3', 'mix-tiny']);
    for (const entry of productionConfig.models) {
      const dir = dirOf(entry);
      expect(dir, dir).not.toMatch(/(^|\/)(fixtures|test)\//);
      expect(FIXTURE_IDS).not.toContain(basename(dir));
    }
  });

  it('GET /v1/models lists only configured production models, never a fixture', async () => {
    const worker = createWorker(MODEL_SOURCES, REJECTED_MODELS);
    const ctx = createExecutionContext();
    const res = await worker.fetch!(new Request('http://edge.test/v1/models') as Request<unknown, IncomingRequestCfProperties>, env as Env, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as { models: { id: string }[] }).models.map((m) => m.id);
    const configured = productionConfig.models.map((m) => basename(dirOf(m)));
    for (const id of ids) {
      expect(configured).toContain(id);
      expect(FIXTURE_IDS).not.toContain(id);
    }
    for (const source of MODEL_SOURCES) expect(source.dir).not.toMatch(/(^|\/)(fixtures|test)\//);
  });
});
