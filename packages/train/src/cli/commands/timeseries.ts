import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';
import { renderSvg } from '../../plot/index.ts';
import { BACKEND_CHOICES, selectBackend } from '../../tfjs/backend.ts';
import { runTimeseries, seriesChartSpec, writeTimeseriesModel, type TimeseriesResult } from '../../timeseries/index.ts';
import { defineCommand } from '../command.ts';
import { atMost, choice, outputFile, positiveInt, usageError } from '../flags.ts';
import { LIMITS } from '../limits.ts';
import { nonNegativeInt, numberIn, positiveNumber } from './train.ts';

export const timeseries = defineCommand({
  name: 'timeseries',
  summary: "D2L 9.1: fit an MLP to a noisy sine from tau past values; 1-step and k-step predictions with an MSE table",
  description:
    'Generates x_t = sin(0.01 t) + N(0, noise²) for t = 1..T, builds tau-window features, and fits an MLP (tau → hidden, ReLU, → 1) with Adam on the squared error over the first --train windows. ' +
    'Reports the 1-step MSE on the training and held-out windows, the MSE of feeding predictions back from the end of training on, and of k-step-ahead predictions for each --steps k (which grows with k: errors compound). ' +
    '--plot draws the data with the 1-step, feedback and k-step predictions as SVG; --out exports the model (model.onnx, checked against the TF.js model on every window, weights.bin and a ts-mlp manifest.json ' +
    'recording the series parameters and the MSE table, so the playground can regenerate the series and redo the predictions).',
  options: {
    T: { type: 'string', valueName: 'n', description: `Length of the series, at most ${LIMITS.seriesLength}`, default: '1000' },
    tau: { type: 'string', valueName: 'n', description: `Past values per feature window, at most ${LIMITS.tau}`, default: '4' },
    train: { type: 'string', valueName: 'n', description: 'Training windows from the start of the series', default: '600' },
    hidden: { type: 'string', valueName: 'n', description: `Hidden units of the MLP, at most ${LIMITS.mlpHidden}`, default: '10' },
    epochs: { type: 'string', valueName: 'n', description: 'Training epochs', default: '5' },
    'batch-size': { type: 'string', valueName: 'n', description: 'Minibatch size', default: '16' },
    lr: { type: 'string', valueName: 'rate', description: 'Adam learning rate', default: '0.01' },
    noise: { type: 'string', valueName: 'sd', description: 'Standard deviation of the Gaussian noise', default: '0.2' },
    frequency: { type: 'string', valueName: 'w', description: 'Angular frequency of the sine, sin(w t)', default: '0.01' },
    steps: { type: 'string', valueName: 'k,k,...', description: `Horizons of the k-step table, comma-separated, each at most ${LIMITS.horizon}`, default: '1,4,16,64' },
    seed: { type: 'string', valueName: 'n', description: 'Seed of the noise, initialisation and shuffling', default: '0' },
    backend: { type: 'string', valueName: 'kind', description: `TensorFlow.js backend: ${BACKEND_CHOICES.join(' | ')}`, default: 'auto' },
    plot: { type: 'string', valueName: 'file.svg', description: 'Write the data and predictions as an SVG line chart' },
    out: { type: 'string', short: 'o', valueName: 'dir', description: 'Export the trained MLP (model.onnx, weights.bin, manifest.json) into this directory' },
    json: { type: 'boolean', description: 'Print the MSE table as JSON' },
  },
  examples: ['seqlm timeseries', 'seqlm timeseries --tau 4 --steps 1,4,16,64 --plot sine.svg', 'seqlm timeseries --json --seed 1', 'seqlm timeseries --out models/sine-mlp'],
  async run({ values, io }) {
    const steps = parseSteps(values.steps ?? '1,4,16,64');
    const options = {
      T: atMost('T', positiveInt('T', values.T, 1000), LIMITS.seriesLength),
      tau: atMost('tau', positiveInt('tau', values.tau, 4), LIMITS.tau),
      numTrain: positiveInt('train', values.train, 600),
      hidden: atMost('hidden', positiveInt('hidden', values.hidden, 10), LIMITS.mlpHidden),
      epochs: positiveInt('epochs', values.epochs, 5),
      batchSize: positiveInt('batch-size', values['batch-size'], 16),
      lr: positiveNumber('lr', values.lr, 0.01),
      noiseSd: numberIn('noise', values.noise, 0, Number.MAX_VALUE, 0.2, true),
      frequency: positiveNumber('frequency', values.frequency, 0.01),
      seed: nonNegativeInt('seed', values.seed, 0),
      steps,
    };
    if (options.numTrain >= options.T - options.tau) throw usageError(`--train must be below T - tau = ${options.T - options.tau}`);
    if (options.T - options.tau - Math.max(...steps) + 1 < 1) throw usageError(`--T ${options.T} is too short for ${Math.max(...steps)}-step predictions with tau ${options.tau}`);
    const plot = values.plot === undefined ? undefined : outputFile('plot', values.plot, io.cwd);
    const backend = await selectBackend(choice('backend', values.backend, BACKEND_CHOICES, 'auto'));

    const result = runTimeseries(options);
    try {
      if (plot !== undefined) await writeOutput(plot, await renderSvg(chart(result)));
      let outDir: string | undefined;
      let onnxDiff: Record<string, number> | undefined;
      if (values.out !== undefined) {
        outDir = resolve(io.cwd, values.out);
        const exported = await writeTimeseriesModel(outDir, result, { backend: backend.label, createdAt: new Date().toISOString() });
        onnxDiff = exported.tfjsMaxAbsDiff;
      }
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify(
            {
              backend: backend.label,
              T: options.T,
              tau: options.tau,
              numTrain: options.numTrain,
              trainLoss: result.trainLoss,
              oneStep: { trainMse: result.oneStepTrainMse, testMse: result.oneStepTestMse },
              multistepMse: result.multistepMse,
              kStep: result.kStep.map((s) => ({ k: s.k, mse: s.mse })),
              plot: plot ?? null,
              out: outDir ?? null,
              exportMaxAbsDiff: onnxDiff ?? null,
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const lines = [
        `sine + noise, T = ${options.T}, tau = ${options.tau}, MLP ${options.tau}-${options.hidden}-1 (ReLU) on ${options.numTrain} windows, ${backend.label}`,
        `training loss per epoch: ${result.trainLoss.map((l) => l.toFixed(4)).join(' ')}`,
        '',
        ...mseTable(result),
      ];
      if (plot !== undefined) lines.push('', `plot written to ${plot}`);
      if (outDir !== undefined) {
        const diffs = Object.entries(onnxDiff ?? {}).map(([k, d]) => `${k} ${d.toExponential(1)}`).join(', ');
        lines.push(`model written to ${join(outDir, 'manifest.json')} (max |difference| from TF.js on every window: ${diffs})`);
      }
      io.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      result.model.dispose();
    }
  },
});

function parseSteps(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const steps = parts.map((p) => (/^[0-9]+$/.test(p) ? Number(p) : NaN));
  if (parts.length === 0 || steps.some((k) => !Number.isSafeInteger(k) || k < 1)) {
    throw usageError(`--steps must be positive integers separated by commas (got ${JSON.stringify(raw)})`);
  }
  for (const k of steps) atMost('steps', k, LIMITS.horizon);
  return steps;
}

function chart(r: TimeseriesResult) {
  const t = (start: number, n: number) => r.time.subarray(start, start + n);
  return seriesChartSpec(
    [
      { label: 'data', time: r.time, values: r.x },
      { label: '1-step preds', time: t(r.tau, r.oneStep.length), values: r.oneStep },
      { label: 'feedback preds', time: t(r.tau + r.numTrain, r.multistep.length), values: r.multistep },
      ...r.kStep.map((s) => ({ label: `${s.k}-step preds`, time: t(s.start, s.predictions.length), values: s.predictions })),
    ],
    { title: `sine + noise: ${r.tau}-window MLP predictions` },
  );
}

/**
 * The MSE table, each row saying which steps t it scores: the 1-step error is
 * reported on the training windows and on the held-out ones, and again in the
 * k-step block, whose rows all score the same start points (training and held-out
 * together, ending maxSteps − 1 before T so every k has a target). That is why
 * the k-step block's 1-step MSE differs from both rows above it.
 */
function mseTable(r: TimeseriesResult): string[] {
  const { tau, numTrain, x } = r;
  const T = x.length;
  const split = tau + numTrain;
  const row = (label: string, mse: number): string => `${label.padEnd(44)}${mse.toFixed(4)}`;
  const rows = r.kStep[0]?.predictions.length ?? 0;
  return [
    `${'prediction'.padEnd(44)}MSE`,
    row(`1-step, training windows (t = ${tau}..${split - 1})`, r.oneStepTrainMse),
    row(`1-step, held-out windows (t = ${split}..${T - 1})`, r.oneStepTestMse),
    row(`fed back from t = ${split} to ${T - 1}`, r.multistepMse),
    `k-step ahead on the same ${rows} windows for every k (1-step targets t = ${tau}..${tau + rows - 1}),`,
    'training and held-out together: its 1-step MSE differs from both 1-step rows above',
    ...r.kStep.map((s) => row(`  ${s.k}-step`, s.mse)),
  ];
}

async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `cannot write ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}
