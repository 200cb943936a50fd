import { NORMALIZATIONS, TOKENIZERS, type TokenizerKind } from '@seqlm/core/text';
import { loadCorpusFile, type LoadedCorpus } from '../../corpus/index.ts';
import {
  buildNgram,
  formatPerplexity,
  MAX_NGRAM_ORDER,
  NGRAM_BOUNDARIES,
  NGRAM_SMOOTHINGS,
  writeNgramModelDir,
  type NgramBuildPhase,
  type NgramBuildResult,
  type WrittenNgramModelDir,
} from '../../ngram/index.ts';
import { CORPUS_OPTIONS, corpusChoice, loadCorpusChoice } from '../corpus-flags.ts';
import { defineCommand } from '../command.ts';
import { choice, existingFile, positiveInt, usageError } from '../flags.ts';
import { jsonNumber, ngramOutDir, positiveNumber } from './ngram-flags.ts';

// Fixed rather than a flag so every model's validation number means the same thing (D2L's 90/10 split).
const TRAIN_FRACTION = 0.9;
const VAL_FRACTION = 0.1;

const PHASE_LABEL: Record<NgramBuildPhase | 'write', string> = {
  tokenize: 'tokenizing',
  count: 'counting',
  estimate: 'estimating',
  validate: 'validating',
  write: 'writing',
};

export const ngramBuild = defineCommand({
  name: 'ngram build',
  summary: 'Train an n-gram language model on the first 90% of a corpus and report perplexity on the last 10%',
  description:
    'Normalises the corpus, cuts it by position (first 90% to train, last 10% to validate), counts n-grams of orders 1..N, ' +
    'estimates p(x_t | x_{t-N+1} .. x_{t-1}) with MLE, add-k or interpolated modified Kneser-Ney, and reports the validation perplexity ' +
    'exp(-1/n Σ ln p) (D2L 9.3). Writes <out>/manifest.json, <out>/model.ngram, <out>/stats.json (Zipf statistics of the training tokens, for the playground) ' +
    'and <out>/model.arpa with --arpa, atomically: ' +
    'the directory appears complete or not at all, and an existing model directory is replaced. Progress goes to stderr.',
  options: {
    ...CORPUS_OPTIONS,
    order: { type: 'string', valueName: 'N', description: `Order N of the model, 1..${MAX_NGRAM_ORDER} (required): each token is predicted from the N-1 before it` },
    tokenizer: { type: 'string', valueName: 'kind', description: `Tokens: ${TOKENIZERS.join(' | ')}`, default: 'char' },
    normalization: {
      type: 'string',
      valueName: 'kind',
      description: `Text normalisation: ${NORMALIZATIONS.join(' | ')} (default: the corpus's own, d2l for timemachine, raw otherwise)`,
    },
    boundaries: {
      type: 'string',
      valueName: 'kind',
      description: 'none: the whole text is one sequence without <s>/</s> (D2L) | lines: each non-empty line is <s> … </s>, as KenLM and SRILM read text; the 90/10 cut then falls between lines',
      default: 'none',
    },
    smoothing: { type: 'string', valueName: 'kind', description: 'mle (relative frequencies) | addk (add-k / Laplace) | kn (interpolated modified Kneser-Ney)', default: 'kn' },
    k: { type: 'string', valueName: 'k', description: 'Pseudo-count of --smoothing addk, > 0 (default: 1, Laplace)' },
    prune: {
      type: 'string',
      valueName: 'k',
      variadic: true,
      description:
        'Count cutoffs per order, as lmplz: "--prune 0 0 1" drops the n-grams of order 3 and up seen at most once (KN adjusted counts); the last value holds for higher orders, values must not decrease, the first must be 0 (kn only)',
    },
    'limit-vocab': {
      type: 'string',
      valueName: 'path',
      description: 'Only the tokens in this UTF-8 file enter the vocabulary (words separated by whitespace; for --tokenizer char every character of the file); the others are read as <unk>',
    },
    out: { type: 'string', short: 'o', valueName: 'dir', description: 'Model directory to write (required); its parent must exist' },
    arpa: { type: 'boolean', description: 'Also write model.arpa (mle and kn only; a char model escapes space as \\s and newline as \\n)' },
    name: { type: 'string', valueName: 'name', description: 'Model name for the manifest (default: <corpus>-<tokenizer>-<N>gram-<smoothing>)' },
    quiet: { type: 'boolean', short: 'q', description: 'No progress lines on stderr' },
    json: { type: 'boolean', description: 'Print the summary as JSON instead of text' },
  },
  examples: [
    'seqlm ngram build --corpus timemachine --order 5 --out models/tm-char-5',
    'seqlm ngram build --corpus tinyshakespeare --order 6 --smoothing addk --k 0.1 --out models/shakespeare-6',
    'seqlm ngram build --corpus-file notes.txt --tokenizer word --order 3 --arpa --out models/notes-3 --json',
    'cat notes.txt | seqlm ngram build --corpus-file - --tokenizer word --boundaries lines --order 3 --out models/notes-lines-3',
  ],
  async run({ values, io }) {
    const started = performance.now();
    const source = corpusChoice(values, io);
    const order = positiveInt('order', values.order);
    if (order === undefined) throw usageError('give --order <N>, the order of the n-gram model');
    if (order > MAX_NGRAM_ORDER) throw usageError(`--order must be at most ${MAX_NGRAM_ORDER} (got ${order})`, { flag: 'order', value: values.order });
    const tokenizer = choice('tokenizer', values.tokenizer, TOKENIZERS, 'char');
    const explicitNormalization = choice('normalization', values.normalization, NORMALIZATIONS);
    const smoothing = choice('smoothing', values.smoothing, NGRAM_SMOOTHINGS, 'kn');
    const boundaries = choice('boundaries', values.boundaries, NGRAM_BOUNDARIES, 'none');
    const k = positiveNumber('k', values.k);
    if (k !== undefined && smoothing !== 'addk') throw usageError(`--k is the pseudo-count of --smoothing addk and does not apply to ${smoothing}`);
    if (values.arpa === true && smoothing === 'addk') throw usageError('--arpa needs --smoothing mle or kn: an add-k model has no exact backoff (ARPA) form');
    const prune = pruneFlag(values.prune);
    if (prune !== undefined && smoothing !== 'kn') throw usageError(`--prune keeps Kneser-Ney statistics consistent and needs --smoothing kn (got ${smoothing})`);
    const limitVocab = values['limit-vocab'] === undefined ? undefined : await readLimitVocab(existingFile('limit-vocab', values['limit-vocab'], io.cwd), tokenizer);
    if (values.out === undefined) throw usageError('give --out <dir>, the model directory to write');
    const out = await ngramOutDir(values.out, io.cwd);

    const progress = (phase: NgramBuildPhase | 'write', seconds: number, detail: string): void => {
      if (values.quiet !== true) io.stderr.write(`seqlm: ${PHASE_LABEL[phase].padEnd(10)} ${seconds.toFixed(2)} s  ${detail}\n`);
    };
    const corpus = await loadCorpusChoice(source, io);
    const normalization = explicitNormalization ?? corpus.entry?.defaultNormalization ?? 'raw';
    const built = buildNgram(corpus.text, {
      order,
      tokenizer,
      normalization,
      smoothing,
      boundaries,
      ...(k !== undefined ? { k } : {}),
      ...(prune !== undefined ? { prune } : {}),
      ...(limitVocab !== undefined ? { limitVocab } : {}),
      trainFraction: TRAIN_FRACTION,
      onProgress: (e) => progress(e.phase, e.seconds, e.detail),
      // Warnings show even with --quiet: each says why a number may mislead.
      onWarning: (message) => io.stderr.write(`seqlm: warning: ${message}\n`),
    });
    const wallTimeSeconds = (performance.now() - started) / 1000;

    const writeStart = performance.now();
    const { validation, model } = built;
    const zeroProbability = validation.logProbs.reduce((n, lp) => (lp === Number.NEGATIVE_INFINITY ? n + 1 : n), 0);
    const written = await writeNgramModelDir(out, model, {
      text: { tokenizer, normalization },
      name: values.name ?? `${corpus.name}-${tokenizer}-${order}gram-${smoothing}`,
      arpa: values.arpa === true,
      statsTokens: built.trainTokens,
      training: {
        corpus: corpus.name,
        valFraction: VAL_FRACTION,
        backend: 'core-cpu',
        hyperparameters: {
          tokenizer,
          normalization,
          smoothing,
          boundaries,
          ...(smoothing === 'addk' ? { k: k ?? 1 } : {}),
          ...(prune !== undefined ? { prune: prune.join(' ') } : {}),
          ...(limitVocab !== undefined ? { limitVocab: values['limit-vocab'] ?? null, limitVocabTokens: limitVocab.size } : {}),
          trainFraction: TRAIN_FRACTION,
          corpusSha256: corpus.sha256,
          valTokens: validation.tokens,
          valOov: validation.oov,
          // How many validation tokens got probability 0: why an MLE model's perplexity is infinite.
          valZeroProbabilityTokens: zeroProbability,
          valPerplexityExcludingOov: jsonNumber(validation.perplexityExcludingOov),
        },
        ...(validation.perplexity !== undefined && Number.isFinite(validation.perplexity) ? { finalValPerplexity: validation.perplexity } : {}),
        wallTimeSeconds,
        createdAt: new Date().toISOString(),
      },
    });
    const writeSeconds = (performance.now() - writeStart) / 1000;
    progress('write', writeSeconds, Object.entries(written.bytes).map(([f, b]) => `${f} (${b} bytes)`).join(', '));

    io.stdout.write(values.json ? `${JSON.stringify(toJSON(corpus, built, written, wallTimeSeconds, writeSeconds, zeroProbability), null, 2)}\n` : formatText(corpus, built, written, wallTimeSeconds, zeroProbability));
  },
});

/** `--prune 0 0 1` (arrives as "0 0 1"; commas work too): non-negative integers. */
function pruneFlag(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const words = raw.split(/[\s,]+/u).filter((w) => w !== '');
  if (words.length === 0 || !words.every((w) => /^[0-9]+$/u.test(w) && Number.isSafeInteger(Number(w)))) {
    throw usageError(`--prune takes one count cutoff (an integer ≥ 0) per order, e.g. "--prune 0 0 1" (got ${JSON.stringify(raw)})`, { flag: 'prune', value: raw });
  }
  return words.map(Number);
}

async function readLimitVocab(path: string, tokenizer: TokenizerKind): Promise<Set<string>> {
  const corpus = await loadCorpusFile(path);
  const tokens = tokenizer === 'char' ? Array.from(corpus.text) : corpus.text.split(/\s+/u).filter((w) => w !== '');
  if (tokens.length === 0) throw usageError(`--limit-vocab: ${path} lists no tokens`, { flag: 'limit-vocab', path });
  return new Set(tokens);
}

function ratio(p: { before: number[]; after: number[] }): string {
  const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
  return `${((100 * sum(p.after)) / sum(p.before)).toFixed(1)}%`;
}

function estimatorLabel(built: NgramBuildResult): string {
  const e = built.model.estimator;
  return e.kind === 'add-k' ? `add-k (k = ${e.k})` : e.kind === 'kneser-ney' ? 'interpolated modified Kneser-Ney' : e.kind === 'mle' ? 'MLE' : e.kind;
}

function formatText(corpus: LoadedCorpus, built: NgramBuildResult, written: WrittenNgramModelDir, wallTimeSeconds: number, zeroProbability: number): string {
  const v = built.validation;
  const m = written.manifest;
  const infinite = v.perplexity === Number.POSITIVE_INFINITY;
  const lines = [
    `model          ${written.dir}`,
    `corpus         ${corpus.name} (${corpus.source}: ${corpus.path})`,
    `text           ${m.text.tokenizer} tokens, ${m.text.normalization} normalisation, vocabulary ${m.vocab.tokens.length} (including <unk>)`,
    `estimator      ${estimatorLabel(built)}, order ${m.ngram.order}${m.ngram.sentenceBoundaries ? ', <s> … </s> around each line' : ''}`,
    `n-grams        ${m.ngram.counts.map((c, i) => `${i + 1}: ${c}`).join(', ')}`,
    ...(built.pruning ? [`  unpruned     ${built.pruning.before.map((c, i) => `${i + 1}: ${c}`).join(', ')} (${ratio(built.pruning)} of the n-grams kept)`] : []),
    `split          first ${TRAIN_FRACTION * 100}% to train (${built.model.trainedOn?.tokens ?? 0} tokens), last ${VAL_FRACTION * 100}% to validate (${v.tokens} tokens, ${v.oov} OOV)`,
    `val perplexity ${formatPerplexity(v.perplexity)}${infinite ? ` (${zeroProbability} validation token(s) have probability 0 under ${built.model.estimator.kind})` : ''}`,
    `  excl. OOV    ${formatPerplexity(v.perplexityExcludingOov)}`,
    `cross-entropy  ${v.crossEntropy === undefined ? 'n/a' : infinite ? '∞' : `${v.crossEntropy.bits.toFixed(4)} bits/token`}`,
    `files          ${Object.keys(written.bytes).join(', ')}`,
    `build time     ${wallTimeSeconds.toFixed(2)} s`,
  ];
  return `${lines.join('\n')}\n`;
}

function toJSON(corpus: LoadedCorpus, built: NgramBuildResult, written: WrittenNgramModelDir, wallTimeSeconds: number, writeSeconds: number, zeroProbability: number): unknown {
  const v = built.validation;
  const m = written.manifest;
  return {
    dir: written.dir,
    corpus: { name: corpus.name, source: corpus.source, path: corpus.path, bytes: corpus.bytes, sha256: corpus.sha256 },
    tokenizer: m.text.tokenizer,
    normalization: m.text.normalization,
    order: m.ngram.order,
    boundaries: m.ngram.sentenceBoundaries ? 'lines' : 'none',
    smoothing: m.ngram.estimator,
    ...(m.ngram.k !== undefined ? { k: m.ngram.k } : {}),
    vocabSize: m.vocab.tokens.length,
    ngramCounts: m.ngram.counts,
    ...(built.pruning ? { ngramCountsBeforePruning: built.pruning.before } : {}),
    trainFraction: TRAIN_FRACTION,
    trainTokens: built.model.trainedOn?.tokens ?? 0,
    validation: {
      tokens: v.tokens,
      oov: v.oov,
      zeroProbabilityTokens: zeroProbability,
      // JSON has no Infinity: an infinite perplexity is null here, with `perplexityInfinite` true.
      perplexity: jsonNumber(v.perplexity),
      perplexityInfinite: v.perplexity === Number.POSITIVE_INFINITY,
      perplexityExcludingOov: jsonNumber(v.perplexityExcludingOov),
      crossEntropyBits: jsonNumber(v.crossEntropy?.bits),
    },
    files: m.files,
    warnings: built.warnings,
    wallTimeSeconds,
    timings: { ...built.timings, write: writeSeconds },
  };
}
