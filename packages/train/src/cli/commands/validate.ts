import { resolve } from 'node:path';
import { neuralWeights, readModelDir } from '../../lm/artifact.ts';
import { loadOnnxModelDir } from '../../onnx/load.ts';
import { verifyLmGraph } from '../../onnx/verify.ts';
import { loadModelDir } from '../../runtime/index.ts';
import { defineCommand } from '../command.ts';
import { existingDir, usageError } from '../flags.ts';

export const validate = defineCommand({
  name: 'validate',
  summary: 'Check a model directory: manifest schema, file sizes and sha256 hashes, weight shapes',
  description:
    'Reads <model dir>/manifest.json, validates it against the seqlm manifest schema, checks that every file it lists exists with the recorded size and sha256, ' +
    'and for an RNN/GRU/LSTM with core weights that the container holds exactly the tensors its architecture needs. ' +
    "When the manifest lists an ONNX graph, its opset, IR version, inputs and outputs must equal the manifest's, and for an RNN/GRU/LSTM every available onnxruntime " +
    "must reproduce core's forward pass on the weights container within 1e-4 on batches that hold every token id of the vocabulary. Exits 0 when all hold, 1 with the first problem otherwise.",
  options: {
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  positionals: [{ name: 'model dir', description: 'Directory holding manifest.json' }],
  examples: ['seqlm validate models/tm-gru'],
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw usageError(`expected one model directory, got ${positionals.length}`);
    const dir = resolve(existingDir('model dir', positionals[0]!, io.cwd));
    const loaded = await readModelDir(dir);
    const { manifest } = loaded;
    let tensors: number | null = null;
    if ((manifest.kind === 'rnn' || manifest.kind === 'gru' || manifest.kind === 'lstm') && manifest.weights !== undefined) {
      tensors = neuralWeights(loaded).weights.size;
    }
    let onnx: { file: string; opset: number; irVersion: number; runtimes: string[]; maxAbsDiff: number | null } | null = null;
    if ('onnx' in manifest && manifest.onnx !== undefined) {
      const model = await loadOnnxModelDir(dir);
      onnx = { file: model.manifest.onnx.file, opset: model.manifest.onnx.opset, irVersion: model.manifest.onnx.irVersion, runtimes: [], maxAbsDiff: null };
      if (tensors !== null) {
        // A graph that loads but computes something else is the failure hashes cannot see.
        const { config, weights } = neuralWeights(loaded);
        const report = await verifyLmGraph(model.onnx, config, weights, { tfjs: false, batchSize: 2, numSteps: 8 });
        onnx.runtimes = report.runtimes.map((r) => `onnxruntime-${r}`);
        onnx.maxAbsDiff = report.maxAbsDiff;
      }
    }
    // A mixture is only as valid as its components: each must still have the manifest hash it was fitted with.
    const components = manifest.kind === 'mixture' ? (await loadModelDir(dir, { runtime: 'core' }), manifest.mixture.components.map((c) => ({ path: c.path, weight: c.weight }))) : null;
    const files = manifest.files.map((f) => ({ path: f.path, role: f.role, bytes: f.bytes, sha256: f.sha256 }));
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ok: true, dir, kind: manifest.kind, name: manifest.name ?? null, files, tensors, onnx, components }, null, 2)}\n`);
      return;
    }
    const lines = [`ok: ${dir}: ${manifest.kind} model${manifest.name !== undefined ? ` "${manifest.name}"` : ''}, manifest schema v${manifest.schemaVersion}`];
    for (const f of files) lines.push(`  ${f.path} (${f.role}, ${f.bytes} bytes) sha256 ${f.sha256.slice(0, 16)}… verified`);
    if (tensors !== null) lines.push(`  ${tensors} weight tensors match the architecture`);
    for (const c of components ?? []) lines.push(`  component ${c.path} (λ = ${c.weight.toFixed(4)}): manifest hash and files verified`);
    if (onnx !== null) {
      lines.push(`  ${onnx.file}: opset ${onnx.opset}, IR version ${onnx.irVersion}, inputs and outputs match the manifest`);
      if (onnx.maxAbsDiff !== null) lines.push(`  ${onnx.file} matches core on ${onnx.runtimes.join(', ')}: max |difference| ${onnx.maxAbsDiff.toExponential(2)}`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
  },
});
