import { mkdir, readdir, stat, writeFile, appendFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BATCH_SAMPLINGS } from '@seqlm/core/data';
import { SeqlmError } from '@seqlm/core/errors';
import { fileEntry } from '@seqlm/core/manifest';
import { CELL_KINDS, parameterSpecs, resolveConfig } from '@seqlm/core/rnn';
import { NORMALIZATIONS, TOKENIZERS } from '@seqlm/core/text';
import { writeFileAtomic } from '../../lm/atomic-write.ts';
import { exportTrainedModel } from '../../lm/auto-export.ts';
import { MANIFEST_FILE, writeLmArtifact } from '../../lm/artifact.ts';
import { writeCorpusStats } from '../../corpus/stats-file.ts';
import { CHECKPOINT_FILE, loadCheckpoint } from '../../lm/checkpoint.ts';
import { prepareText } from '../../lm/data.ts';
import { OPTIMIZER_KINDS } from '../../lm/optimizer.ts';
import { perplexityChartSpec } from '../../lm/perplexity-chart.ts';
import { ProgressReporter, type ProgressSink } from '../../lm/progress.ts';
import { assertResumable, DEFAULT_LR, engineSpec, LM_DEFAULTS, trainLanguageModel, type EpochMetrics, type LmTrainConfig } from '../../lm/train.ts';
import { selectTrainEngine, TRAIN_BACKEND_CHOICES } from '../../lm/train-backend.ts';
import { skippedRuntimesLine } from '../../onnx/verify.ts';
import { renderSvg } from '../../plot/index.ts';
import { CORPUS_OPTIONS, corpusChoice, loadCorpusChoice } from '../corpus-flags.ts';
import { defineCommand } from '../command.ts';
import { atMost, choice, positiveInt, usageError } from '../flags.ts';
import { LIMITS } from '../limits.ts';

/** A finite number > 0 (`--lr 0.5`, `--clip 1e-2`), or `fallback` when absent. */
export function positiveNumber(name: string, raw: string | undefined, fallback: number): number;
export function positiveNumber(name: string, raw: string | undefined): number | undefined;
export function positiveNumber(name: string, raw: string | undefined, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw usageError(`--${name} must be a positive number (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  return value;
}

/** An interval of allowed values; an open end excludes its bound. */
export interface Interval {
  min: number;
  max: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

/** `(0, 0.5]`: the one spelling of an interval, for `--help` and for the error alike. */
export function formatInterval(i: Interval): string {
  return `${i.minOpen === true ? '(' : '['}${i.min}, ${i.max}${i.maxOpen === true ? ')' : ']'}`;
}

/** A number in `interval`, or `fallback` when absent. */
export function numberInInterval(name: string, raw: string | undefined, interval: Interval, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = raw.trim() === '' ? NaN : Number(raw);
  const { min, max, minOpen = false, maxOpen = false } = interval;
  const ok = Number.isFinite(value) && (minOpen ? value > min : value >= min) && (maxOpen ? value < max : value <= max);
  if (!ok) throw usageError(`--${name} must be a number in ${formatInterval(interval)} (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  return value;
}

/** A number in [min, max) (or [min, max] when `inclusiveMax`), or `fallback` when absent. */
export function numberIn(name: string, raw: string | undefined, min: number, max: number, fallback: number, inclusiveMax = false): number {
  return numberInInterval(name, raw, { min, max, maxOpen: !inclusiveMax }, fallback);
}

/** The validation split: something must be held out, and at most half. */
const VAL_FRACTION: Interval = { min: 0, max: 0.5, minOpen: true };

/** An integer >= 0 (digits only), or `fallback` when absent. */
export function nonNegativeInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) throw usageError(`--${name} must be an integer >= 0 (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  return value;
}

export const train = defineCommand({
  name: 'train',
  summary: 'Train an RNN, GRU or LSTM language model on core\'s WebAssembly SIMD kernels or TensorFlow.js (checkpoints, resume, early stopping)',
  description:
    'Trains a character- or word-level language model on the first 90% of a corpus and reports train and validation perplexity after every epoch (D2L 9.5, 10.1-10.3). ' +
    'Batches come from D2L\'s sequential iterator (state carried and detached across batches) or its random one (state reset each batch); gradients are clipped to global norm --clip. ' +
    'Each epoch writes a checkpoint (weights, optimizer moments, iterator position, RNG) atomically into <out>/checkpoint; --resume continues from it, losing at most the epoch in progress. ' +
    'The result is <out>/weights.bin (the core weights container) with manifest.json, metrics.jsonl (one JSON line per epoch) and perplexity.svg. ' +
    'The best epoch\'s weights are then exported to <out>/model.onnx, as `seqlm export` does, once onnxruntime reproduces core and TensorFlow.js within 1e-4 ' +
    '(--no-export skips it; a failed check exits 1 with the differences and keeps weights.bin, manifest.json and the checkpoint). ' +
    'The engine (--backend) is tfjs-node when its native binding loads, else core\'s own BPTT on WebAssembly SIMD (core-wasm), else TensorFlow.js wasm, else core in TypeScript, else TensorFlow.js cpu; ' +
    'the one used is printed and recorded in the manifest, and a checkpoint from one resumes on any other. ' +
    `Sizes are bounded so a run fits in memory: --hidden and --embedding at most ${LIMITS.hidden}, --layers at most ${LIMITS.layers}, and ${LIMITS.parameters} parameters in all.`,
  options: {
    ...CORPUS_OPTIONS,
    tokenizer: { type: 'string', valueName: 'kind', description: `Tokens: ${TOKENIZERS.join(' | ')}`, default: 'char' },
    normalization: { type: 'string', valueName: 'kind', description: `Text normalisation: ${NORMALIZATIONS.join(' | ')} (default: the corpus's own, d2l for timemachine, raw otherwise)` },
    out: { type: 'string', short: 'o', valueName: 'dir', description: 'Output directory for the model, metrics, plot and checkpoints (created if missing; required)' },
    resume: { type: 'boolean', description: 'Continue the run checkpointed in --out (same hyperparameters; --epochs and --patience may change)' },
    cell: { type: 'string', valueName: 'kind', description: `Recurrent cell: ${CELL_KINDS.join(' | ')}`, default: 'gru' },
    hidden: { type: 'string', valueName: 'n', description: `Hidden units per layer, at most ${LIMITS.hidden}`, default: String(LM_DEFAULTS.hiddenSize) },
    layers: { type: 'string', valueName: 'n', description: `Stacked recurrent layers, at most ${LIMITS.layers}`, default: String(LM_DEFAULTS.numLayers) },
    embedding: { type: 'string', valueName: 'n', description: `Learn an n-dimensional embedding (n at most ${LIMITS.embedding}) instead of one-hot input (default: one-hot, as D2L)` },
    dropout: { type: 'string', valueName: 'p', description: 'Dropout rate between stacked layers, in [0, 1)', default: String(LM_DEFAULTS.dropout) },
    'batch-size': { type: 'string', valueName: 'n', description: 'Sequences per minibatch', default: String(LM_DEFAULTS.batchSize) },
    'num-steps': { type: 'string', valueName: 'n', description: 'Time steps per sequence (BPTT truncation)', default: String(LM_DEFAULTS.numSteps) },
    epochs: { type: 'string', valueName: 'n', description: 'Passes over the training text', default: String(LM_DEFAULTS.epochs) },
    optimizer: { type: 'string', valueName: 'kind', description: `Optimizer: ${OPTIMIZER_KINDS.join(' | ')}`, default: LM_DEFAULTS.optimizer },
    lr: { type: 'string', valueName: 'rate', description: `Learning rate (default: ${DEFAULT_LR.sgd} for sgd as in D2L, ${DEFAULT_LR.adam} for adam)` },
    clip: { type: 'string', valueName: 'theta', description: 'Clip the global gradient norm to theta', default: String(LM_DEFAULTS.clip) },
    sampling: { type: 'string', valueName: 'kind', description: `Minibatch sampling: ${BATCH_SAMPLINGS.join(' | ')}`, default: LM_DEFAULTS.sampling },
    'val-fraction': { type: 'string', valueName: 'f', description: `Fraction at the end of the corpus held out for validation, in ${formatInterval(VAL_FRACTION)}`, default: '0.1' },
    patience: { type: 'string', valueName: 'n', description: 'Stop after n epochs without a better validation perplexity (default: never stop early)' },
    'init-scale': { type: 'string', valueName: 'sigma', description: 'Weights start as N(0, sigma^2)', default: String(LM_DEFAULTS.initScale) },
    seed: { type: 'string', valueName: 'n', description: 'Seed of initialisation, batching and dropout', default: String(LM_DEFAULTS.seed) },
    backend: {
      type: 'string',
      valueName: 'kind',
      description: `Training engine: ${TRAIN_BACKEND_CHOICES.slice(0, 7).join(' | ')} (auto: tfjs-node, else core-wasm, else tfjs-wasm, else core, else tfjs-cpu; core-wasm-2t splits each batch over two threads; node, wasm, cpu name the tfjs ones)`,
      default: 'auto',
    },
    name: { type: 'string', valueName: 'text', description: 'Model name recorded in the manifest (default: <corpus>-<cell>)' },
    'no-export': { type: 'boolean', description: 'Do not export model.onnx at the end (run `seqlm export <out>` later)' },
  },
  examples: [
    'seqlm train --corpus timemachine --cell gru --hidden 256 --epochs 20 --out models/tm-gru',
    'seqlm train --corpus timemachine --cell lstm --optimizer adam --patience 3 --out models/tm-lstm',
    'seqlm train --corpus timemachine --cell gru --epochs 30 --out models/tm-gru --resume',
    'seqlm train --corpus timemachine --cell rnn --hidden 128 --epochs 5 --no-export --out models/tm-rnn',
  ],
  async run({ values, io }) {
    const source = corpusChoice(values, io);
    if (values.out === undefined) throw usageError('--out <dir> is required');
    const tokenizer = choice('tokenizer', values.tokenizer, TOKENIZERS, 'char');
    const explicitNormalization = choice('normalization', values.normalization, NORMALIZATIONS);
    const optimizer = choice('optimizer', values.optimizer, OPTIMIZER_KINDS, LM_DEFAULTS.optimizer);
    const config: LmTrainConfig = {
      cell: choice('cell', values.cell, CELL_KINDS, 'gru'),
      hiddenSize: atMost('hidden', positiveInt('hidden', values.hidden, LM_DEFAULTS.hiddenSize), LIMITS.hidden),
      numLayers: atMost('layers', positiveInt('layers', values.layers, LM_DEFAULTS.numLayers), LIMITS.layers),
      embeddingSize: atMost('embedding', positiveInt('embedding', values.embedding), LIMITS.embedding) ?? null,
      dropout: numberIn('dropout', values.dropout, 0, 1, LM_DEFAULTS.dropout),
      batchSize: positiveInt('batch-size', values['batch-size'], LM_DEFAULTS.batchSize),
      numSteps: positiveInt('num-steps', values['num-steps'], LM_DEFAULTS.numSteps),
      epochs: positiveInt('epochs', values.epochs, LM_DEFAULTS.epochs),
      optimizer,
      lr: positiveNumber('lr', values.lr, DEFAULT_LR[optimizer]),
      clip: positiveNumber('clip', values.clip, LM_DEFAULTS.clip),
      sampling: choice('sampling', values.sampling, BATCH_SAMPLINGS, LM_DEFAULTS.sampling),
      seed: nonNegativeInt('seed', values.seed, LM_DEFAULTS.seed),
      patience: positiveInt('patience', values.patience) ?? null,
      initScale: positiveNumber('init-scale', values['init-scale'], LM_DEFAULTS.initScale),
    };
    const valFraction = numberInInterval('val-fraction', values['val-fraction'], VAL_FRACTION, 0.1);
    const backendChoice = choice('backend', values.backend, TRAIN_BACKEND_CHOICES, 'auto');

    const out = resolve(io.cwd, values.out);
    const checkpointDir = join(out, 'checkpoint');
    await makeDir(checkpointDir);
    const resume = values.resume === true ? await loadCheckpoint<LmTrainConfig, EpochMetrics>(checkpointDir) : null;
    if (values.resume === true && resume === null) throw usageError(`--resume: no checkpoint in ${checkpointDir}`);
    if (values.resume !== true && (await readdir(checkpointDir)).includes(CHECKPOINT_FILE)) {
      throw usageError(`${values.out} already holds a checkpoint; pass --resume to continue it or choose another --out`);
    }

    const loaded = await loadCorpusChoice(source, io);
    const normalization = explicitNormalization ?? loaded.entry?.defaultNormalization ?? 'raw';
    const corpus = prepareText(loaded.text, { tokenizer, normalization, valFraction });
    const parameters = parameterCount({ ...config, vocabSize: corpus.vocab.size });
    if (parameters > LIMITS.parameters) {
      throw usageError(`the model would have ${parameters} parameters (vocabulary ${corpus.vocab.size}); at most ${LIMITS.parameters}: lower --hidden, --layers or --embedding`);
    }
    // Checked here as well as in trainLanguageModel so the refusal is the only line printed.
    if (resume) assertResumable(resume.meta, corpus, config);

    const { engine, skipped } = await selectTrainEngine(backendChoice, engineSpec(config, corpus), { dropout: config.dropout });
    const backend = { label: engine.label };
    const progress = new ProgressReporter(io.stderr as ProgressSink);
    const fallbacks = skipped.map((s) => `${s.kind} unavailable: ${s.reason}`).join('; ');
    progress.line(`seqlm: backend ${backend.label}${fallbacks === '' ? '' : ` (${fallbacks})`}`);
    progress.line(
      `seqlm: ${loaded.name}: ${corpus.ids.length} ${tokenizer} tokens, vocab ${corpus.vocab.size}, ${corpus.train.length} train / ${corpus.val.length} validation; ` +
        `${config.cell} ${config.numLayers}x${config.hiddenSize}, ${config.optimizer} lr ${config.lr}` +
        (resume ? `; resuming after epoch ${resume.meta.epochsDone}` : ''),
    );

    const metricsPath = join(out, 'metrics.jsonl');
    // A resumed run rewrites the log from the checkpoint, dropping any line of the epoch that was lost.
    await writeFileAtomic(metricsPath, (resume?.meta.history ?? []).map((m) => `${JSON.stringify(m)}\n`).join(''));
    const stopListening = onInterrupt(progress, () => interruptedMessage(checkpointDir));
    let result: Awaited<ReturnType<typeof trainLanguageModel>>;
    try {
      result = await trainLanguageModel({
        corpus,
        config,
        checkpointDir,
        resume,
        engine,
        hooks: {
          onBatch: (p) => progress.batch(p),
          onEpoch: async (m) => {
            progress.epoch(m, config.epochs);
            await appendFile(metricsPath, `${JSON.stringify(m)}
`);
          },
        },
      });
    } finally {
      stopListening();
    }
    try {
      if (result.stoppedEarly) progress.line(`seqlm: early stop: no better validation perplexity in ${config.patience} epochs`);
      const name = values.name ?? `${loaded.name}-${config.cell}`;
      const svg = await renderSvg(perplexityChartSpec(result.history, { title: `${name}: perplexity per epoch` }));
      const svgBytes = new TextEncoder().encode(svg);
      await writeFile(join(out, 'perplexity.svg'), svgBytes);
      const weights = result.model.parameters();
      const best = result.history.find((h) => h.epoch === result.best?.epoch) ?? result.history.at(-1)!;
      const manifest = await writeLmArtifact(out, {
        name,
        description: `${config.cell.toUpperCase()} language model trained on ${loaded.name} by seqlm train`,
        cell: config.cell,
        hiddenSize: config.hiddenSize,
        numLayers: config.numLayers,
        embeddingSize: config.embeddingSize,
        vocab: corpus.vocab,
        tokenizer,
        normalization,
        weights,
        // The training tokens' n-gram statistics, for the playground's Zipf view (the corpus itself is never shipped).
        extraFiles: [fileEntry('other', 'perplexity.svg', svgBytes), await writeCorpusStats(out, corpus.vocab.decode(corpus.train))],
        training: {
          corpus: loaded.name,
          valFraction,
          seed: config.seed,
          hyperparameters: {
            cell: config.cell,
            hiddenSize: config.hiddenSize,
            numLayers: config.numLayers,
            embeddingSize: config.embeddingSize,
            dropout: config.dropout,
            batchSize: config.batchSize,
            numSteps: config.numSteps,
            optimizer: config.optimizer,
            lr: config.lr,
            clip: config.clip,
            sampling: config.sampling,
            patience: config.patience,
            initScale: config.initScale,
            bestEpoch: best.epoch,
          },
          backend: backend.label,
          epochs: result.history.length,
          trainPerplexity: result.history.map((h) => h.trainPerplexity),
          valPerplexity: result.history.map((h) => h.valPerplexity),
          finalTrainPerplexity: best.trainPerplexity,
          finalValPerplexity: best.valPerplexity,
          wallTimeSeconds: Math.round(result.wallTimeSeconds * 1000) / 1000,
          createdAt: new Date().toISOString(),
        },
      });
      io.stdout.write(
        `trained ${name} on ${backend.label}: ${result.history.length} epochs, best validation perplexity ${best.valPerplexity.toFixed(3)} (epoch ${best.epoch}), ` +
          `train ${best.trainPerplexity.toFixed(3)}, ${result.wallTimeSeconds.toFixed(1)} s\n`,
      );
      if (values['no-export'] === true) {
        io.stdout.write(`model written to ${join(out, MANIFEST_FILE)} (not exported: run \`seqlm export ${values.out}\`)\n`);
        return;
      }
      progress.line('seqlm: exporting model.onnx and checking it on onnxruntime');
      const { verification: v } = await exportTrainedModel(out, { manifest, parameters: weights });
      io.stdout.write(
        `exported ${join(out, 'model.onnx')}: ${v.runtimes.map((r) => `onnxruntime-${r}`).join(', ')} reproduce ${v.references.join(', ')} ` +
          `within ${v.maxAbsDiff.toExponential(2)} (tolerance ${v.tolerance})\n` +
          (skippedRuntimesLine(v) === null ? '' : `${skippedRuntimesLine(v)}\n`) +
          `model written to ${join(out, MANIFEST_FILE)}\n`,
      );
    } finally {
      result.model.dispose();
    }
  },
});

function parameterCount(config: { cell: LmTrainConfig['cell']; vocabSize: number; hiddenSize: number; numLayers: number; embeddingSize: number | null }): number {
  return parameterSpecs(resolveConfig(config)).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * `mkdir -p`, one level at a time from the nearest existing ancestor. Node's
 * recursive mkdir retries for minutes under a parent that refuses new entries
 * with ENOENT (`--out /proc/x`); a single mkdir fails at once with the reason.
 */
async function makeDir(path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = path; (await stat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? null : 'other'))) === null; dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new SeqlmError('IO_ERROR', `cannot create ${dir}: ${(error as Error).message}`, { path: dir }, { cause: error });
    }
  }
}

/** Where an interrupted run stopped, from the checkpoint on disk: that is what --resume continues. */
function interruptedMessage(checkpointDir: string): string {
  let done = 0;
  try {
    done = Number((JSON.parse(readFileSync(join(checkpointDir, CHECKPOINT_FILE), 'utf8')) as { epochsDone?: unknown }).epochsDone) || 0;
  } catch {
    // No checkpoint yet (or one being replaced): nothing to resume from.
  }
  if (done === 0) return 'seqlm: interrupted in epoch 1, before the first checkpoint; run the same command again to start over';
  return `seqlm: interrupted in epoch ${done + 1}; continue with --resume (${done === 1 ? 'epoch 1 is' : `epochs 1-${done} are`} checkpointed in ${checkpointDir})`;
}

/**
 * While training runs, Ctrl-C ends the live progress line with where the run
 * stopped and how to continue, then exits 130 (128 + SIGINT) as a shell expects.
 * Checkpoints are written atomically, so the last completed epoch is intact.
 */
function onInterrupt(progress: ProgressReporter, message: () => string): () => void {
  const handler = (): void => {
    progress.line(message());
    process.exit(130);
  };
  process.once('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

