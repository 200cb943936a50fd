import { UNK_ID, type EncodedText, type Vocab } from '../vocab/index.ts';
import type { SequenceLogProbs } from './predictor.ts';

/** One token of a scored text. */
export interface ScoredToken {
  token: string;
  id: number;
  /** ln p(token | everything before it); null where the model makes no prediction; -Infinity for probability 0. */
  logProb: number | null;
  /** Unknown to the vocabulary, so scored as `<unk>`. */
  oov: boolean;
  /** Scored after the text rather than part of it (`</s>` of a model trained with sentence boundaries). */
  trailing?: true;
}

/** Cross-entropy and perplexity over a set of scored tokens (D2L 9.3). */
export interface ScoreSummary {
  /** Tokens with a log-probability. */
  scored: number;
  /** Σ ln p over them. */
  logProb: number;
  /** −logProb / scored, in nats and in bits per token; null when nothing was scored. */
  crossEntropy: { nats: number; bits: number } | null;
  /** exp(cross-entropy in nats); Infinity when a token has probability 0; null when nothing was scored. */
  perplexity: number | null;
}

/** How well a model predicts a text: the one shape every front end shows. */
export interface TextScore extends ScoreSummary {
  tokens: ScoredToken[];
  /** Tokens of the text that are out of the vocabulary. */
  oov: number;
  /** The same summary over the tokens that are not OOV (as SRILM's `ppl` reports). */
  excludingOov: ScoreSummary;
}

/** Builds the summary over `logProbs` (nulls skipped): cross-entropy = −(1/n) Σ ln p, perplexity = exp of it. */
export function summarize(logProbs: Iterable<number | null>): ScoreSummary {
  let scored = 0;
  let logProb = 0;
  for (const lp of logProbs) {
    if (lp === null) continue;
    scored++;
    logProb += lp;
  }
  if (scored === 0) return { scored, logProb, crossEntropy: null, perplexity: null };
  // + 0 turns the −0 of a certain prediction into 0
  const nats = -logProb / scored + 0;
  return { scored, logProb, crossEntropy: { nats, bits: nats / Math.LN2 }, perplexity: Math.exp(nats) };
}

/** The `TextScore` of an encoded text from a predictor's per-token log-probabilities. */
export function textScore(input: EncodedText, vocab: Vocab, result: SequenceLogProbs): TextScore {
  const tokens: ScoredToken[] = [];
  for (let i = 0; i < input.ids.length; i++) {
    const id = input.ids[i] as number;
    const lp = result.logProbs[i] as number;
    tokens.push({ token: input.tokens[i] as string, id, logProb: Number.isNaN(lp) ? null : lp, oov: id === UNK_ID });
  }
  for (const t of result.trailing) tokens.push({ token: vocab.tokenOf(t.id), id: t.id, logProb: t.logProb, oov: false, trailing: true });
  const all = summarize(tokens.map((t) => t.logProb));
  const oov = tokens.reduce((n, t) => n + (t.oov ? 1 : 0), 0);
  return { ...all, tokens, oov, excludingOov: summarize(tokens.map((t) => (t.oov ? null : t.logProb))) };
}
