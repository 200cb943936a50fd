import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { beamSearch } from './beam-search.ts';
import { generate, generateTokens } from './generate.ts';
import { sampleToken, samplingDistribution, type SamplingOptions } from './sample.ts';
import { MarkovModel, randomMarkov } from './sampling.test-util.ts';
import { argmax, logSoftmax, logSumExp, softmax, topIndices } from './softmax.ts';

const code = (code: string) => expect.objectContaining({ code });

describe('softmax helpers', () => {
  it('computes log-sum-exp stably', () => {
    expect(logSumExp([0, 0])).toBeCloseTo(Math.log(2), 14);
    // exp(1000) overflows a double; the shifted form does not.
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 10);
    expect(logSumExp([Number.NEGATIVE_INFINITY, 3])).toBe(3);
  });

  it('gives probabilities that sum to 1 and match the closed form', () => {
    const p = softmax([1000, 1001]);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.E), 14);
    expect(p[1]).toBeCloseTo(Math.E / (1 + Math.E), 14);
    const q = softmax([0.3, -1.2, 2.5, 0], 0.5);
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const denom = [0.3, -1.2, 2.5, 0].reduce((s, x) => s + Math.exp(x / 0.5), 0);
    expect(q[2]).toBeCloseTo(Math.exp(2.5 / 0.5) / denom, 14);
  });

  it('log-softmax is log of softmax', () => {
    const x = [0.5, -3, 2, 7];
    const p = softmax(x);
    logSoftmax(x).forEach((l, i) => expect(l).toBeCloseTo(Math.log(p[i] as number), 12));
  });

  it('refuses NaN, +Infinity, all -Infinity and empty logits', () => {
    expect(() => softmax([1, Number.NaN])).toThrow(code('NON_FINITE'));
    expect(() => logSumExp([Number.POSITIVE_INFINITY])).toThrow(code('NON_FINITE'));
    expect(() => argmax([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toThrow(code('NON_FINITE'));
    expect(() => softmax([])).toThrow(code('INVALID_ARGUMENT'));
  });

  it('argmax breaks ties by the lower id', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
  });

  it('topIndices returns the k largest, largest first, ties by lower id', () => {
    expect(topIndices([1, 3, 3, 2, 3, 0], 2)).toEqual([1, 2]);
    expect(topIndices([1, 3, 3, 2, 3, 0], 4)).toEqual([1, 2, 4, 3]);
    expect(topIndices([5, 4], 10)).toEqual([0, 1]);
    expect(topIndices([5, 4], 0)).toEqual([]);
    expect(topIndices([5, 4, 6], Number.POSITIVE_INFINITY)).toEqual([2, 0, 1]);
    // NaN compares false with everything, so it used to keep every index.
    for (const k of [Number.NaN, -1, 1.5]) expect(() => topIndices([5, 4], k)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // Against a full sort on random values with many ties.
    const rng = new Rng(8);
    const x = Array.from({ length: 200 }, () => rng.int(20));
    const reference = Array.from(x.keys()).sort((a, b) => (x[b] as number) - (x[a] as number) || a - b);
    expect(topIndices(x, 7)).toEqual(reference.slice(0, 7));
  });
});

describe('samplingDistribution and sampleToken', () => {
  // Probabilities chosen by hand; logits are their logs, so softmax gives them back.
  const probs = [0.1, 0.4, 0.05, 0.3, 0.15];
  const logits = Float32Array.from(probs, Math.log);
  const kept = (options: SamplingOptions): number[] =>
    Array.from(samplingDistribution(logits, options).entries())
      .filter(([, p]) => p > 0)
      .map(([i]) => i);

  it('top-p keeps the smallest most-likely set whose mass reaches p', () => {
    expect(kept({ topP: 0.05 })).toEqual([1]);
    expect(kept({ topP: 0.4 })).toEqual([1]);
    expect(kept({ topP: 0.41 })).toEqual([1, 3]);
    expect(kept({ topP: 0.7 })).toEqual([1, 3]); // 0.4 + 0.3 reaches 0.7 exactly
    expect(kept({ topP: 0.71 })).toEqual([1, 3, 4]);
    expect(kept({ topP: 0.9 })).toEqual([0, 1, 3, 4]);
    expect(kept({ topP: 1 })).toEqual([0, 1, 2, 3, 4]);
    const d = samplingDistribution(logits, { topP: 0.8 });
    expect(d[1]).toBeCloseTo(0.4 / 0.85, 6);
    expect(d[3]).toBeCloseTo(0.3 / 0.85, 6);
    expect(d[4]).toBeCloseTo(0.15 / 0.85, 6);
  });

  it('top-k keeps the k most likely, and top-p then applies to what is left', () => {
    expect(kept({ topK: 2 })).toEqual([1, 3]);
    expect(kept({ topK: 3 })).toEqual([1, 3, 4]);
    expect(kept({ topK: 99 })).toEqual([0, 1, 2, 3, 4]);
    // Renormalised over {1, 3, 4} (mass 0.85): 0.4/0.85 = 0.47 < 0.5, so two tokens are needed.
    expect(kept({ topK: 3, topP: 0.5 })).toEqual([1, 3]);
  });

  it('breaks ties at the cut by lower id', () => {
    const tied = [0, 1, 1, 1, -1];
    const keptIds = (options: SamplingOptions) =>
      Array.from(samplingDistribution(tied, options).entries())
        .filter(([, p]) => p > 0)
        .map(([i]) => i);
    expect(keptIds({ topK: 2 })).toEqual([1, 2]);
    expect(samplingDistribution(tied, { topK: 2 })[2]).toBeCloseTo(0.5, 12);
    expect(keptIds({ topP: 0.5 })).toEqual([1, 2]);
  });

  it('temperature 0 and topK 1 are greedy; temperature -> 0 tends to greedy', () => {
    expect(Array.from(samplingDistribution(logits, { temperature: 0 }))).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(samplingDistribution(logits, { topK: 1 }))).toEqual([0, 1, 0, 0, 0]);
    expect(samplingDistribution(logits, { temperature: 1e-3 })[1]).toBeCloseTo(1, 12);
    // Temperature T sharpens: p_T ∝ p^(1/T).
    const sharp = samplingDistribution(logits, { temperature: 0.5 });
    const z = probs.reduce((s, p) => s + p * p, 0);
    expect(sharp[1]).toBeCloseTo((0.4 * 0.4) / z, 6);
  });

  it('top-k never emits a token outside the k most likely, and draws them at their renormalised rates', () => {
    const rng = new Rng(3);
    const l = Float32Array.from({ length: 30 }, () => rng.normal(0, 1.5));
    const p = softmax(l);
    const top5 = Array.from(p.keys())
      .sort((a, b) => (p[b] as number) - (p[a] as number))
      .slice(0, 5);
    const mass = top5.reduce((s, i) => s + (p[i] as number), 0);
    const counts = new Map<number, number>();
    const draws = 20000;
    const drawRng = new Rng(11);
    for (let i = 0; i < draws; i++) {
      const id = sampleToken(l, { topK: 5 }, drawRng);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect([...counts.keys()].every((id) => top5.includes(id))).toBe(true);
    // Binomial standard error is below 0.0036 here; 0.02 is over five of them.
    for (const id of top5) expect(Math.abs((counts.get(id) ?? 0) / draws - (p[id] as number) / mass)).toBeLessThan(0.02);
  });

  it('excludeIds removes ids before temperature, top-k and top-p, and renormalises the rest', () => {
    // Without id 1 (0.4) the mass left is 0.6.
    const d = samplingDistribution(logits, { excludeIds: [1] });
    expect(d[1]).toBe(0);
    [0, 2, 3, 4].forEach((i) => expect(d[i]).toBeCloseTo((probs[i] as number) / 0.6, 6));
    expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Top-2 of what is left: 0.3 and 0.15 over 0.45.
    const top2 = samplingDistribution(logits, { excludeIds: [1], topK: 2 });
    expect(top2[3]).toBeCloseTo(0.3 / 0.45, 6);
    expect(top2[4]).toBeCloseTo(0.15 / 0.45, 6);
    expect(kept({ excludeIds: [1], topK: 2 })).toEqual([3, 4]);
    // Top-p 0.5 of {0.1, 0.05, 0.3, 0.15}/0.6: 0.5 alone reaches it.
    expect(kept({ excludeIds: [1], topP: 0.5 })).toEqual([3]);
    // Greedy takes the best id not excluded.
    expect(Array.from(samplingDistribution(logits, { excludeIds: [1], temperature: 0 }))).toEqual([0, 0, 0, 1, 0]);
    expect(sampleToken(logits, { excludeIds: [1, 3], topK: 1 }, new Rng(1))).toBe(4);
    // Ids past the vocabulary cannot be drawn anyway and are ignored; an empty list changes nothing.
    expect(Array.from(samplingDistribution(logits, { excludeIds: [99] }))).toEqual(Array.from(samplingDistribution(logits)));
    expect(Array.from(samplingDistribution(logits, { excludeIds: [] }))).toEqual(Array.from(samplingDistribution(logits)));
  });

  it('never draws an excluded id, draws the others at their renormalised rates, and leaves the logits alone', () => {
    const before = Array.from(logits);
    const rng = new Rng(21);
    const counts = [0, 0, 0, 0, 0];
    const draws = 20000;
    for (let i = 0; i < draws; i++) counts[sampleToken(logits, { excludeIds: [1, 3] }, rng)]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    // Left: 0.1, 0.05, 0.15 over 0.3. Binomial standard error is below 0.0036; 0.02 is over five of them.
    for (const i of [0, 2, 4]) expect(Math.abs((counts[i] as number) / draws - (probs[i] as number) / 0.3)).toBeLessThan(0.02);
    expect(Array.from(logits)).toEqual(before);
  });

  it('refuses excludeIds that remove every id, or that are not non-negative integers', () => {
    const rng = new Rng(1);
    expect(() => sampleToken(logits, { excludeIds: [0, 1, 2, 3, 4] }, rng)).toThrow(code('INVALID_ARGUMENT'));
    expect(() => sampleToken(logits, { excludeIds: [4, 3, 2, 1, 0, 0, 7], temperature: 0 }, rng)).toThrow(code('INVALID_ARGUMENT'));
    expect(() => samplingDistribution(logits, { excludeIds: [0, 1, 2, 3, 4] })).toThrow(code('INVALID_ARGUMENT'));
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => sampleToken(logits, { excludeIds: [bad] }, rng), String(bad)).toThrow(code('INVALID_ARGUMENT'));
    }
  });

  it('refuses invalid options with INVALID_ARGUMENT', () => {
    const rng = new Rng(1);
    for (const bad of [
      { temperature: -0.1 },
      { temperature: Number.NaN },
      { temperature: Number.POSITIVE_INFINITY },
      { topK: 0 },
      { topK: 2.5 },
      { topK: Number.NaN },
      { topP: 0 },
      { topP: 1.01 },
      { topP: Number.NaN },
    ]) {
      expect(() => sampleToken(logits, bad, rng), JSON.stringify(bad)).toThrow(code('INVALID_ARGUMENT'));
    }
  });
});

describe('generate', () => {
  const model = () => randomMarkov(12, 5);

  it('warms up on the prefix, then feeds back each generated token', () => {
    const m = model();
    const { ids, finishReason } = generate(m, [3, 7, 2], { maxTokens: 6, seed: 1 });
    expect(finishReason).toBe('length');
    expect(ids).toHaveLength(6);
    // Prefix, then every generated token but the last (it needs no further step).
    expect(m.fed).toEqual([3, 7, 2, ...Array.from(ids.subarray(0, 5))]);
  });

  it('with temperature 0 follows the argmax chain from the last prefix token', () => {
    const m = model();
    const { ids } = generate(m, [4], { maxTokens: 8, temperature: 0 });
    let prev = 4;
    for (const id of ids) {
      const row = m.transitions[prev] as number[];
      expect(id).toBe(row.indexOf(Math.max(...row)));
      prev = id;
    }
  });

  it('a temperature near 0 gives the greedy text', () => {
    const greedy = generate(model(), [1, 2], { maxTokens: 20, temperature: 0 }).ids;
    for (const seed of [1, 2, 3]) {
      expect(generate(model(), [1, 2], { maxTokens: 20, temperature: 1e-4, seed }).ids).toEqual(greedy);
    }
  });

  it('same seed, same text; another seed, other text', () => {
    const opts = { maxTokens: 40, temperature: 1, topP: 0.95, seed: 42 };
    const a = generate(model(), [0], opts).ids;
    expect(generate(model(), [0], opts).ids).toEqual(a);
    expect(generate(model(), [0], { ...opts, seed: 43 }).ids).not.toEqual(a);
  });

  it('never generates an excluded id, even one the model favours', () => {
    // Id 0 is the likeliest next token after every token; without it the chain is 1 <-> 2 at 0.5 each way.
    const chain = new MarkovModel([
      [0.9, 0.05, 0.05],
      [0.6, 0.2, 0.2],
      [0.6, 0.2, 0.2],
    ]);
    const { ids } = generate(chain, [1], { maxTokens: 200, seed: 5, excludeIds: [0] });
    expect(ids).toHaveLength(200);
    expect(ids.includes(0)).toBe(false);
    expect(Array.from(generate(chain, [1], { maxTokens: 5, temperature: 0, excludeIds: [0] }).ids)).toEqual([1, 1, 1, 1, 1]);
    expect(() => generateTokens(chain, [1], { maxTokens: 3, excludeIds: [-2] })).toThrow(code('INVALID_ARGUMENT'));
  });

  it('stops before a stop id', () => {
    // 0 -> 1 -> 2 surely; 2 is the stop id.
    const chain = new MarkovModel([
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(generate(chain, [0], { maxTokens: 10, stopIds: [2], seed: 9 })).toEqual({ ids: Int32Array.of(1), finishReason: 'stop' });
  });

  it('streams tokens one at a time and returns the finish reason', () => {
    const it = generateTokens(model(), [0], { maxTokens: 3, temperature: 0 });
    const seen = [it.next(), it.next(), it.next(), it.next()];
    expect(seen.slice(0, 3).every((s) => s.done === false)).toBe(true);
    expect(seen[3]).toEqual({ done: true, value: 'length' });
  });

  it('refuses an empty prefix, bad ids and bad options at the call', () => {
    const m = model();
    expect(() => generate(m, [], { maxTokens: 3 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => generate(m, [1.5], { maxTokens: 3 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => generateTokens(m, [1], { maxTokens: -1 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => generateTokens(m, [1], { maxTokens: 3, topP: 2 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => generate(m, [1], { maxTokens: 3, seed: Number.NaN })).toThrow(code('INVALID_ARGUMENT'));
    expect(m.fed).toEqual([]);
  });
});

describe('beamSearch', () => {
  // 0 = start, 1 = A, 2 = B, 3 = C. Greedy takes A (0.6) then A (0.34): 0.204.
  // B (0.4) then C (0.9) is 0.36, found only by looking past the first step.
  const trap = () =>
    new MarkovModel([
      [0, 0.6, 0.4, 0],
      [0, 0.34, 0.33, 0.33],
      [0, 0.05, 0.05, 0.9],
      [0, 0.1, 0.1, 0.8],
    ]);

  it('finds the most probable sequence where greedy does not', () => {
    const greedy = generate(trap(), [0], { maxTokens: 2, temperature: 0 }).ids;
    expect(Array.from(greedy)).toEqual([1, 1]);
    const [best] = beamSearch(trap(), [0], { beamWidth: 2, maxTokens: 2, lengthPenalty: 0 });
    expect(Array.from(best?.ids ?? [])).toEqual([2, 3]);
    expect(best?.logProb).toBeCloseTo(Math.log(0.4 * 0.9), 6);
    // Exhaustively, no two-token sequence beats it.
    const m = trap();
    let bestP = 0;
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) bestP = Math.max(bestP, m.probability(0, [a, b]));
    expect(Math.exp(best?.logProb ?? 0)).toBeCloseTo(bestP, 6);
  });

  it('with width 1 equals greedy decoding, stop ids included', () => {
    for (const seed of [1, 2, 3, 4]) {
      const greedy = generate(randomMarkov(9, seed), [seed], { maxTokens: 15, temperature: 0, stopIds: [0] });
      const [best] = beamSearch(randomMarkov(9, seed), [seed], { beamWidth: 1, maxTokens: 15, stopIds: [0] });
      // Beam hypotheses keep their stop id; generate leaves it out.
      const ids = Array.from(best?.ids ?? []);
      expect(best?.finished ? ids.slice(0, -1) : ids).toEqual(Array.from(greedy.ids));
      expect(best?.finished).toBe(greedy.finishReason === 'stop');
    }
  });

  it('length normalisation decides between a short finished and a long hypothesis', () => {
    // 0 = start, 1 = end (stop), 2 = A. Start -> end or A at 0.5 each; A -> A 0.95, end 0.05.
    const m = () =>
      new MarkovModel([
        [0, 0.5, 0.5],
        [1, 0, 0],
        [0, 0.05, 0.95],
      ]);
    const opts = { beamWidth: 2, maxTokens: 3, stopIds: [1] };
    // α = 0: log 0.5 = -0.69 beats log(0.5 · 0.95²) = -0.80.
    const raw = beamSearch(m(), [0], { ...opts, lengthPenalty: 0 });
    expect(Array.from(raw[0]?.ids ?? [])).toEqual([1]);
    expect(raw[0]?.finished).toBe(true);
    // α = 1: -0.80 / 3 = -0.27 beats -0.69 / 1.
    const normalised = beamSearch(m(), [0], { ...opts, lengthPenalty: 1 });
    expect(Array.from(normalised[0]?.ids ?? [])).toEqual([2, 2, 2]);
    expect(normalised[0]?.score).toBeCloseTo(Math.log(0.5 * 0.95 * 0.95) / 3, 6);
    // Every hypothesis is reported, best first.
    const scores = normalised.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(normalised.map((h) => Array.from(h.ids))).toContainEqual([2, 1]);
  });

  it('refuses invalid options', () => {
    expect(() => beamSearch(trap(), [0], { beamWidth: 0, maxTokens: 2 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => beamSearch(trap(), [0], { beamWidth: 1.5, maxTokens: 2 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => beamSearch(trap(), [0], { beamWidth: 2, maxTokens: 2, lengthPenalty: -1 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => beamSearch(trap(), [], { beamWidth: 2, maxTokens: 2 })).toThrow(code('INVALID_ARGUMENT'));
  });
});
