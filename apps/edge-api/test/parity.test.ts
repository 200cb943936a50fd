import { describe, expect, it } from 'vitest';
import { FIXTURE_VOCAB, GOLDEN, logSoftmaxRef, postJson, textOf, zeroStateRows } from './helpers.ts';

interface NextBody {
  input: { tokens: number; oov: number };
  top: { id: number; token: string; prob: number; logProb: number }[];
  probs: number[];
}
interface ScoreBody {
  scored: number;
  tokens: string[];
  logProbs: number[];
  crossEntropy: { nats: number; bits: number };
  perplexity: number;
}

// io.json holds the logits core's RnnModel computes for the fixture weights;
// onnxruntime-web inside workerd must give the same distribution to 1e-5.
describe.each(['rnn-tiny', 'gru-tiny', 'lstm-tiny'])('%s served by onnxruntime-web in workerd', (id) => {
  const io = GOLDEN[id]!;
  const rows = zeroStateRows(io);

  it('has golden rows that start from a zero state', () => {
    expect(rows.length).toBeGreaterThan(0);
  });

  it('/next gives the golden next-token distribution', async () => {
    for (const row of rows) {
      const { status, body } = await postJson<NextBody>(`/v1/models/${id}/next`, { text: textOf(row.ids, FIXTURE_VOCAB), topK: 3, full: true });
      expect(status).toBe(200);
      expect(body.input).toEqual({ tokens: row.ids.length, oov: row.ids.filter((x) => x === 0).length });
      const expected = logSoftmaxRef(row.logits[row.logits.length - 1]!).map(Math.exp);
      expect(body.probs).toHaveLength(expected.length);
      body.probs.forEach((p, i) => expect(Math.abs(p - expected[i]!)).toBeLessThanOrEqual(1e-5));
      const order = expected.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p || a.i - b.i);
      expect(body.top.map((t) => t.id)).toEqual(order.slice(0, 3).map((o) => o.i));
      for (const t of body.top) {
        expect(t.token).toBe(FIXTURE_VOCAB[t.id]);
        expect(Math.abs(t.logProb - Math.log(t.prob))).toBeLessThan(1e-12);
      }
    }
  });

  it('/score gives the golden per-token log-probabilities and derived totals', async () => {
    for (const row of rows) {
      const { status, body } = await postJson<ScoreBody>(`/v1/models/${id}/score`, { text: textOf(row.ids, FIXTURE_VOCAB) });
      expect(status).toBe(200);
      const T = row.ids.length;
      expect(body.scored).toBe(T - 1);
      expect(body.tokens).toEqual(row.ids.slice(1).map((x) => FIXTURE_VOCAB[x]));
      const expected = row.ids.slice(1).map((next, t) => logSoftmaxRef(row.logits[t]!)[next]!);
      body.logProbs.forEach((lp, t) => expect(Math.abs(lp - expected[t]!)).toBeLessThanOrEqual(1e-5));
      const nats = -expected.reduce((a, b) => a + b, 0) / expected.length;
      expect(body.crossEntropy.nats).toBeCloseTo(nats, 5);
      expect(body.crossEntropy.bits).toBeCloseTo(nats / Math.LN2, 5);
      expect(body.perplexity).toBeCloseTo(Math.exp(nats), 4);
    }
  });
});
