import { Rng } from '../random/index.ts';
import type { StepModel } from './step-model.ts';

/**
 * A first-order Markov chain as a step model: the state is the last token fed
 * (-1 before any), the logits are log P(next | last). Every token fed is
 * recorded, so tests can check what the decoder sent.
 */
export class MarkovModel implements StepModel<Int32Array> {
  readonly fed: number[] = [];
  readonly transitions: number[][];

  constructor(transitions: number[][]) {
    this.transitions = transitions;
  }

  get vocabSize(): number {
    return this.transitions.length;
  }

  initialState(batch: number): Int32Array {
    return new Int32Array(batch).fill(-1);
  }

  step(state: Int32Array, tokenIds: Int32Array): { logits: Float32Array; state: Int32Array } {
    const v = this.vocabSize;
    const logits = new Float32Array(tokenIds.length * v); // [B, V]
    tokenIds.forEach((id, b) => {
      this.fed.push(id);
      const row = this.transitions[id] ?? [];
      for (let j = 0; j < v; j++) logits[b * v + j] = Math.log(row[j] ?? 0);
    });
    return { logits, state: Int32Array.from(tokenIds) };
  }

  /** P(ids | prefix ending in `last`), multiplied out by hand. */
  probability(last: number, ids: ArrayLike<number>): number {
    let p = 1;
    let prev = last;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      p *= this.transitions[prev]?.[id] ?? 0;
      prev = id;
    }
    return p;
  }
}

/** A random, dense V×V chain: each row a softmax of N(0, 2²) logits. */
export function randomMarkov(vocabSize: number, seed: number): MarkovModel {
  const rng = new Rng(seed);
  const rows = Array.from({ length: vocabSize }, () => {
    const e = Array.from({ length: vocabSize }, () => Math.exp(rng.normal(0, 2)));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  });
  return new MarkovModel(rows);
}
