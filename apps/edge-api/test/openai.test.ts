import { SELF } from 'cloudflare:test';
import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, MAX_GENERATE_TOKENS, MAX_PROMPT_CHARS, MAX_TEXT_CHARS } from '../src/limits.ts';
import { BASE, expectStreamStopsOnDisconnect, post, postJson } from './helpers.ts';

// The official client, pointed at the worker under test: only the base URL differs from using OpenAI.
const client = new OpenAI({ apiKey: 'not-needed', baseURL: `${BASE}/openai/v1`, fetch: (url, init) => SELF.fetch(url, init), maxRetries: 0 });
const MODEL = 'gru-tiny';
const COMPLETIONS = '/openai/v1/completions';

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

describe('GET /openai/v1/models', () => {
  it('lists the served models as OpenAI does, and retrieves one', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['rnn-tiny', 'gru-tiny', 'lstm-tiny', 'ngram-char3']));
    for (const m of list.data) expect(m).toEqual({ id: m.id, object: 'model', created: expect.any(Number), owned_by: 'seqlm' });
    const one = await client.models.retrieve(MODEL);
    expect(one).toEqual(list.data.find((m) => m.id === MODEL));
  });
});

describe('POST /openai/v1/completions', () => {
  it('completes a prompt as the native /generate does for the same seed, with usage in model tokens', async () => {
    const completion = await client.completions.create({ model: MODEL, prompt: 'the time', max_tokens: 12, seed: 7 });
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.object).toBe('text_completion');
    expect(completion.model).toBe(MODEL);
    expect(completion.choices).toHaveLength(1);
    const choice = completion.choices[0]!;
    expect(choice.index).toBe(0);
    expect(choice.finish_reason).toBe('length');
    expect(choice.logprobs).toBeNull();
    expect(completion.usage).toEqual({ prompt_tokens: 8, completion_tokens: 12, total_tokens: 20 });
    const native = await postJson<{ text: string }>(`/v1/models/${MODEL}/generate`, { prompt: 'the time', maxTokens: 12, seed: 7 });
    expect(choice.text).toBe(native.body.text);
    expect(Array.from(choice.text)).toHaveLength(12);
  });

  it('gives n = 2 choices per prompt, choice j sampled with seed + j', async () => {
    const both = await client.completions.create({ model: MODEL, prompt: ['the', 'time'], max_tokens: 12, n: 2, seed: 40 });
    expect(both.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    const single = async (prompt: string, seed: number) => (await client.completions.create({ model: MODEL, prompt, max_tokens: 12, seed })).choices[0]!.text;
    expect(both.choices[0]!.text).toBe(await single('the', 40));
    expect(both.choices[1]!.text).toBe(await single('the', 41));
    expect(both.choices[2]!.text).toBe(await single('time', 40));
    expect(both.choices[3]!.text).toBe(await single('time', 41));
    expect(both.choices[0]!.text).not.toBe(both.choices[1]!.text);
    expect(both.usage).toEqual({ prompt_tokens: 3 + 4, completion_tokens: 4 * 12, total_tokens: 7 + 4 * 12 });
  });

  it('streams chunks that add up to the JSON answer, then data: [DONE]', async () => {
    const params = { model: MODEL, prompt: 'the time', max_tokens: 15, seed: 3, logprobs: 2 } as const;
    const whole = await client.completions.create(params);
    const stream = await client.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    let text = '';
    const tokenLogprobs: (number | null)[] = [];
    let finish: string | null = null;
    let usage: unknown = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        text += c.text;
        tokenLogprobs.push(...(c.logprobs?.token_logprobs ?? []));
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
    expect(text).toBe(whole.choices[0]!.text);
    expect(tokenLogprobs).toEqual(whole.choices[0]!.logprobs!.token_logprobs);
    expect(finish).toBe('length');
    expect(usage).toEqual(whole.usage);
    const raw = await (await post(COMPLETIONS, { ...params, stream: true })).text();
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(raw.split('\n\n').filter((b) => b.startsWith('data: {')).length).toBe(15 + 1);
  });

  it("lists logprobs: 5 alternatives equal to /next's top 5, summing to at most 1, with the chosen token", async () => {
    const completion = await client.completions.create({ model: MODEL, prompt: 'the time', max_tokens: 1, logprobs: 5, temperature: 0 });
    const logprobs = completion.choices[0]!.logprobs!;
    const top = logprobs.top_logprobs![0]!;
    const next = await postJson<{ top: { token: string; logProb: number }[] }>(`/v1/models/${MODEL}/next`, { text: 'the time', topK: 5 });
    for (const t of next.body.top) expect(top[t.token]).toBeCloseTo(t.logProb, 12);
    expect(Object.keys(top).length).toBe(5);
    expect(Object.values(top).reduce((s, lp) => s + Math.exp(lp), 0)).toBeLessThanOrEqual(1 + 1e-12);
    // temperature 0 is greedy: the chosen token is /next's most likely one.
    expect(logprobs.tokens).toEqual([next.body.top[0]!.token]);
    expect(logprobs.token_logprobs![0]).toBeCloseTo(next.body.top[0]!.logProb, 12);
    expect(logprobs.text_offset).toEqual(['the time'.length]);
  });

  it('echoes the prompt with max_tokens 0: token_logprobs sum to the native /score total', async () => {
    const prompt = 'the time traveller for so';
    const completion = await client.completions.create({ model: MODEL, prompt, max_tokens: 0, echo: true, logprobs: 1 });
    const choice = completion.choices[0]!;
    expect(choice.text).toBe(prompt);
    const lp = choice.logprobs!;
    expect(lp.tokens).toEqual(Array.from(prompt));
    expect(lp.text_offset).toEqual(Array.from(prompt, (_, i) => i));
    expect(lp.token_logprobs![0]).toBeNull();
    expect(lp.top_logprobs![0]).toBeNull();
    const score = await postJson<{ logProbs: number[] }>(`/v1/models/${MODEL}/score`, { text: prompt });
    const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((s, x) => s + (x ?? 0), 0);
    expect(Math.abs(sum(lp.token_logprobs!) - sum(score.body.logProbs))).toBeLessThanOrEqual(1e-9);
    // Each position lists its most likely token and the prompt's own, the latter with its token_logprob.
    lp.top_logprobs!.slice(1).forEach((top, i) => {
      expect(top![lp.tokens![i + 1]!]).toBe(lp.token_logprobs![i + 1]);
      expect(Object.keys(top!).length).toBeLessThanOrEqual(2);
    });
    expect(completion.usage).toEqual({ prompt_tokens: prompt.length, completion_tokens: 0, total_tokens: prompt.length });
  });

  it.each(['gru-tiny', 'ngram-char3'])("echo lists each prompt position's alternatives as /next gives them after the text before it (%s)", async (model) => {
    const prompt = 'the time';
    const completion = await client.completions.create({ model, prompt, max_tokens: 0, echo: true, logprobs: 2 });
    const lp = completion.choices[0]!.logprobs!;
    const score = await postJson<{ tokens: string[]; logProbs: number[] }>(`/v1/models/${model}/score`, { text: prompt });
    // /score also scores the </s> a boundary n-gram expects after the text; echo covers the prompt's own tokens.
    const scored = score.body.logProbs.filter((_, i) => score.body.tokens[i] !== '</s>');
    const given = lp.token_logprobs!.filter((x): x is number => x !== null);
    expect(given).toHaveLength(scored.length);
    given.forEach((x, i) => expect(Math.abs(x - scored[i]!)).toBeLessThanOrEqual(1e-12));
    // A neural model predicts nothing before its first token; an n-gram model predicts it from the start.
    expect(lp.token_logprobs![0] === null).toBe(model === 'gru-tiny');
    for (let i = 1; i < prompt.length; i++) {
      const next = await postJson<{ top: { token: string; logProb: number }[] }>(`/v1/models/${model}/next`, { text: prompt.slice(0, i), topK: 2 });
      for (const t of next.body.top) expect(lp.top_logprobs![i]![t.token], `position ${i}, ${t.token}`).toBeCloseTo(t.logProb, 6);
    }
  });

  it('echoes the prompt before generated tokens, offsets continuing after it', async () => {
    const completion = await client.completions.create({ model: MODEL, prompt: 'the', max_tokens: 4, echo: true, logprobs: 0, seed: 1 });
    const choice = completion.choices[0]!;
    const plain = await client.completions.create({ model: MODEL, prompt: 'the', max_tokens: 4, seed: 1 });
    expect(choice.text).toBe(`the${plain.choices[0]!.text}`);
    expect(choice.logprobs!.text_offset).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('ends a choice at a stop text, which is not included', async () => {
    const long = (await client.completions.create({ model: MODEL, prompt: 'the', max_tokens: MAX_GENERATE_TOKENS, seed: 9 })).choices[0]!.text;
    const stopText = long.slice(10, 12);
    const cut = await client.completions.create({ model: MODEL, prompt: 'the', max_tokens: MAX_GENERATE_TOKENS, seed: 9, stop: [stopText, 'zzzz'] });
    expect(cut.choices[0]!.finish_reason).toBe('stop');
    expect(cut.choices[0]!.text).toBe(long.slice(0, long.indexOf(stopText)));
  });
});

describe('errors on the compatible routes, in OpenAI\'s shape', () => {
  const expectOpenAIError = async (res: Response, status: number, param: string | null, code?: string) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as OpenAIErrorBody;
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.param).toBe(param);
    expect(body.error.message.length).toBeGreaterThan(0);
    if (code !== undefined) expect(body.error.code).toBe(code);
    return body;
  };
  const base = { model: MODEL, prompt: 'the', max_tokens: 2 };

  it.each([
    ['suffix', { suffix: 'end' }],
    ['logit_bias', { logit_bias: { '3': 5 } }],
    ['best_of', { best_of: 2 }],
    ['presence_penalty', { presence_penalty: 0.5 }],
    ['frequency_penalty', { frequency_penalty: -1 }],
    ['max_tokens', { max_tokens: 0 }],
    ['n', { prompt: ['a', 'b', 'c', 'd', 'e'], n: 4, max_tokens: 1 }],
    ['max_tokens', { max_tokens: MAX_GENERATE_TOKENS + 1 }],
    ['logprobs', { logprobs: 6 }],
    ['tools', { tools: [] }],
    ['prompt', { prompt: '!!!' }],
  ])('refuses %s with 400', async (param, extra) => {
    await expectOpenAIError(await post(COMPLETIONS, { ...base, ...extra }), 400, param);
  });

  it('accepts the neutral values of unsupported parameters, and user', async () => {
    const res = await post(COMPLETIONS, { ...base, suffix: null, logit_bias: {}, best_of: 1, presence_penalty: 0, frequency_penalty: 0, user: 'someone' });
    expect(res.status).toBe(200);
  });

  it('answers an unknown model with 404 model_not_found, which the client reads', async () => {
    await expectOpenAIError(await post(COMPLETIONS, { ...base, model: 'nope' }), 404, 'model', 'model_not_found');
    await expectOpenAIError(await SELF.fetch(`${BASE}/openai/v1/models/nope`), 404, 'model', 'model_not_found');
    const error = await client.completions.create({ ...base, model: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(404);
    expect((error as APIError).code).toBe('model_not_found');
    expect((error as APIError).param).toBe('model');
  });

  it('keeps the native limits: 413 for long prompts and bodies, 415, malformed JSON, 405', async () => {
    await expectOpenAIError(await post(COMPLETIONS, { ...base, prompt: 't'.repeat(MAX_TEXT_CHARS + 1), max_tokens: 0, echo: true }), 413, 'prompt', 'payload_too_large');
    await expectOpenAIError(await post(COMPLETIONS, { ...base, prompt: 't'.repeat(MAX_PROMPT_CHARS + 1), max_tokens: 2 }), 413, 'prompt');
    await expectOpenAIError(await post(COMPLETIONS, { ...base, user: 'x'.repeat(MAX_BODY_BYTES) }), 413, null, 'payload_too_large');
    await expectOpenAIError(await post(COMPLETIONS, JSON.stringify(base), { 'content-type': 'text/plain' }), 415, null, 'unsupported_media_type');
    await expectOpenAIError(await post(COMPLETIONS, '{"model":'), 400, null, 'malformed_json');
    const wrongMethod = await SELF.fetch(`${BASE}${COMPLETIONS}`);
    expect(wrongMethod.headers.get('allow')).toContain('POST');
    await expectOpenAIError(wrongMethod, 405, null, 'method_not_allowed');
  });
});

describe('client disconnect', () => {
  it('stops generating within a token when the client leaves a stream', async () => {
    await expectStreamStopsOnDisconnect(COMPLETIONS, { model: MODEL, prompt: 'the', max_tokens: MAX_GENERATE_TOKENS, stream: true }, 'data: {', MAX_GENERATE_TOKENS);
  });
});

describe('/openapi.json', () => {
  it('documents the compatible routes, their parameters, chunks and error shape', async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }> };
    };
    expect(Object.keys(doc.paths['/openai/v1/completions']!)).toEqual(['post']);
    expect(Object.keys(doc.paths['/openai/v1/completions']!.post!.responses).sort()).toEqual(['200', '400', '404', '405', '413', '415', '429', '503']);
    expect(Object.keys(doc.paths['/openai/v1/models']!)).toEqual(['get']);
    expect(Object.keys(doc.paths['/openai/v1/models/{model}']!)).toEqual(['get']);
    const request = doc.components.schemas.CompletionRequest!;
    expect(request.required?.sort()).toEqual(['model', 'prompt']);
    for (const p of ['max_tokens', 'temperature', 'top_p', 'n', 'stop', 'seed', 'stream', 'logprobs', 'echo', 'user', 'suffix', 'logit_bias', 'best_of', 'presence_penalty', 'frequency_penalty']) {
      expect(request.properties, p).toHaveProperty(p);
    }
    expect(request.properties.logprobs).toMatchObject({ minimum: 0, maximum: 5 });
    expect(Object.keys(doc.components.schemas.CompletionChunk!.properties).sort()).toEqual(['choices', 'created', 'id', 'model', 'object', 'usage']);
    expect(Object.keys(doc.components.schemas.OpenAIError!.properties)).toEqual(['error']);
  });
});
