import { describe, expect, it } from 'vitest';
import { ProgressReporter, formatDuration } from './progress.ts';

const batch = { epoch: 2, epochs: 5, batch: 10, numBatches: 10, loss: 1.5, tokensPerSecond: 4000.4, etaSeconds: 75 };
const epoch = { epoch: 2, trainLoss: 1.5, trainPerplexity: Math.exp(1.5), valPerplexity: 5, gradNorm: 0.3, tokens: 1000, seconds: 2, tokensPerSecond: 500 };

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, sink: { isTTY, columns: 200, write: (t: string) => writes.push(t) } };
}

describe('ProgressReporter', () => {
  it('draws a live bar with epoch, batch, loss, tokens/s and ETA on a TTY, then clears it for the epoch line', () => {
    const { writes, sink: s } = sink(true);
    const p = new ProgressReporter(s);
    p.batch(batch);
    expect(writes[0]).toBe('\r\x1b[2Kepoch 2/5 [########################] 10/10  loss 1.5000  4000 tok/s  ETA 1:15');
    p.epoch(epoch, 5);
    expect(writes[1]).toBe('\r\x1b[2K');
    expect(writes[2]).toMatch(/^epoch 2\/5  train ppl 4\.482  val ppl 5\.000 .*\n$/);
  });

  it('writes only plain epoch lines when not a TTY', () => {
    const { writes, sink: s } = sink(false);
    const p = new ProgressReporter(s);
    p.batch(batch);
    p.epoch(epoch, 5);
    expect(writes).toHaveLength(1);
    expect(writes[0]).not.toContain('\r');
  });

  it('formats durations', () => {
    expect([formatDuration(0), formatDuration(75), formatDuration(3725), formatDuration(NaN)]).toEqual(['0:00', '1:15', '1:02:05', '--:--']);
  });
});
