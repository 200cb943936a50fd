import type { BatchProgress, EpochMetrics } from './train.ts';

/** Where progress goes: a terminal gets one live line redrawn in place, anything else plain lines. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatEpochLine(m: EpochMetrics, epochs: number): string {
  return (
    `epoch ${m.epoch}/${epochs}  train ppl ${m.trainPerplexity.toFixed(3)}  val ppl ${m.valPerplexity.toFixed(3)}  ` +
    `loss ${m.trainLoss.toFixed(4)}  ${Math.round(m.tokensPerSecond)} tokens/s  ${m.seconds.toFixed(1)} s`
  );
}

/**
 * Training progress on stderr: on a TTY a bar with epoch, batch, loss,
 * tokens/s and ETA, redrawn at most every 100 ms; otherwise only one line per epoch.
 */
export class ProgressReporter {
  readonly #sink: ProgressSink;
  readonly #tty: boolean;
  #lastDraw = 0;
  #drawn = false;

  constructor(sink: ProgressSink) {
    this.#sink = sink;
    this.#tty = sink.isTTY === true;
  }

  batch(p: BatchProgress): void {
    if (!this.#tty) return;
    const now = performance.now();
    if (now - this.#lastDraw < 100 && p.batch !== p.numBatches) return;
    this.#lastDraw = now;
    const width = 24;
    const filled = Math.round((p.batch / p.numBatches) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const line = `epoch ${p.epoch}/${p.epochs} [${bar}] ${p.batch}/${p.numBatches}  loss ${p.loss.toFixed(4)}  ${Math.round(p.tokensPerSecond)} tok/s  ETA ${formatDuration(p.etaSeconds)}`;
    const columns = this.#sink.columns ?? 120;
    this.#sink.write(`\r\x1b[2K${line.slice(0, Math.max(columns - 1, 20))}`);
    this.#drawn = true;
  }

  epoch(m: EpochMetrics, epochs: number): void {
    this.line(formatEpochLine(m, epochs));
  }

  /** A message on its own line, clearing the live bar first. */
  line(text: string): void {
    if (this.#drawn) this.#sink.write('\r\x1b[2K');
    this.#drawn = false;
    this.#sink.write(`${text}\n`);
  }
}
