import { SeqlmError } from '../errors/index.ts';
import { checkMaxTokens, checkPrefix, checkStopIds, stepOne, warmUp } from './generate.ts';
import { logSoftmax, topIndices } from './softmax.ts';
import type { StepModel } from './step-model.ts';

export interface BeamSearchOptions {
  /** Sequences kept at each step (integer >= 1); 1 is greedy decoding. */
  beamWidth: number;
  /** Most tokens generated after the prefix (integer >= 0). */
  maxTokens: number;
  /** Length-normalisation exponent α in score = log P / L^α (D2L 10.8.3 suggests 0.75). Default 0.75. */
  lengthPenalty?: number;
  /** A hypothesis ends when it produces one of these ids (kept in its `ids`). */
  stopIds?: readonly number[];
}

export interface BeamHypothesis {
  /** Generated ids, prefix excluded, the stop id included when `finished`. */
  ids: Int32Array;
  /** log P(ids | prefix), natural log. */
  logProb: number;
  /** logProb / L^α with L = ids.length; the quantity hypotheses are ranked by. */
  score: number;
  /** Whether the hypothesis ended with a stop id (otherwise it reached `maxTokens`). */
  finished: boolean;
}

interface Beam<S> {
  ids: number[];
  logProb: number;
  /** The model state after `ids`. */
  state: S;
  /** log P(next token | prefix, ids), one entry per vocabulary id. */
  next: Float64Array;
}

interface Candidate {
  beam: number;
  token: number;
  logProb: number;
}

/**
 * Beam search (D2L 10.8.3) over a stateful step model: after warming up on the
 * prefix, each step extends every live beam by every token, keeps the
 * `beamWidth` most probable live extensions, and sets aside extensions ending in
 * a stop id. The result is the best of the finished and the final live
 * hypotheses by length-normalised score, best first.
 */
export function beamSearch<S>(model: StepModel<S>, prefixIds: ArrayLike<number>, options: BeamSearchOptions): BeamHypothesis[] {
  const { beamWidth, maxTokens } = options;
  const alpha = options.lengthPenalty ?? 0.75;
  checkPrefix(prefixIds);
  checkMaxTokens(maxTokens);
  checkStopIds(options.stopIds);
  if (!Number.isSafeInteger(beamWidth) || beamWidth < 1) {
    throw new SeqlmError('INVALID_ARGUMENT', `beamWidth must be an integer >= 1, got ${beamWidth}`, { beamWidth });
  }
  if (!Number.isFinite(alpha) || alpha < 0) {
    throw new SeqlmError('INVALID_ARGUMENT', `lengthPenalty must be a finite number >= 0, got ${alpha}`, { lengthPenalty: alpha });
  }
  const stop = new Set(options.stopIds ?? []);
  const score = (logProb: number, length: number): number => (length === 0 ? logProb : logProb / length ** alpha);
  const hypothesis = (ids: number[], logProb: number, finished: boolean): BeamHypothesis => ({
    ids: Int32Array.from(ids),
    logProb,
    score: score(logProb, ids.length),
    finished,
  });

  const start = warmUp(model, prefixIds);
  let beams: Beam<S>[] = [{ ids: [], logProb: 0, state: start.state, next: logSoftmax(start.logits) }];
  const finished: BeamHypothesis[] = [];

  for (let t = 0; t < maxTokens && beams.length > 0; t++) {
    const ranked = rankCandidates(beams, beamWidth + stop.size);
    const survivors: Candidate[] = [];
    for (const [rank, c] of ranked.entries()) {
      if (stop.has(c.token)) {
        // Only a stop within the top `beamWidth` counts; a worse one would not have been kept.
        if (rank < beamWidth) finished.push(hypothesis([...(beams[c.beam] as Beam<S>).ids, c.token], c.logProb, true));
      } else if (survivors.length < beamWidth) {
        survivors.push(c);
      }
    }
    const last = t + 1 === maxTokens;
    beams = survivors.map((c) => {
      const parent = beams[c.beam] as Beam<S>;
      const ids = [...parent.ids, c.token];
      // Past the last token nothing reads the state, so the step is skipped.
      if (last) return { ids, logProb: c.logProb, state: parent.state, next: parent.next };
      const out = stepOne(model, parent.state, c.token);
      return { ids, logProb: c.logProb, state: out.state, next: logSoftmax(out.logits) };
    });
  }

  const all = [...finished, ...beams.map((b) => hypothesis(b.ids, b.logProb, false))];
  return all.sort((a, b) => b.score - a.score);
}

/**
 * The best extensions across all beams, best first (ties: earlier beam, lower
 * token id); tokens of probability 0 are never candidates. A beam can place at
 * most `beamWidth` survivors plus its stop ids, so `perBeam = beamWidth + stops`
 * tokens from each are enough and the full V-wide list is never merged.
 */
function rankCandidates<S>(beams: Beam<S>[], perBeam: number): Candidate[] {
  const candidates: Candidate[] = [];
  beams.forEach((beam, b) => {
    const { next } = beam;
    if (next.length === 0) throw new SeqlmError('SHAPE_MISMATCH', 'the model returned no logits');
    for (const token of topIndices(next, perBeam)) {
      const logProb = beam.logProb + (next[token] as number);
      if (logProb > Number.NEGATIVE_INFINITY) candidates.push({ beam: b, token, logProb });
    }
  });
  return candidates.sort((x, y) => y.logProb - x.logProb || x.beam - y.beam || x.token - y.token);
}
