import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { generateTokens, logSoftmax, type StepModel } from '@seqlm/core/sampling';
import { UNK_ID, Vocab } from '@seqlm/core/vocab';
import { LanguageModel, type GeneratedToken, type Predictor } from '@seqlm/core/lm';
import { readSettings, sampleText, TOP_ALTERNATIVES, type FieldInput, type GenerateSettings, type SettingsFields } from './generate.ts';

type Values = Record<keyof SettingsFields, string>;

const form: Values = { prompt: 'the time', temperature: '0.8', topK: '', topP: '0.9', seed: '7', length: '50' };

/** The fields as the page's inputs present them; `bad` lists those the browser could not parse (and so blanked). */
function fields(values: Values, bad: (keyof Values)[] = []): SettingsFields {
  const entry = (name: keyof Values): FieldInput => ({ value: bad.includes(name) ? '' : values[name], validity: { badInput: bad.includes(name) } });
  return { prompt: entry('prompt'), temperature: entry('temperature'), topK: entry('topK'), topP: entry('topP'), seed: entry('seed'), length: entry('length') };
}

function messageOf(input: SettingsFields): string {
  try {
    readSettings(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SeqlmError);
    expect((error as SeqlmError).code).toBe('INVALID_ARGUMENT');
    return (error as SeqlmError).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('readSettings', () => {
  it('reads numbers and leaves top-k out when blank (all tokens)', () => {
    expect(readSettings(fields(form))).toEqual({ prompt: 'the time', temperature: 0.8, topP: 0.9, seed: 7, maxTokens: 50 });
    expect(readSettings(fields({ ...form, topK: '5' })).topK).toBe(5);
  });

  it('leaves top-p out when blank, as top-k: no nucleus filtering, the same as top-p 1', () => {
    const blank = readSettings(fields({ ...form, topP: '', topK: '' }));
    expect(blank).toEqual({ prompt: 'the time', temperature: 0.8, seed: 7, maxTokens: 50 });
    expect(readSettings(fields({ ...form, topP: ' ' }))).toEqual(blank);
    expect(readSettings(fields({ ...form, topP: '1' })).topP).toBe(1);
  });

  it.each([
    [{ temperature: 'hot' }, 'temperature must be a number, got "hot"'],
    [{ temperature: '-1' }, 'temperature must be a finite number >= 0'],
    [{ temperature: '' }, 'temperature must be a number; the field is empty'],
    [{ topK: '2.5' }, 'topK must be an integer >= 1'],
    [{ topP: '0' }, 'topP must be in (0, 1]'],
    [{ topP: '1.5' }, 'topP must be in (0, 1]'],
    [{ seed: '-3' }, 'seed must be an integer in [0, 2^32)'],
    [{ seed: '' }, 'seed must be a number; the field is empty'],
    [{ length: '0' }, 'length must be an integer from 1 to 2000'],
    [{ length: '2001' }, 'length must be an integer from 1 to 2000'],
  ])('rejects %j', (change, message) => {
    expect(messageOf(fields({ ...form, ...change }))).toContain(message);
  });

  // A number input shows "abc" but reports value "" with validity.badInput: the message must not quote the blank.
  it.each([
    ['temperature', 'temperature must be a number'],
    ['topK', 'top-k must be a number'],
    ['topP', 'top-p must be a number'],
    ['seed', 'seed must be a number'],
    ['length', 'length must be a number'],
  ] as const)('says %s must be a number when the browser could not parse it', (name, message) => {
    expect(messageOf(fields({ ...form, [name]: 'abc' }, [name]))).toBe(message);
  });
});

const vocab = Vocab.fromJSON({ format: 'seqlm-vocab', version: 1, reserved: [], tokens: ['<unk>', ' ', 'e', 'h', 't'] });
const spec = { tokenizer: 'char', normalization: 'd2l' } as const;

/**
 * Logits depending on the last token only, with `<unk>` the likeliest after
 * every token, so a sampler that does not exclude it draws it often.
 */
function logitsAfter(last: number): Float32Array {
  return Float32Array.from({ length: vocab.size }, (_, j) => (j === UNK_ID ? 2 : 0.3 * ((j + last) % 4)));
}

const stepModel: StepModel<number> = {
  initialState: () => -1,
  step: (_state, ids) => ({ logits: logitsAfter(ids[0] as number), state: ids[0] as number }),
};

/** The same chain as a language model of core's runtime; records the ids each model run is fed (the prompt first). */
function chainModel(prompts: Int32Array[]): LanguageModel {
  const predictor: Predictor<number> = {
    vocabSize: vocab.size,
    normalized: false,
    start: () => ({ state: -1, scores: null }),
    advance: (_state, ids) => {
      prompts.push(ids.slice());
      const last = ids[ids.length - 1] as number;
      return { state: last, scores: logitsAfter(last) };
    },
    logProbsOf: (ids) => ({ logProbs: new Float64Array(ids.length).fill(Number.NaN), trailing: [] }),
  };
  return new LanguageModel({ id: 'chain', manifest: { kind: 'gru', text: spec } as LanguageModel['manifest'], vocab, predictor });
}

async function drain(it: AsyncGenerator<GeneratedToken, string>): Promise<number[]> {
  const ids: number[] = [];
  for (let step = await it.next(); !step.done; step = await it.next()) ids.push(step.value.id);
  return ids;
}

describe('sampleText', () => {
  const settings: GenerateSettings = { prompt: 'The, ', seed: 7, maxTokens: 300, temperature: 1, topP: 0.95 };

  it('continues the prompt after its trailing space and never draws <unk>, drawing what core draws', async () => {
    const prompts: Int32Array[] = [];
    const ids = await drain(sampleText(chainModel(prompts), settings));
    // "The, " is the prefix "the ": t h e and the space.
    expect(Array.from(prompts[0] ?? [])).toEqual([4, 3, 2, 1]);
    expect(ids).toHaveLength(settings.maxTokens);
    expect(ids).not.toContain(UNK_ID);
    const core = [...generateTokens(stepModel, [4, 3, 2, 1], { ...settings, excludeIds: [UNK_ID] })];
    expect(ids).toEqual(core);
    // Without the exclusion this chain does draw <unk>, so the check above can fail.
    expect([...generateTokens(stepModel, [4, 3, 2, 1], settings)]).toContain(UNK_ID);
  });

  it('lists the most likely tokens of each step with their ln p under the model (temperature 1)', async () => {
    const it = sampleText(chainModel([]), { ...settings, temperature: 0.5, maxTokens: 6 });
    let last = 1; // the prompt "the " ends with a space
    for (let step = await it.next(); !step.done; step = await it.next()) {
      const t = step.value;
      const lp = logSoftmax(logitsAfter(last));
      const order = Array.from(lp.keys()).sort((a, b) => (lp[b] as number) - (lp[a] as number) || a - b);
      expect(t.top?.map((a) => a.id)).toEqual(order.slice(0, TOP_ALTERNATIVES));
      for (const a of t.top ?? []) expect(Math.abs(a.logProb - (lp[a.id] as number))).toBeLessThan(1e-9);
      expect(Math.abs(t.logProb - (lp[t.id] as number))).toBeLessThan(1e-9);
      last = t.id;
    }
  });

  it('draws with top-p left out (a blank field) exactly what it draws with top-p 1', async () => {
    const { topP: _, ...noTopP } = settings;
    const blank = await drain(sampleText(chainModel([]), { ...noTopP, maxTokens: 100 }));
    expect(blank).toEqual(await drain(sampleText(chainModel([]), { ...noTopP, topP: 1, maxTokens: 100 })));
    expect(blank).not.toEqual(await drain(sampleText(chainModel([]), { ...noTopP, topP: 0.3, maxTokens: 100 })));
  });

  it('greedy decoding takes the likeliest token other than <unk>', async () => {
    const ids = await drain(sampleText(chainModel([]), { ...settings, temperature: 0, maxTokens: 4 }));
    expect(ids).toHaveLength(4);
    // After a token `last`, the largest 0.3·((j + last) mod 4) over j = 1..4 is at (j + last) mod 4 = 3.
    let last = 1;
    for (const id of ids) {
      const best = [1, 2, 3, 4].find((j) => (j + last) % 4 === 3);
      expect(id).toBe(best);
      last = id;
    }
  });
});
