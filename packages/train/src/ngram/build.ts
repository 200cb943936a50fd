import { splitByPosition } from '@seqlm/core/data';
import { SeqlmError } from '@seqlm/core/errors';
import { AddKModel, BOS, buildKneserNey, buildMle, compactBackoff, CompactBackoffModel, countNgrams, EOS, scoreIds, type TextScore } from '@seqlm/core/ngram';
import { getTokenizer, normalize, type Normalization, type TokenizerKind } from '@seqlm/core/text';
import { Vocab } from '@seqlm/core/vocab';
import { textSequences, tokenCount, type NgramBoundaries } from './sequences.ts';

/** Smoothing names as the CLI and the manifest (`ngram.estimator`) spell them. */
export const NGRAM_SMOOTHINGS = ['mle', 'addk', 'kn'] as const;
export type NgramSmoothing = (typeof NGRAM_SMOOTHINGS)[number];

/** The highest order the compact n-gram file stores. */
export const MAX_NGRAM_ORDER = 255;

/** The build phases, reported in this order as each one ends. */
export type NgramBuildPhase = 'tokenize' | 'count' | 'estimate' | 'validate';

export interface NgramBuildProgress {
  phase: NgramBuildPhase;
  seconds: number;
  /** What the phase worked on, for a progress line (`1003854 tokens, orders 1..6`). */
  detail: string;
}

export interface NgramBuildOptions {
  order: number;
  tokenizer: TokenizerKind;
  normalization: Normalization;
  /** `none` (default): the text is one sequence. `lines`: each non-empty line is `<s> … </s>`, and the cut falls between lines. */
  boundaries?: NgramBoundaries;
  smoothing: NgramSmoothing;
  /** Pseudo-count of add-k; only with `smoothing: 'addk'`. Default 1 (Laplace). */
  k?: number;
  /** Count cutoffs per order, as lmplz's `--prune` (Kneser-Ney only; see core's `KneserNeyOptions.prune`). */
  prune?: readonly number[];
  /** Only these tokens enter the vocabulary; the others are read as `<unk>` (SRILM's `-vocab` with `-unk`). */
  limitVocab?: ReadonlySet<string>;
  /** Share of the normalised text, from its start, to train on; the rest validates. Default 0.9. */
  trainFraction?: number;
  onProgress?: (event: NgramBuildProgress) => void;
  /** Called as soon as a setting looks like a mistake (the build goes on); the same lines end up in `warnings`. */
  onWarning?: (message: string) => void;
}

/** Validation sets below this many tokens give a perplexity that says little; the build warns. */
export const MIN_VALIDATION_TOKENS = 100;
/** Above this many possible distinct n-grams (about 100 bytes each while building) the build warns before counting. */
export const WARN_NGRAMS = 20_000_000;

export interface NgramBuildResult {
  /** Backoff models (MLE, Kneser-Ney) in the compact form the model file stores, so scoring and writing need no second layout. */
  model: AddKModel | CompactBackoffModel;
  trainFraction: number;
  /** Characters of the normalised text on each side of the cut. */
  chars: { train: number; val: number };
  /** The training part's tokens as the tokenizer split them, sequence after sequence (what the corpus statistics describe). */
  trainTokens: string[];
  /** The validation part scored with the model (OOV tokens are those unseen in training). */
  validation: TextScore;
  /** Seconds per phase. */
  timings: Record<NgramBuildPhase, number>;
  /** Settings or data that make the result doubtful (see `onWarning`). */
  warnings: string[];
  /** With `prune`: n-grams listed per order without pruning (every counted n-gram, every unigram) and with it. */
  pruning?: { before: number[]; after: number[] };
}

/**
 * Trains an n-gram model on the first `trainFraction` of the normalised text
 * and scores the rest, cut by position (D2L 9.3: perplexity = exp(−1/n Σ ln p(x_t | x_{t−N+1..t−1}))).
 * By default the text is one sequence without sentence boundaries, as D2L reads its corpus;
 * with `boundaries: 'lines'` each non-empty line is `<s> … </s>` (as KenLM and SRILM read text)
 * and the first 90% of the lines train. The vocabulary comes from the training part only,
 * so validation can meet OOV tokens.
 */
export function buildNgram(text: string, options: NgramBuildOptions): NgramBuildResult {
  const { order, smoothing } = options;
  if (!(Number.isInteger(order) && order >= 1 && order <= MAX_NGRAM_ORDER)) {
    throw new SeqlmError('INVALID_ARGUMENT', `order must be an integer in 1..${MAX_NGRAM_ORDER}, got ${order}`, { order });
  }
  if (options.k !== undefined && smoothing !== 'addk') {
    throw new SeqlmError('INVALID_ARGUMENT', `k is the pseudo-count of add-k smoothing and does not apply to ${smoothing}`);
  }
  if (options.prune !== undefined && smoothing !== 'kn') {
    throw new SeqlmError('INVALID_ARGUMENT', `pruning keeps Kneser-Ney statistics consistent and does not apply to ${smoothing}`);
  }
  const k = options.k ?? 1;
  if (!(Number.isFinite(k) && k > 0)) throw new SeqlmError('INVALID_ARGUMENT', `k must be a finite number > 0, got ${k}`, { k });
  const trainFraction = options.trainFraction ?? 0.9;
  const report = options.onProgress ?? (() => {});
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const timings = { tokenize: 0, count: 0, estimate: 0, validate: 0 };
  const timed = <T>(phase: NgramBuildPhase, detail: (value: T) => string, fn: () => T): T => {
    const start = performance.now();
    const value = fn();
    timings[phase] = (performance.now() - start) / 1000;
    report({ phase, seconds: timings[phase], detail: detail(value) });
    return value;
  };

  const boundaries = options.boundaries ?? 'none';
  const { vocab, trainTokens, trainSeqs, valSeqs, chars } = timed(
    'tokenize',
    (r) =>
      `${r.trainTokens.length} training and ${tokenCount(r.valSeqs)} validation ${options.tokenizer} tokens` +
      `${boundaries === 'lines' ? ` in ${r.trainSeqs.length} + ${r.valSeqs.length} lines` : ''}, vocabulary ${r.vocab.size}`,
    () => {
      const { normalization, tokenizer } = options;
      let train: string[][];
      let val: string[][];
      let chars: { train: number; val: number };
      if (boundaries === 'none') {
        const split = splitByPosition(normalize(text, normalization), trainFraction);
        const t = getTokenizer(tokenizer);
        train = [t.tokenize(split.train)];
        val = [t.tokenize(split.val)];
        chars = { train: split.train.length, val: split.val.length };
      } else {
        const lines = textSequences(text, normalization, tokenizer, 'lines');
        const split = splitByPosition(lines, trainFraction);
        train = split.train;
        val = split.val;
        chars = { train: charCount(train, tokenizer), val: charCount(val, tokenizer) };
      }
      const trainTokens = train.flat();
      const limit = options.limitVocab;
      const vocab = Vocab.build(limit === undefined ? trainTokens : trainTokens.filter((t) => limit.has(t)), { reserved: boundaries === 'lines' ? [BOS, EOS] : [] });
      return { vocab, trainTokens, trainSeqs: train.map((s) => vocab.encode(s)), valSeqs: val.map((s) => vocab.encode(s)), chars };
    },
  );
  const trainCount = trainTokens.length;
  const valCount = tokenCount(valSeqs);
  if (trainCount === 0 || valCount === 0) {
    throw new SeqlmError('CORPUS_TOO_SHORT', `the ${trainCount === 0 ? 'training' : 'validation'} part of the text has no ${options.tokenizer} tokens`);
  }
  const possible = possibleNgrams(trainCount, vocab.size, order);
  if (possible > WARN_NGRAMS) {
    warn(
      `order ${order} over ${trainCount} tokens may keep up to ${(possible / 1e6).toFixed(1)}M distinct n-grams ` +
        `(about ${Math.round(possible * 1e-7) / 10} GB while building); orders above ~8 for chars or ~5 for words rarely lower perplexity`,
    );
  }
  if (smoothing === 'addk' && k >= trainCount) {
    // (c + k) / (n + kV) with c ≤ n ≤ T ≤ k lies within a factor (T + k) / k ≤ 2 of k / (n + kV).
    warn(`k = ${k} outweighs all ${trainCount} training tokens: every probability is within a factor 2 of the uniform 1/V, the counts hardly matter`);
  }
  if (valCount < MIN_VALIDATION_TOKENS) {
    warn(`validation holds only ${valCount} ${options.tokenizer} token(s): its perplexity says little; give a longer corpus`);
  }
  const counts = timed(
    'count',
    (c) => `orders 1..${order} over ${c.tokens} tokens: ${c.trie.size - 1} distinct n-grams`,
    () =>
      countNgrams(trainSeqs, {
        order,
        vocabSize: vocab.size,
        ...(boundaries === 'lines' ? { bos: vocab.idOf(BOS), eos: vocab.idOf(EOS) } : {}),
      }),
  );
  const withBoundaries = boundaries === 'lines';
  // Unpruned, the model lists every counted n-gram and every unigram of the vocabulary.
  const before = options.prune === undefined ? undefined : listedBeforePruning(counts.trie.columns().length, order, vocab.size);
  const model = timed(
    'estimate',
    () => (smoothing === 'addk' ? `add-k, k = ${k}` : smoothing === 'kn' ? 'interpolated modified Kneser-Ney' : 'MLE'),
    (): AddKModel | CompactBackoffModel => {
      switch (smoothing) {
        case 'mle':
          return compactBackoff(buildMle(counts, vocab, withBoundaries));
        case 'addk':
          return new AddKModel(counts, vocab, withBoundaries, k);
        case 'kn':
          return compactBackoff(buildKneserNey(counts, vocab, withBoundaries, options.prune !== undefined ? { prune: options.prune } : {}));
        default:
          throw new SeqlmError('INVALID_ARGUMENT', `unknown smoothing ${JSON.stringify(smoothing)}; expected ${NGRAM_SMOOTHINGS.join(', ')}`);
      }
    },
  );
  const validation = timed(
    'validate',
    (s) => `perplexity ${formatPerplexity(s.perplexity)} over ${s.tokens} tokens (${s.oov} OOV)`,
    () => scoreIds(model, valSeqs),
  );
  const result: NgramBuildResult = { model, trainFraction, chars, trainTokens, validation, timings, warnings };
  if (before !== undefined && model instanceof CompactBackoffModel) {
    result.pruning = { before, after: Array.from({ length: order }, (_, n) => model.ngramCount(n + 1)) };
  }
  return result;
}

function listedBeforePruning(length: Uint8Array, order: number, V: number): number[] {
  const out = new Array<number>(order).fill(0);
  for (let id = 1; id < length.length; id++) {
    const n = (length[id] as number) - 1;
    out[n] = (out[n] as number) + 1;
  }
  out[0] = V;
  return out;
}

/** Characters of the lines as they were tokenized (a line end counted as one). */
function charCount(lines: readonly string[][], tokenizer: TokenizerKind): number {
  let n = 0;
  for (const l of lines) n += (tokenizer === 'char' ? l.length : l.join(' ').length) + 1;
  return n;
}

/** An upper bound on the distinct n-grams of orders 1..N in T tokens over V types: Σ_n min(T − n + 1, V^n). */
export function possibleNgrams(T: number, V: number, order: number): number {
  let total = 0;
  for (let n = 1; n <= order; n++) total += Math.max(0, Math.min(T - n + 1, V ** n));
  return total;
}

/** A perplexity for people: 3 decimals, `∞` when a token had probability 0, `n/a` when undefined. */
export function formatPerplexity(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  return value.toFixed(3);
}
