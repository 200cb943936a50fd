import { SeqlmError } from '../errors/index.ts';
import { UNK_ID } from '../vocab/index.ts';
import { CompactBackoffModel } from './compact-model.ts';
import type { NgramModel } from './model.ts';

/** Why a perplexity is undefined. */
export type PerplexityUndefinedReason = 'no-tokens' | 'no-in-vocabulary-tokens';

/** How well a model predicts a text. Natural logs throughout; bits = nats / ln 2. */
export interface TextScore {
  /** Tokens scored: every token of the text, plus `</s>` for each sequence when the model uses boundaries. */
  tokens: number;
  /** Tokens that are `<unk>` (unknown to the vocabulary); they are scored as `<unk>`. */
  oov: number;
  /** ln p of each scored token given its context, in order. -Infinity where the model gives probability 0. */
  logProbs: Float64Array;
  /** Sum of `logProbs`. */
  logProb: number;
  /** −logProb / tokens, in nats and in bits per token; undefined when nothing was scored. */
  crossEntropy: { nats: number; bits: number } | undefined;
  /** exp(cross-entropy in nats) over all tokens; Infinity when a token has probability 0. */
  perplexity: number | undefined;
  /** The same over the tokens that are not OOV (as SRILM's `ppl` reports). */
  perplexityExcludingOov: number | undefined;
  crossEntropyExcludingOov: { nats: number; bits: number } | undefined;
  /** Set exactly when `perplexity` is undefined. */
  perplexityUndefined?: PerplexityUndefinedReason;
  /** Set exactly when `perplexityExcludingOov` is undefined. */
  perplexityExcludingOovUndefined?: PerplexityUndefinedReason;
}

/**
 * Scores sequences of token ids (D2L 9.3: perplexity = exp(−1/n Σ ln p(x_t | x_{t−N+1..t−1}))).
 * With boundaries each non-empty sequence is read as `<s> x_1 .. x_T </s>` and
 * `</s>` is scored too; an empty sequence adds nothing, so an empty text
 * scores 0 tokens and its perplexity is undefined (`perplexityUndefined`).
 * A token id 0 (`<unk>`) counts as OOV.
 */
export function scoreIds(model: NgramModel, sequences: ArrayLike<number> | readonly ArrayLike<number>[]): TextScore {
  const list = isSequenceList(sequences) ? sequences : [sequences];
  const useBoundaries = model.boundaries && model.bos >= 0 && model.eos >= 0;
  const parts: Float64Array[] = [];
  let tokens = 0;
  let oov = 0;
  let logProb = 0;
  let oovLogProb = 0;
  for (const input of list) {
    if (input.length === 0) continue;
    const seq = useBoundaries ? wrap(input, model.bos, model.eos) : input;
    const first = useBoundaries ? 1 : 0;
    const lps = new Float64Array(seq.length - first);
    // the compact model carries its context state along the sequence instead of finding it per token
    if (model instanceof CompactBackoffModel) model.scoreRun(seq, first, lps);
    for (let i = first; i < seq.length; i++) {
      const lp = model instanceof CompactBackoffModel ? (lps[i - first] as number) : model.logProbAt(seq, i);
      lps[i - first] = lp;
      logProb += lp;
      if ((seq[i] as number) === UNK_ID) {
        oov++;
        oovLogProb += lp;
      }
    }
    tokens += lps.length;
    parts.push(lps);
  }
  const logProbs = concat(parts, tokens);
  const all = summarize(logProb, tokens);
  // -Infinity − (-Infinity) would be NaN: when an OOV token had p = 0, sum the rest directly
  const inVocabLogProb = Number.isFinite(oovLogProb) ? logProb - oovLogProb : sumInVocabulary(logProbs, list, useBoundaries);
  const known = summarize(inVocabLogProb, tokens - oov);
  const score: TextScore = {
    tokens,
    oov,
    logProbs,
    logProb,
    crossEntropy: all.crossEntropy,
    perplexity: all.perplexity,
    perplexityExcludingOov: known.perplexity,
    crossEntropyExcludingOov: known.crossEntropy,
  };
  if (tokens === 0) score.perplexityUndefined = 'no-tokens';
  if (tokens - oov === 0) score.perplexityExcludingOovUndefined = tokens === 0 ? 'no-tokens' : 'no-in-vocabulary-tokens';
  return score;
}

/**
 * Scores token strings (one sequence, or several such as lines); tokens not
 * in the vocabulary are mapped to `<unk>` and counted as OOV.
 */
export function scoreTokens(model: NgramModel, sequences: readonly string[] | readonly (readonly string[])[]): TextScore {
  const list = sequences.length > 0 && typeof sequences[0] !== 'string' ? (sequences as readonly (readonly string[])[]) : [sequences as readonly string[]];
  return scoreIds(
    model,
    list.map((s) => model.vocab.encode(s)),
  );
}

/** One scored token, as KenLM's `query` prints it per word. */
export interface TokenScore {
  /** The token id scored; `</s>` ends each sequence of a model with boundaries. */
  id: number;
  /** log10 p(token | context), ARPA's unit; -Infinity for probability 0. */
  log10Prob: number;
  /** Length of the n-gram that matched (`matchedOrderAt`): N for the full context, 1 for a unigram, 0 for none. */
  order: number;
  /** The token is `<unk>`. */
  oov: boolean;
}

/** A model that can say which n-gram order answered each query (both of core's models can). */
export type OrderedNgramModel = NgramModel & { matchedOrderAt(seq: ArrayLike<number>, pos: number): number };

/**
 * Every token's score, sequence by sequence, wrapped in `<s> … </s>` as
 * `scoreIds` wraps them; the log10 p values sum (times ln 10) to `scoreIds`'s `logProb`.
 */
export function tokenScores(model: OrderedNgramModel, sequences: readonly ArrayLike<number>[]): TokenScore[][] {
  const useBoundaries = model.boundaries && model.bos >= 0 && model.eos >= 0;
  const out: TokenScore[][] = [];
  for (const input of sequences) {
    if (input.length === 0) continue;
    const seq = useBoundaries ? wrap(input, model.bos, model.eos) : input;
    const scores: TokenScore[] = [];
    for (let i = useBoundaries ? 1 : 0; i < seq.length; i++) {
      const id = seq[i] as number;
      scores.push({ id, log10Prob: model.logProbAt(seq, i) / Math.LN10, order: model.matchedOrderAt(seq, i), oov: id === UNK_ID });
    }
    out.push(scores);
  }
  return out;
}

function summarize(logProb: number, n: number): { crossEntropy: { nats: number; bits: number } | undefined; perplexity: number | undefined } {
  if (n === 0) return { crossEntropy: undefined, perplexity: undefined };
  // + 0 turns the −0 of a certain prediction into 0
  const nats = -logProb / n + 0;
  return { crossEntropy: { nats, bits: nats / Math.LN2 }, perplexity: Math.exp(nats) };
}

function sumInVocabulary(logProbs: Float64Array, list: readonly ArrayLike<number>[], boundaries: boolean): number {
  let sum = 0;
  let k = 0;
  for (const input of list) {
    if (input.length === 0) continue;
    for (let i = 0; i < input.length; i++, k++) if ((input[i] as number) !== UNK_ID) sum += logProbs[k] as number;
    if (boundaries) sum += logProbs[k++] as number;
  }
  return sum;
}

function isSequenceList(value: ArrayLike<number> | readonly ArrayLike<number>[]): value is readonly ArrayLike<number>[] {
  if (!Array.isArray(value)) return false;
  if (value.length === 0) return false;
  const first: unknown = value[0];
  if (typeof first === 'number') return false;
  if (first === null || typeof first !== 'object' || typeof (first as { length?: unknown }).length !== 'number') {
    throw new SeqlmError('INVALID_ARGUMENT', 'expected token ids or a list of token id sequences');
  }
  return true;
}

function wrap(input: ArrayLike<number>, bos: number, eos: number): Int32Array {
  const seq = new Int32Array(input.length + 2);
  seq[0] = bos;
  for (let i = 0; i < input.length; i++) seq[i + 1] = input[i] as number;
  seq[seq.length - 1] = eos;
  return seq;
}

function concat(parts: Float64Array[], n: number): Float64Array {
  if (parts.length === 1) return parts[0] as Float64Array;
  const out = new Float64Array(n);
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
