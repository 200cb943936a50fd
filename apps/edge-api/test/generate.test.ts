import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core';
import { createApp } from '../src/app.ts';
import { MAX_GENERATE_TOKENS } from '../src/limits.ts';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import { LanguageModel, type Predictor } from '@seqlm/core/lm';
import { ModelRegistry } from '../src/models/registry.ts';
import { FIXTURE_VOCAB, expectStreamStopsOnDisconnect, parseSse, post, postJson } from './helpers.ts';

interface GenerateBody {
  input: { tokens: number; oov: number };
  text: string;
  ids: number[];
  tokens: string[];
  logProbs: number[];
  totalLogProb: number;
  finishReason: string;
}
interface NextBody {
  top: { id: number; prob: number }[];
  probs: number[];
}

const GEN = '/v1/models/gru-tiny/generate';

describe('POST /v1/models/:id/generate', () => {
  it('returns maxTokens tokens with text, ids and log-probabilities that agree', async () => {
    const { status, body } = await postJson<GenerateBody>(GEN, { prompt: 'the', maxTokens: 12, seed: 7 });
    expect(status).toBe(200);
    expect(body.finishReason).toBe('length');
    expect(body.input).toEqual({ tokens: 3, oov: 0 });
    expect(body.ids).toHaveLength(12);
    expect(body.tokens).toEqual(body.ids.map((id) => FIXTURE_VOCAB[id]));
    expect(body.text).toBe(body.tokens.join(''));
    expect(body.logProbs).toHaveLength(12);
    for (const lp of body.logProbs) expect(lp).toBeLessThanOrEqual(0);
    expect(body.totalLogProb).toBeCloseTo(body.logProbs.reduce((a, b) => a + b, 0), 9);
  });

  it('is reproducible for a seed and varies across seeds', async () => {
    const a = await postJson<GenerateBody>(GEN, { prompt: 'the', maxTokens: 20, seed: 1 });
    const b = await postJson<GenerateBody>(GEN, { prompt: 'the', maxTokens: 20, seed: 1 });
    expect(b.body.ids).toEqual(a.body.ids);
    const others = await Promise.all([2, 3, 4].map((seed) => postJson<GenerateBody>(GEN, { prompt: 'the', maxTokens: 20, seed })));
    expect(others.some((o) => o.body.ids.join() !== a.body.ids.join())).toBe(true);
  });

  it('with topK 1 decodes greedily: each token is the likeliest but <unk> that /next gives for the text so far', async () => {
    // The prompt ends in a space, which /next keeps as generate does.
    const { body } = await postJson<GenerateBody>(GEN, { prompt: 'shady ', maxTokens: 12, topK: 1 });
    expect(body.input.tokens).toBe('shady '.length);
    let text = 'shady ';
    for (let i = 0; i < body.ids.length; i++) {
      const next = await postJson<NextBody>('/v1/models/gru-tiny/next', { text, topK: 1, full: true });
      const best = next.body.probs.reduce((b, p, id) => (id !== 0 && p > next.body.probs[b]! ? id : b), 1);
      expect(body.ids[i]).toBe(best);
      expect(Math.abs(body.logProbs[i]! - Math.log(next.body.probs[body.ids[i]!]!))).toBeLessThan(1e-5);
      text += body.tokens[i]!;
    }
  });

  it('continues a prompt after its trailing space, as /next does', async () => {
    const { body } = await postJson<GenerateBody>(GEN, { prompt: 'The hat, ', maxTokens: 1, topK: 1 });
    expect(body.input).toEqual({ tokens: 'the hat '.length, oov: 0 });
    const spaced = await postJson<NextBody>('/v1/models/gru-tiny/next', { text: 'the hat ', topK: 1, full: true });
    const bare = await postJson<NextBody>('/v1/models/gru-tiny/next', { text: 'the hat', topK: 1, full: true });
    // The space changes the distribution, so the test can tell which text generate continued.
    expect(Math.max(...spaced.body.probs.map((p, i) => Math.abs(p - bare.body.probs[i]!)))).toBeGreaterThan(1e-3);
    expect(Math.abs(body.logProbs[0]! - Math.log(spaced.body.probs[body.ids[0]!]!))).toBeLessThan(1e-5);
  });

  it('streams one SSE token event per token, then a done event with the same totals', async () => {
    const request = { prompt: 'the', maxTokens: 10, seed: 3, temperature: 0.8, topP: 0.9 };
    const plain = await postJson<GenerateBody>(GEN, request);
    const res = await post(GEN, { ...request, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const events = parseSse(await res.text());
    const tokens = events.filter((e) => e.event === 'token');
    expect(tokens).toHaveLength(10);
    expect(events.at(-1)?.event).toBe('done');
    expect(events).toHaveLength(11);
    const parsed = tokens.map((e) => JSON.parse(e.data) as { index: number; id: number; token: string; logProb: number });
    parsed.forEach((t, i) => {
      expect(t.index).toBe(i);
      expect(tokens[i]!.id).toBe(String(i));
      expect(t.id).toBe(plain.body.ids[i]);
      expect(t.token).toBe(plain.body.tokens[i]);
      expect(t.logProb).toBe(plain.body.logProbs[i]);
    });
    const done = JSON.parse(events.at(-1)!.data) as GenerateBody & { count: number };
    // done is the JSON answer without its per-token arrays (the token events carry them), plus count.
    expect(Object.keys(done).sort()).toEqual(['count', 'finishReason', 'input', 'model', 'text', 'totalLogProb']);
    expect(Object.keys(plain.body).sort()).toEqual(['finishReason', 'ids', 'input', 'logProbs', 'model', 'text', 'tokens', 'totalLogProb']);
    expect(done.text).toBe(plain.body.text);
    expect(done.input).toEqual(plain.body.input);
    expect(done.count).toBe(10);
    expect(done.totalLogProb).toBe(plain.body.totalLogProb);
    expect(done.finishReason).toBe('length');
  });

  it('a failure after the first event is an error event in the envelope, with the request id', async () => {
    const failing = [
      [new SeqlmError('NON_FINITE', 'the logits are not finite'), 'NON_FINITE', 'the logits are not finite'],
      // An unrecognised error's message stays in the log, as for a JSON 500.
      [new Error('ort: wasm memory exhausted at 0x1234'), 'INTERNAL', 'internal error'],
    ] as const;
    for (const [error, code, message] of failing) {
      const app = createApp(new FailingAfterFirstToken(error));
      const res = await app.request(GEN, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'the', maxTokens: 5, stream: true }) });
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id');
      expect(requestId).toBeTruthy();
      const text = await res.text();
      // One error event only: Hono's onError path would add a second carrying the raw message.
      if (code === 'INTERNAL') expect(text).not.toContain('0x1234');
      const events = parseSse(text);
      expect(events.map((e) => e.event)).toEqual(['token', 'error']);
      expect(JSON.parse(events[1]!.data)).toEqual({ error: { code, message, requestId } });
    }
  });

  it('stops generating within a token when the client disconnects from the stream', async () => {
    await expectStreamStopsOnDisconnect(GEN, { prompt: 'the', maxTokens: MAX_GENERATE_TOKENS, stream: true }, 'event: token', MAX_GENERATE_TOKENS);
  });

  it('reports model errors as JSON before any event is sent', async () => {
    const res = await post('/v1/models/nope/generate', { prompt: 'the', maxTokens: 3, stream: true });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

/** Serves gru-tiny, but its predictor throws `error` when fed the first generated token (the run after the prompt's). */
class FailingAfterFirstToken extends ModelRegistry {
  readonly #error: Error;

  constructor(error: Error) {
    super(MODEL_SOURCES.filter((source) => source.id === 'gru-tiny'));
    this.#error = error;
  }

  override async get(id: string): Promise<LanguageModel> {
    const model = await super.get(id);
    const inner = model.predictor;
    let runs = 0;
    const predictor: Predictor<unknown> = {
      vocabSize: inner.vocabSize,
      normalized: inner.normalized,
      start: () => inner.start(),
      advance: (state, ids) => (runs++ === 0 ? inner.advance(state, ids) : Promise.reject(this.#error)),
      logProbsOf: (ids) => inner.logProbsOf(ids),
    };
    return new LanguageModel({ id: model.id, manifest: model.manifest, vocab: model.vocab, stopIds: model.stopIds, predictor });
  }
}
