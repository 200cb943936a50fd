import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';
import { decodeWeights, findFile, parseManifest, verifyFile, type NeuralManifest } from '@seqlm/core/manifest';
import type { RnnConfig } from '@seqlm/core/rnn';
import { rnnConfigOf } from '@seqlm/core/lm';
import { encodeText, Vocab } from '@seqlm/core/vocab';
import { loadCorpus, loadCorpusFile } from '../../corpus/index.ts';
import { buildLmGraph, EXPORT_FILES, exportLm, QUANTIZE_MODES, skippedRuntimesLine, streamPerplexity, writeExport, type ExportedLm, type QuantizeMode } from '../../onnx/index.ts';
import { defineCommand } from '../command.ts';
import { choice, existingDir, existingFile, positiveInt, usageError } from '../flags.ts';

/** Spellings accepted for --quantize besides the mode names themselves (the README and ONNX say float16). */
const QUANTIZE_ALIASES: ReadonlyMap<string, QuantizeMode> = new Map([['float16', 'fp16']]);

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'Export a trained RNN/GRU/LSTM language model to ONNX and verify it on onnxruntime',
  description:
    'Reads a model directory (manifest.json and its weights container), writes model.onnx (standard RNN/GRU/LSTM operators, opset 15, IR 8), ' +
    'weights.bin and an updated manifest.json with the graph signature and every file hash, after checking that onnxruntime-web (and ' +
    'onnxruntime-node when installed) reproduces core and TensorFlow.js within 1e-4 on batches holding every token id. With --quantize the weight matrices are ' +
    'stored as int8 or float16, and the size and perplexity change are reported (perplexity on --eval-file, else on the held-out tail of the ' +
    "training corpus when it is available offline).",
  positionals: [{ name: 'model-dir', description: 'Directory with manifest.json and the weights container' }],
  options: {
    out: { type: 'string', short: 'o', valueName: 'dir', description: 'Output directory (default: the model directory itself)' },
    quantize: { type: 'string', valueName: 'mode', description: `Store weight matrices as ${QUANTIZE_MODES.join(' | ')} (float16 is fp16)` },
    'eval-file': { type: 'string', valueName: 'path', description: 'Text to measure the perplexity change of --quantize on' },
    'eval-tokens': { type: 'string', valueName: 'n', description: 'At most this many tokens for that perplexity', default: '20000' },
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  examples: ['seqlm export runs/gru-timemachine', 'seqlm export runs/gru-timemachine --out dist/gru --quantize int8'],
  async run({ values, positionals, io }) {
    const [raw] = positionals;
    if (raw === undefined) throw usageError('give the model directory: seqlm export <model-dir>');
    const dir = existingDir('model-dir', raw, io.cwd);
    const out = values.out === undefined ? dir : resolve(io.cwd, values.out);
    const quantize = choice('quantize', values.quantize === undefined ? undefined : (QUANTIZE_ALIASES.get(values.quantize) ?? values.quantize), QUANTIZE_MODES);
    const evalFile = values['eval-file'] === undefined ? undefined : existingFile('eval-file', values['eval-file'], io.cwd);
    const evalTokens = positiveInt('eval-tokens', values['eval-tokens'], 20000);

    const { manifest, config, parameters } = await readTrainedModel(dir);
    const exported = await exportLm({
      config,
      parameters,
      vocab: manifest.vocab,
      text: manifest.text,
      ...(manifest.name !== undefined ? { name: manifest.name } : {}),
      ...(manifest.description !== undefined ? { description: manifest.description } : {}),
      ...(manifest.training !== undefined ? { training: manifest.training } : {}),
      ...(quantize !== undefined ? { quantize } : {}),
    });
    // Files the export does not rewrite (the perplexity plot, stats.json) stay listed, and travel with an export to another --out.
    const exportedPaths = new Set<string>([EXPORT_FILES.onnx, EXPORT_FILES.weights]);
    const others = manifest.files.filter((f) => !exportedPaths.has(f.path));
    if (out !== dir) {
      await mkdir(out, { recursive: true });
      for (const f of others) {
        const bytes = await readFile(join(dir, f.path));
        verifyFile(f, bytes);
        await writeFile(join(out, f.path), bytes);
      }
    }
    const written = await writeExport(out, { ...exported, manifest: { ...exported.manifest, files: [...exported.manifest.files, ...others] } });

    let quantization: Record<string, unknown> | undefined;
    if (quantize !== undefined) {
      const floatBytes = buildLmGraph(config, parameters).bytes.length;
      const evalText = await evaluationText(manifest, evalFile, io.env);
      let perplexity: { float32: number; quantized: number; tokens: number; source: string } | null = null;
      if (evalText !== null) {
        const ids = encodeText(evalText.text, manifest.text, Vocab.fromJSON(manifest.vocab)).ids.slice(-evalTokens);
        perplexity = {
          float32: streamPerplexity(config, parameters, ids),
          quantized: streamPerplexity(config, exported.parameters, ids),
          tokens: ids.length,
          source: evalText.source,
        };
      }
      quantization = { mode: quantize, float32OnnxBytes: floatBytes, onnxBytes: exported.onnx.length, perplexity };
    }

    if (values.json) {
      io.stdout.write(`${JSON.stringify({ dir: out, files: written, manifest: exported.manifest, verification: exported.verification, quantization: quantization ?? null }, null, 2)}\n`);
      return;
    }
    io.stdout.write(formatText(out, exported, quantization));
  },
});

/** The trained model's manifest, core config and checked parameters. */
async function readTrainedModel(dir: string): Promise<{ manifest: NeuralManifest; config: RnnConfig; parameters: Map<string, { shape: number[]; data: Float32Array }> }> {
  const manifest = parseManifest(await readText(join(dir, 'manifest.json')));
  if (manifest.kind !== 'rnn' && manifest.kind !== 'gru' && manifest.kind !== 'lstm') {
    throw new SeqlmError('UNSUPPORTED', `seqlm export handles rnn, gru and lstm language models, not "${manifest.kind}"`, { kind: manifest.kind });
  }
  if (manifest.weights === undefined) throw new SeqlmError('MANIFEST_INVALID', `${dir}/manifest.json lists no weights container to export from`);
  if (manifest.kind !== 'rnn' && manifest.gates.layout !== 'tfjs') {
    throw new SeqlmError('UNSUPPORTED', `the weights container must use seqlm's (tfjs) gate layout, the manifest says "${manifest.gates.layout}"`);
  }
  const entry = findFile(manifest, manifest.weights.file);
  const bytes = await readBytes(join(dir, entry.path));
  verifyFile(entry, bytes);
  return { manifest, config: rnnConfigOf(manifest), parameters: decodeWeights(bytes) };
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `cannot read ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

async function readText(path: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(path));
}

/** --eval-file, else the held-out tail of the training corpus when it can be read without downloading; null when neither. */
async function evaluationText(manifest: NeuralManifest, evalFile: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<{ text: string; source: string } | null> {
  if (evalFile !== undefined) return { text: (await loadCorpusFile(evalFile)).text, source: evalFile };
  const name = manifest.training?.corpus;
  if (name === undefined) return null;
  try {
    const corpus = await loadCorpus(name, { download: false, env });
    const fraction = manifest.training?.valFraction ?? 0.1;
    const tail = corpus.text.slice(Math.floor(corpus.text.length * (1 - (fraction > 0 ? fraction : 0.1))));
    return { text: tail, source: `the last ${Math.round((fraction > 0 ? fraction : 0.1) * 100)}% of ${name}` };
  } catch {
    return null;
  }
}

function formatText(out: string, exported: ExportedLm, quantization: Record<string, unknown> | undefined): string {
  const { config: c, manifest, verification: v } = exported;
  const onnx = manifest.onnx!;
  const spec = (t: { name: string; dtype: string; shape: (string | number)[] }): string => `${t.name} ${t.dtype} [${t.shape.join(', ')}]`;
  const lines = [
    `exported ${c.cell} language model (V=${c.vocabSize}, H=${c.hiddenSize}, L=${c.numLayers}) to ${out}`,
    ...manifest.files.map((f) => `  ${f.path.padEnd(12)} ${String(f.bytes).padStart(10)} bytes  sha256 ${f.sha256}`),
    `  manifest.json`,
    `ONNX opset ${onnx.opset}, IR version ${onnx.irVersion}`,
    `  inputs:  ${onnx.inputs.map(spec).join('; ')}`,
    `  outputs: ${onnx.outputs.map(spec).join('; ')}`,
    `verified on ${v.runtimes.map((r) => `onnxruntime-${r}`).join(', ')} against ${v.references.join(', ')} (${v.batches} batch${v.batches === 1 ? '' : 'es'} of B=${v.batchSize}, T=${v.numSteps} holding every token id): ` +
      `max |difference| ${v.maxAbsDiff.toExponential(2)} (tolerance ${v.tolerance})`,
  ];
  const skipped = skippedRuntimesLine(v);
  if (skipped !== null) lines.push(skipped);
  if (quantization !== undefined) {
    const q = quantization as { mode: string; float32OnnxBytes: number; onnxBytes: number; perplexity: { float32: number; quantized: number; tokens: number; source: string } | null };
    const change = (a: number, b: number): string => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(2)}%`;
    lines.push(`quantized ${q.mode}: model.onnx ${q.float32OnnxBytes} → ${q.onnxBytes} bytes (${change(q.float32OnnxBytes, q.onnxBytes)})`);
    lines.push(
      q.perplexity === null
        ? '  perplexity change not measured: give --eval-file (the training corpus is not available offline)'
        : `  perplexity ${q.perplexity.float32.toFixed(4)} → ${q.perplexity.quantized.toFixed(4)} (${change(q.perplexity.float32, q.perplexity.quantized)}) on ${q.perplexity.tokens} tokens of ${q.perplexity.source}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
