import { describe, expect, it } from 'vitest';
import { RnnModel, warmUp, type RnnState } from '@seqlm/core';
import { commonPrefixLength, PrefixCursor, type IncrementalModel } from './prefix-cursor.ts';

/** Core's GRU as an incremental model that counts the tokens it is fed. */
function countingGru(): { model: IncrementalModel<RnnState>; rnn: RnnModel; fed: number[] } {
  const rnn = new RnnModel({ cell: 'gru', vocabSize: 6, hiddenSize: 5, numLayers: 2 }, { seed: 3, init: { scheme: 'normal', scale: 0.5 } });
  const fed: number[] = [];
  const model: IncrementalModel<RnnState> = {
    initial: () => ({ state: rnn.initialState(1), scores: null }),
    feed: async (state, ids) => {
      let out: { state: RnnState; logits: Float32Array } = { state, logits: new Float32Array(0) };
      for (const id of ids) {
        fed.push(id);
        out = rnn.step(out.state, Int32Array.of(id));
      }
      return { state: out.state, scores: out.logits };
    },
  };
  return { model, rnn, fed };
}

/** The logits after the whole prefix computed from scratch, to compare against. */
function fromScratch(rnn: RnnModel, ids: number[]): Float32Array {
  return warmUp(rnn, ids).logits;
}

describe('commonPrefixLength', () => {
  it('counts leading equal ids', () => {
    expect(commonPrefixLength([1, 2, 3], [1, 2, 4, 5])).toBe(2);
    expect(commonPrefixLength([], [1])).toBe(0);
    expect(commonPrefixLength([1, 2], [1, 2])).toBe(2);
    expect(commonPrefixLength([7], [1, 7])).toBe(0);
  });
});

describe('PrefixCursor', () => {
  it('feeds only the appended tokens and matches a run from scratch', async () => {
    const { model, rnn, fed } = countingGru();
    const cursor = new PrefixCursor(model);
    const first = await cursor.update(Int32Array.of(1, 2, 3));
    expect(first).toMatchObject({ fed: 3, reused: 0 });
    fed.length = 0;
    const second = await cursor.update(Int32Array.of(1, 2, 3, 4, 5));
    expect(second).toMatchObject({ fed: 2, reused: 3 });
    expect(fed).toEqual([4, 5]);
    expect(Array.from(second.scores ?? [])).toEqual(Array.from(fromScratch(rnn, [1, 2, 3, 4, 5])));
  });

  it('answers an empty prefix from the initial state without feeding anything', async () => {
    const { model } = countingGru();
    const update = await new PrefixCursor(model).update(new Int32Array(0));
    expect(update).toEqual({ scores: null, fed: 0, reused: 0 });
  });

  it('rewinds to the saved state before an edit: deleting the last token costs nothing', async () => {
    const { model, rnn, fed } = countingGru();
    const cursor = new PrefixCursor(model);
    for (let n = 1; n <= 4; n++) await cursor.update(Int32Array.of(1, 2, 3, 4).subarray(0, n)); // typed one at a time
    fed.length = 0;
    const back = await cursor.update(Int32Array.of(1, 2, 3));
    expect(back).toMatchObject({ fed: 0, reused: 3 });
    expect(fed).toEqual([]);
    expect(Array.from(back.scores ?? [])).toEqual(Array.from(fromScratch(rnn, [1, 2, 3])));
  });

  it('re-feeds from the last state inside the unchanged part after an edit in the middle', async () => {
    const { model, rnn, fed } = countingGru();
    const cursor = new PrefixCursor(model);
    await cursor.update(Int32Array.of(1, 2)); // checkpoint at 2
    await cursor.update(Int32Array.of(1, 2, 3, 4, 5)); // pasted: checkpoint at 5 only
    fed.length = 0;
    const edited = await cursor.update(Int32Array.of(1, 2, 3, 0, 5)); // token 4 changed
    expect(edited).toMatchObject({ fed: 3, reused: 2 });
    expect(fed).toEqual([3, 0, 5]);
    expect(Array.from(edited.scores ?? [])).toEqual(Array.from(fromScratch(rnn, [1, 2, 3, 0, 5])));
  });

  it('re-prefills from the start when the first token changes', async () => {
    const { model, fed } = countingGru();
    const cursor = new PrefixCursor(model);
    await cursor.update(Int32Array.of(1, 2, 3));
    fed.length = 0;
    expect(await cursor.update(Int32Array.of(2, 2, 3))).toMatchObject({ fed: 3, reused: 0 });
    expect(fed).toEqual([2, 2, 3]);
  });

  it('keeps at most maxCheckpoints saved states, always the initial one', async () => {
    const { model, fed } = countingGru();
    const cursor = new PrefixCursor(model, { maxCheckpoints: 3 });
    const ids = Int32Array.of(1, 2, 3, 4, 5);
    for (let n = 1; n <= 5; n++) await cursor.update(ids.subarray(0, n)); // saved: 0, 4, 5
    fed.length = 0;
    // Back to 2 tokens: the states at 1..3 were dropped, so it refeeds from 0.
    expect(await cursor.update(ids.subarray(0, 2))).toMatchObject({ fed: 2, reused: 0 });
  });

  it('serialises overlapping updates so each starts from the state the previous one left', async () => {
    const { model, rnn } = countingGru();
    const cursor = new PrefixCursor(model);
    const [a, b] = await Promise.all([cursor.update(Int32Array.of(1, 2)), cursor.update(Int32Array.of(1, 2, 3))]);
    expect(a).toMatchObject({ fed: 2, reused: 0 });
    expect(b).toMatchObject({ fed: 1, reused: 2 });
    expect(Array.from(b.scores ?? [])).toEqual(Array.from(fromScratch(rnn, [1, 2, 3])));
  });
});
