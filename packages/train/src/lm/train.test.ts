import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSeqlmError } from '@seqlm/core/errors';
import { parseManifest } from '@seqlm/core/manifest';
import { selectBackend } from '../tfjs/backend.ts';
import { loadCheckpoint, withPrefix } from './checkpoint.ts';
import { prepareText } from './data.ts';
import { dataMismatch, LM_DEFAULTS, trainLanguageModel, type LmTrainConfig } from './train.ts';
import { sha256, withTempDir } from '../testing.test-util.ts';
import { dataDir, packageRoot, readWeights, runCli } from './lm.test-util.ts';

const SMALL = ['--corpus', 'timemachine', '--cell', 'gru', '--hidden', '32', '--backend', 'wasm'];

interface Metrics {
  epoch: number;
  trainPerplexity: number;
  valPerplexity: number;
}

function metrics(dir: string): Metrics[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Metrics);
}

function checkpointEpochs(dir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(dir, 'checkpoint', 'checkpoint.json'), 'utf8')) as { epochsDone: number }).epochsDone;
  } catch {
    return null;
  }
}

/** Starts `seqlm <argv>` in a child process and SIGKILLs it once its first checkpoint is on disk. */
function runAndKillAfterFirstCheckpoint(argv: string[], out: string): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
  const script = [
    `import { main } from ${JSON.stringify(join(packageRoot, 'src/cli/main.ts'))};`,
    `import { LM_COMMANDS } from ${JSON.stringify(join(packageRoot, 'src/lm/lm.test-util.ts'))};`,
    'process.exitCode = await main(process.argv.slice(1), undefined, LM_COMMANDS);',
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...argv], { env: { ...process.env, SEQLM_DATA_DIR: dataDir }, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (checkpointEpochs(out) === 1) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal });
    });
  });
}

describe('seqlm train', () => {
  it('lowers validation perplexity on The Time Machine and writes a valid model directory', async () => {
    await withTempDir(async (tmp) => {
      const out = join(tmp, 'gru');
      const r = await runCli(['train', ...SMALL, '--hidden', '64', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '2', '--out', out]);
      expect(r.stderr).toContain('backend tfjs-wasm');
      expect(r.code).toBe(0);
      const history = metrics(out);
      expect(history.map((m) => m.epoch)).toEqual([1, 2]);
      // A uniform guess over the 28 characters has perplexity 28; measured 7.30 then 5.94 (wasm, seed 0).
      expect(history[0]!.valPerplexity).toBeLessThan(28);
      expect(history[1]!.valPerplexity).toBeLessThan(history[0]!.valPerplexity);
      expect(history[1]!.valPerplexity).toBeLessThan(7.5);

      const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(manifest.kind).toBe('gru');
      if (manifest.kind !== 'gru') return;
      expect(manifest.gates).toEqual({ layout: 'tfjs', order: ['z', 'r', 'h'], linearBeforeReset: 0 });
      expect(manifest.architecture).toEqual({ vocabSize: 28, hiddenSize: 64, numLayers: 1, embedding: { type: 'one-hot' } });
      expect(manifest.training?.backend).toMatch(/^tfjs-wasm/);
      expect(manifest.training?.valPerplexity).toEqual(history.map((m) => m.valPerplexity));
      expect(manifest.training?.finalValPerplexity).toBe(history[1]!.valPerplexity);
      expect(readFileSync(join(out, 'perplexity.svg'), 'utf8')).toContain('>validation</text>');

      const v = await runCli(['validate', out]);
      expect(v.code).toBe(0);
      expect(v.stdout).toContain('ok:');

      // Same seed, same text; greedy decoding continues the prefix.
      const g1 = await runCli(['generate', '--model', out, '--prefix', 'Time Traveller', '--len', '40', '--seed', '3']);
      const g2 = await runCli(['generate', '--model', out, '--prefix', 'Time Traveller', '--len', '40', '--seed', '3']);
      expect(g1.code).toBe(0);
      expect(g1.stdout).toBe(g2.stdout);
      expect(g1.stdout.startsWith('time traveller')).toBe(true);
      expect(g1.stdout.trimEnd()).toHaveLength('time traveller'.length + 40);

      // A flipped byte in the weights is caught by validate and refused by generate.
      const weights = readFileSync(join(out, 'weights.bin'));
      weights[weights.length - 1] = weights[weights.length - 1]! ^ 0xff;
      writeFileSync(join(out, 'weights.bin'), weights);
      const bad = await runCli(['validate', out]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/weights\.bin: sha256 is [0-9a-f]{64}, the manifest expects/);
      expect((await runCli(['generate', '--model', out])).code).toBe(1);
    });
  }, 600_000); // 24 s on a shared machine, 115 s beside two CPU-bound processes

  it('resumes after SIGKILL with the same weights as an uninterrupted run', async () => {
    await withTempDir(async (tmp) => {
      const straight = join(tmp, 'straight');
      const killed = join(tmp, 'killed');
      // A 40k-character corpus and no export: five epochs of training in all, not of the whole book (40 s under load).
      const corpus = join(tmp, 'tm.txt');
      writeFileSync(corpus, readFileSync(join(dataDir, 'timemachine.txt'), 'utf8').slice(0, 40_000));
      const args = ['--corpus-file', corpus, ...SMALL.slice(2), '--no-export', '--epochs', '2', '--seed', '7', '--sampling', 'random', '--optimizer', 'adam', '--lr', '0.01'];
      expect((await runCli(['train', ...args, '--out', straight])).code).toBe(0);

      const exit = await runAndKillAfterFirstCheckpoint(['train', ...args, '--out', killed], killed);
      expect(exit.signal).toBe('SIGKILL');
      expect(checkpointEpochs(killed)).toBe(1);
      expect(existsSync(join(killed, 'manifest.json'))).toBe(false);

      const resumed = await runCli(['train', ...args, '--out', killed, '--resume']);
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toContain('resuming after epoch 1');
      const a = readWeights(join(straight, 'weights.bin'));
      const b = readWeights(join(killed, 'weights.bin'));
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [name, data] of a) {
        const other = b.get(name)!;
        let diff = 0;
        for (let i = 0; i < data.length; i++) diff = Math.max(diff, Math.abs(data[i]! - other[i]!));
        expect(diff, name).toBeLessThanOrEqual(1e-6);
      }
      // The curve continues: both logs hold the same two epochs.
      const ma = metrics(straight);
      const mb = metrics(killed);
      expect(mb.map((m) => m.epoch)).toEqual([1, 2]);
      expect(mb[1]!.valPerplexity).toBeCloseTo(ma[1]!.valPerplexity, 6);
    });
  }, 600_000); // 16 s on a shared machine, 28 s beside two CPU-bound processes

  it('trains on core-wasm (auto picks it without tfjs-node), records it, and resumes after SIGKILL bit-identically', async () => {
    await withTempDir(async (tmp) => {
      const straight = join(tmp, 'straight');
      const killed = join(tmp, 'killed');
      const file = join(tmp, 'tm.txt');
      writeFileSync(file, readFileSync(join(dataDir, 'timemachine.txt'), 'utf8').slice(0, 60_000));
      const args = ['--corpus-file', file, '--normalization', 'd2l', '--cell', 'lstm', '--hidden', '32', '--epochs', '2', '--seed', '5', '--optimizer', 'adam', '--lr', '0.01', '--no-export'];
      const first = await runCli(['train', ...args, '--backend', 'auto', '--out', straight]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/backend core-wasm-(relaxed-)?simd \(tfjs-node unavailable: /);
      const manifest = parseManifest(readFileSync(join(straight, 'manifest.json'), 'utf8'));
      expect(manifest.training?.backend).toMatch(/^core-wasm/);
      const history = metrics(straight);
      expect(history[1]!.valPerplexity).toBeLessThan(history[0]!.valPerplexity);
      expect(history[1]!.valPerplexity).toBeLessThan(20);

      const exit = await runAndKillAfterFirstCheckpoint(['train', ...args, '--backend', 'core-wasm', '--out', killed], killed);
      expect(exit.signal).toBe('SIGKILL');
      const resumed = await runCli(['train', ...args, '--backend', 'core-wasm', '--out', killed, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain('resuming after epoch 1');
      const a = readWeights(join(straight, 'weights.bin'));
      const b = readWeights(join(killed, 'weights.bin'));
      for (const [name, data] of a) expect(Buffer.compare(Buffer.from(data.buffer, data.byteOffset, data.byteLength), Buffer.from(b.get(name)!.buffer, b.get(name)!.byteOffset, b.get(name)!.byteLength)), name).toBe(0);
    });
  }, 180_000);

  it('trains on two threads with core-wasm-2t and records it', async () => {
    await withTempDir(async (tmp) => {
      const file = join(tmp, 'tm.txt');
      writeFileSync(file, readFileSync(join(dataDir, 'timemachine.txt'), 'utf8').slice(0, 30_000));
      const out = join(tmp, 'run');
      const r = await runCli(['train', '--corpus-file', file, '--normalization', 'd2l', '--cell', 'gru', '--hidden', '16', '--epochs', '1', '--optimizer', 'adam', '--lr', '0.01', '--backend', 'core-wasm-2t', '--no-export', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/backend core-wasm-(relaxed-)?simd-2-threads/);
      expect(parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8')).training?.backend).toMatch(/^core-wasm.*-2-threads$/);
      expect(metrics(out)[0]!.valPerplexity).toBeLessThan(28);
    });
  });

  it('refuses dropout between layers on core engines with one line', async () => {
    await withTempDir(async (tmp) => {
      const r = await runCli(['train', ...SMALL.slice(0, -2), '--backend', 'core-wasm', '--layers', '2', '--dropout', '0.2', '--epochs', '1', '--out', join(tmp, 'run')]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/cannot train on backend "core-wasm" \(core-wasm: core training has no dropout between layers\)/);
    });
  });

  it('refuses to resume on another corpus, tokenizer, normalisation or validation split with one line naming it', async () => {
    await withTempDir(async (tmp) => {
      const text = readFileSync(join(dataDir, 'timemachine.txt'), 'utf8').slice(0, 20_000);
      const file = join(tmp, 'a.txt');
      const other = join(tmp, 'b.txt');
      writeFileSync(file, text);
      // One changed character: same vocabulary and length, different text.
      writeFileSync(other, `${text.slice(0, -1)}${text.at(-1) === 'e' ? 'a' : 'e'}`);
      const out = join(tmp, 'run');
      const args = ['--cell', 'rnn', '--hidden', '8', '--batch-size', '8', '--num-steps', '10', '--backend', 'wasm', '--no-export', '--out', out];
      const first = await runCli(['train', '--corpus-file', file, '--epochs', '1', ...args]);
      expect(first.code).toBe(0);
      const saved = JSON.parse(readFileSync(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')) as { data: { corpusSha256: string; vocab: string[] } };
      expect(saved.data.corpusSha256).toBe(sha256(text));
      expect(saved.data.vocab[0]).toBe('<unk>');

      const cases: [string[], string][] = [
        [['--corpus-file', other], `cannot resume: the checkpoint was trained on a different corpus (sha256 ${sha256(text).slice(0, 12)}…`],
        [['--corpus-file', file, '--tokenizer', 'word'], 'cannot resume: the checkpoint was trained with --tokenizer char, not word'],
        [['--corpus-file', file, '--normalization', 'd2l'], 'cannot resume: the checkpoint was trained with --normalization raw, not d2l'],
        [['--corpus-file', file, '--val-fraction', '0.2'], 'cannot resume: the checkpoint was trained with --val-fraction 0.1, not 0.2'],
      ];
      for (const [flags, message] of cases) {
        const r = await runCli(['train', ...flags, '--epochs', '2', ...args, '--resume']);
        expect(r.code, flags.join(' ')).toBe(2);
        expect(r.stderr.startsWith(`seqlm: error: ${message}`), r.stderr).toBe(true);
        expect(r.stderr.trim().split('\n'), flags.join(' ')).toHaveLength(1);
      }
      const same = await runCli(['train', '--corpus-file', file, '--epochs', '2', ...args, '--resume']);
      expect(same.code).toBe(0);
      expect(same.stderr).toContain('resuming after epoch 1');
    });
  });

  it('stops a diverging run with one clear error line and writes no model', async () => {
    await withTempDir(async (tmp) => {
      const out = join(tmp, 'diverge');
      // SGD with η = 1e30 and no effective clipping: the first epoch's loss is ~1e30, whose perplexity overflows.
      const r = await runCli(['train', ...SMALL, '--epochs', '3', '--optimizer', 'sgd', '--lr', '1e30', '--clip', '1e30', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/seqlm: error: training diverged at epoch 1, (batch \d+: the loss is (NaN|Infinity)|perplexity overflowed)/);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/Try a lower --lr or --clip\.$/);
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
      const done = checkpointEpochs(out);
      expect(done).toBeNull();
      expect(r.stderr).toContain('no epoch finished, so there is no checkpoint in');
    });
  });

  it('refuses bad flags with one line and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--cell', 'transformer'], /--cell must be one of rnn, gru, lstm/],
      [['--hidden', '0'], /--hidden must be a positive integer/],
      [['--lr=-1'], /--lr must be a positive number/],
      [['--dropout', '1'], /--dropout must be a number in \[0, 1\)/],
      [['--backend', 'gpu'], /--backend must be one of auto, core-wasm, core-wasm-2t, core, tfjs-node, tfjs-wasm, tfjs-cpu, node, wasm, cpu/],
      [['--sampling', 'shuffle'], /--sampling must be one of random, sequential/],
      // Sizes that used to end in "internal error: Array buffer allocation failed".
      [['--hidden', '100000000'], /--hidden must be at most 4096 \(got 100000000\)/],
      [['--layers', '1000'], /--layers must be at most 16 \(got 1000\)/],
      [['--embedding', '4097'], /--embedding must be at most 4096 \(got 4097\)/],
      // Each within its bound, together 16 · 2 · 4096 · 3·4096 ≈ 1.6e9 weights.
      [['--hidden', '4096', '--layers', '16'], /the model would have \d+ parameters \(vocabulary 28\); at most 64000000/],
    ];
    await withTempDir(async (tmp) => {
      for (const [flags, message] of cases) {
        const r = await runCli(['train', '--corpus', 'timemachine', '--out', join(tmp, 'x'), ...flags]);
        expect(r.code, flags.join(' ')).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
      const missing = await runCli(['train', '--corpus', 'timemachine']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--out <dir> is required');
      const noCheckpoint = await runCli(['train', '--corpus', 'timemachine', '--out', join(tmp, 'y'), '--resume']);
      expect(noCheckpoint.code).toBe(2);
      expect(noCheckpoint.stderr).toContain('--resume: no checkpoint');
    });
  });

  it('documents every flag in --help', async () => {
    const r = await runCli(['train', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--corpus', '--out', '--resume', '--cell', '--hidden', '--layers', '--embedding', '--dropout', '--batch-size', '--num-steps', '--epochs', '--optimizer', '--lr', '--clip', '--sampling', '--val-fraction', '--patience', '--seed', '--backend']) {
      expect(r.stdout).toContain(flag);
    }
    const flat = r.stdout.replace(/\s+/g, ' ');
    for (const bound of ['Hidden units per layer, at most 4096', 'Stacked recurrent layers, at most 16', '(n at most 4096)', '64000000 parameters in all']) expect(flat).toContain(bound);
  });
});

describe('trainLanguageModel', () => {
  it('keeps the last good checkpoint when a later epoch diverges', async () => {
    await selectBackend('wasm');
    const text = readFileSync(join(dataDir, 'timemachine.txt'), 'utf8').slice(0, 20_000);
    const corpus = prepareText(text, { tokenizer: 'char', normalization: 'd2l' });
    const config: LmTrainConfig = { ...LM_DEFAULTS, cell: 'rnn', hiddenSize: 8, embeddingSize: null, batchSize: 8, numSteps: 10, epochs: 3, lr: 1, patience: null };
    await withTempDir(async (dir) => {
      const run = trainLanguageModel({
        corpus,
        config,
        checkpointDir: dir,
        backend: 'test',
        hooks: {
          // Poison the weights after the first checkpoint: the next batch's loss is NaN.
          onCheckpoint: (epochsDone, model) => {
            if (epochsDone !== 1) return;
            const nan = new Map([...model.parameters()].map(([name, t]) => [name, { shape: t.shape, data: new Float32Array(t.data.length).fill(NaN) }]));
            model.assign(nan);
          },
        },
      });
      const error = await run.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSeqlmError(error) && error.code).toBe('NON_FINITE');
      expect((error as Error).message).toMatch(/^training diverged at epoch 2, batch 1: the loss is NaN .*the last good checkpoint \(after epoch 1\) is kept in/);
      const saved = await loadCheckpoint<LmTrainConfig, unknown>(dir);
      expect(saved?.meta.epochsDone).toBe(1);
      for (const t of withPrefix(saved!.tensors, 'param').values()) expect(t.data.every(Number.isFinite)).toBe(true);
    });
  });
});

describe('dataMismatch', () => {
  const data = { corpusSha256: 'a'.repeat(64), tokenizer: 'char', normalization: 'd2l', valFraction: 0.1, vocab: ['<unk>', ' ', 'e', 't'] };

  it('accepts identical data and names a reordered or resized vocabulary', () => {
    expect(dataMismatch(data, { ...data, vocab: [...data.vocab] })).toBeNull();
    expect(dataMismatch(data, { ...data, vocab: ['<unk>', ' ', 't', 'e'] })).toBe('the checkpoint\'s vocabulary differs from this corpus\'s (id 2 is "e", now "t")');
    expect(dataMismatch(data, { ...data, vocab: ['<unk>', ' ', 'e'] })).toBe('the checkpoint\'s vocabulary differs from this corpus\'s (4 tokens, now 3)');
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without a better validation perplexity and returns the best epoch', async () => {
    await selectBackend('wasm');
    const text = readFileSync(join(dataDir, 'timemachine.txt'), 'utf8').slice(0, 20_000);
    const corpus = prepareText(text, { tokenizer: 'char', normalization: 'd2l' });
    // η = 1e-12 moves no float32 weight of size ~0.01, so every epoch scores exactly the same: never better.
    const config: LmTrainConfig = { ...LM_DEFAULTS, cell: 'rnn', hiddenSize: 8, embeddingSize: null, batchSize: 8, numSteps: 10, epochs: 10, lr: 1e-12, patience: 2 };
    const result = await trainLanguageModel({ corpus, config, checkpointDir: null, backend: 'test' });
    try {
      expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
      expect(result.stoppedEarly).toBe(true);
      expect(result.best?.epoch).toBe(1);
    } finally {
      result.model.dispose();
    }
  });
});
