import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import { createApp } from '../src/app.ts';
import { LanguageModel, type Predictor } from '@seqlm/core/lm';
import { MODEL_SOURCES } from '../src/models/generated.ts';
import { ModelRegistry } from '../src/models/registry.ts';
import rnnIo from '../../../fixtures/models/rnn-tiny/io.json' with { type: 'json' };
import gruIo from '../../../fixtures/models/gru-tiny/io.json' with { type: 'json' };
import lstmIo from '../../../fixtures/models/lstm-tiny/io.json' with { type: 'json' };
import gruManifest from '../../../fixtures/models/gru-tiny/manifest.json' with { type: 'json' };

export const BASE = 'http://edge.test';

export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/** POSTs `body` (JSON-encoded unless a string) to the worker. */
export function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export async function postJson<T>(path: string, body: unknown): Promise<{ status: number; body: T; res: Response }> {
  const res = await post(path, body);
  return { status: res.status, body: (await res.json()) as T, res };
}

interface IoTensor {
  dtype: string;
  shape: number[];
  data: number[];
}
export interface IoCase {
  name: string;
  inputs: Record<string, IoTensor>;
  outputs: Record<string, IoTensor>;
}
export const GOLDEN = { 'rnn-tiny': rnnIo, 'gru-tiny': gruIo, 'lstm-tiny': lstmIo } as Record<string, { tolerance: number; cases: IoCase[] }>;
export const FIXTURE_VOCAB: string[] = gruManifest.vocab.tokens;

/** The rows [b] of a golden case whose initial state is all zeros (what the API starts from). */
export function zeroStateRows(io: { cases: IoCase[] }): { ids: number[]; logits: number[][] }[] {
  const rows: { ids: number[]; logits: number[][] }[] = [];
  for (const c of io.cases) {
    const stateZero = Object.entries(c.inputs).every(([name, t]) => name === 'ids' || t.data.every((v) => v === 0));
    if (!stateZero) continue;
    const [B, T] = c.inputs.ids!.shape as [number, number];
    const V = c.outputs.logits!.shape[2]!;
    for (let b = 0; b < B; b++) {
      const ids = c.inputs.ids!.data.slice(b * T, (b + 1) * T);
      const logits = Array.from({ length: T }, (_, t) => c.outputs.logits!.data.slice((b * T + t) * V, (b * T + t + 1) * V));
      rows.push({ ids, logits });
    }
  }
  return rows;
}

/** ln softmax(x)_i = x_i − log Σ_j exp(x_j), in float64. */
export function logSoftmaxRef(x: readonly number[]): number[] {
  const m = Math.max(...x);
  const lse = m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
  return x.map((v) => v - lse);
}

/** Text whose d2l normalisation and char tokenization give `ids`; <unk> becomes a letter outside the vocabulary. */
export function textOf(ids: readonly number[], vocab: readonly string[]): string {
  const outside = 'qwertyuiopasdfghjklzxcvbnm'.split('').find((ch) => !vocab.includes(ch));
  return ids.map((id) => (id === 0 ? outside : vocab[id])).join('');
}

/** Splits a Server-Sent Events body into its events. */
export function parseSse(text: string): { event: string; data: string; id?: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const at = line.indexOf(':');
        if (at <= 0) continue;
        const key = line.slice(0, at);
        fields[key] = fields[key] === undefined ? line.slice(at + 1).replace(/^ /, '') : `${fields[key]}\n${line.slice(at + 1).replace(/^ /, '')}`;
      }
      return { event: fields.event ?? 'message', data: fields.data ?? '', ...(fields.id !== undefined ? { id: fields.id } : {}) };
    });
}

/** Serves only `id` (gru-tiny) and counts the model runs (the prompt's, then one per generated token but the last). */
export class CountingRegistry extends ModelRegistry {
  runs = 0;

  constructor(id = 'gru-tiny') {
    super(MODEL_SOURCES.filter((source) => source.id === id));
  }

  override async get(id: string): Promise<LanguageModel> {
    const model = await super.get(id);
    const inner = model.predictor;
    const predictor: Predictor<unknown> = {
      vocabSize: inner.vocabSize,
      normalized: inner.normalized,
      start: () => inner.start(),
      advance: (state, ids) => {
        this.runs++;
        return inner.advance(state, ids);
      },
      logProbsOf: (ids) => inner.logProbsOf(ids),
    };
    return new LanguageModel({ id: model.id, manifest: model.manifest, vocab: model.vocab, stopIds: model.stopIds, predictor });
  }
}

/**
 * Streams `body` from `path` on an app over a counting gru-tiny, reads the first chunk (which must
 * contain `firstChunk`), cancels, and checks that at most one more model run happens; the same
 * request read to its end runs the model `fullRuns` times.
 */
export async function expectStreamStopsOnDisconnect(path: string, body: unknown, firstChunk: string, fullRuns: number): Promise<void> {
  const request = (registry: CountingRegistry) =>
    createApp(registry).request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const counting = new CountingRegistry();
  const reader = (await request(counting)).body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain(firstChunk);
  await reader.cancel();
  const atCancel = counting.runs;
  // Give a generation that kept going ample time to run many more steps.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(counting.runs - atCancel).toBeLessThanOrEqual(1);
  expect(counting.runs).toBeLessThan(20);
  // Uninterrupted, the same request runs the model once per token.
  const full = new CountingRegistry();
  await (await request(full)).text();
  expect(full.runs).toBe(fullRuns);
}
