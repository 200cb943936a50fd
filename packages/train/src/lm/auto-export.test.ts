import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWeights, fileEntry, parseManifest, serializeManifest, sha256Hex, type NeuralManifest } from '@seqlm/core/manifest';
import { RnnModel } from '@seqlm/core/rnn';
import { normalize } from '@seqlm/core/text';
import { Vocab } from '@seqlm/core/vocab';
import { loadOnnxModelDir } from '../onnx/load.ts';
import { runLm } from '../onnx/lm-session.ts';
import { buildLmGraph } from '../onnx/rnn-graph.ts';
import { createSession } from '../onnx/runtime.ts';
import { withTempDir } from '../testing.test-util.ts';
import { rnnConfigOf } from './artifact.ts';
import { exportTrainedModel } from './auto-export.ts';
import { runCli } from './lm.test-util.ts';

const TINY = ['train', '--corpus', 'timemachine', '--cell', 'gru', '--hidden', '16', '--epochs', '1', '--backend', 'wasm'];

function readManifest(dir: string): NeuralManifest {
  const m = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (m.kind !== 'rnn' && m.kind !== 'gru' && m.kind !== 'lstm') throw new Error(`not a neural manifest: ${m.kind}`);
  return m;
}

describe('seqlm train exports model.onnx at the end (issue #6)', () => {
  it('leaves an ONNX directory that loads, matches core on a prefix, validates and generates', async () => {
    await withTempDir(async (tmp) => {
      const out = join(tmp, 'gru');
      const r = await runCli([...TINY, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/exported .*model\.onnx: onnxruntime-web.* reproduce core, tfjs within \d\.\d\de-\d+ \(tolerance 0\.0001\)/);

      const manifest = readManifest(out);
      expect(manifest.files.map((f) => f.path).sort()).toEqual(['model.onnx', 'perplexity.svg', 'stats.json', 'weights.bin']);
      for (const f of manifest.files) expect(f.sha256, f.path).toBe(sha256Hex(new Uint8Array(readFileSync(join(out, f.path)))));
      expect(manifest.training?.epochs).toBe(1);
      expect(existsSync(join(out, 'checkpoint', 'checkpoint.json'))).toBe(true);

      const loaded = await loadOnnxModelDir(out);
      expect(loaded.manifest.onnx).toMatchObject({ file: 'model.onnx', opset: 15, irVersion: 8 });

      // onnxruntime on "time traveller" (B = 1, zero state) against core's forward pass on weights.bin.
      const config = rnnConfigOf(manifest);
      const vocab = Vocab.fromJSON(manifest.vocab);
      const ids = vocab.encode(Array.from(normalize('Time Traveller', manifest.text.normalization)));
      expect(ids).toHaveLength(14);
      const T = ids.length;
      const core = RnnModel.fromParameters(config, Object.fromEntries(loaded.weights!)).forward(ids, 1, T);
      const session = await createSession('web', loaded.onnx);
      try {
        const got = await runLm(session, config, { ids, batchSize: 1, numSteps: T });
        expect(got.logits).toHaveLength(T * config.vocabSize);
        let worst = 0;
        for (let i = 0; i < got.logits.length; i++) worst = Math.max(worst, Math.abs(got.logits[i]! - core.logits[i]!));
        expect(worst).toBeLessThanOrEqual(1e-5);
        // The logits are not all equal, so the comparison has something to compare.
        expect(Math.max(...got.logits) - Math.min(...got.logits)).toBeGreaterThan(0.1);
      } finally {
        await session.release();
      }

      const v = await runCli(['validate', out]);
      expect(v.code, v.stderr).toBe(0);
      expect(v.stdout).toContain('model.onnx: opset 15, IR version 8, inputs and outputs match the manifest');
      expect(v.stdout).toMatch(/model\.onnx matches core on onnxruntime-web.*: max \|difference\| \d\.\d\de-\d+/);

      const g = await runCli(['generate', '--model', out, '--len', '20', '--seed', '1']);
      expect(g.code, g.stderr).toBe(0);
      expect(g.stdout.trimEnd()).toHaveLength('time traveller'.length + 20);
      expect(g.stdout.startsWith('time traveller')).toBe(true);

      // A graph with valid hashes that computes with other weights: only the parity check can see it.
      const other = new Map([...loaded.weights!].map(([name, t]) => [name, { shape: t.shape, data: t.data.map((x) => x + 0.05) }]));
      const forged = buildLmGraph(config, other).bytes;
      writeFileSync(join(out, 'model.onnx'), forged);
      const files = manifest.files.map((f) => (f.path === 'model.onnx' ? fileEntry('onnx', 'model.onnx', forged) : f));
      writeFileSync(join(out, 'manifest.json'), serializeManifest({ ...manifest, files }));
      const bad = await runCli(['validate', out]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/onnxruntime-web vs core: logits differs by \d/);
    });
  });

  it('--no-export keeps the plain weights directory; a failed verification keeps it too', async () => {
    await withTempDir(async (tmp) => {
      const out = join(tmp, 'plain');
      const r = await runCli([...TINY, '--no-export', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('not exported');
      expect(existsSync(join(out, 'model.onnx'))).toBe(false);
      const manifest = readManifest(out);
      expect(manifest.onnx).toBeUndefined();
      expect((await runCli(['validate', out])).code).toBe(0);

      const before = new Map(readdirSync(out).filter((f) => f !== 'checkpoint').map((f) => [f, readFileSync(join(out, f))]));
      const parameters = decodeWeights(new Uint8Array(readFileSync(join(out, 'weights.bin'))));
      // No difference is <= -1, so verification must fail however close the runtimes agree.
      const failing = exportTrainedModel(out, { manifest, parameters, verify: { tolerance: -1, tfjs: false } });
      await expect(failing).rejects.toMatchObject({ code: 'EXPORT_MISMATCH' });
      await expect(failing).rejects.toThrow(/logits differs by \d\.\d{3}e[-+]\d+[\s\S]*the trained model is kept in .*with its checkpoint/);
      const after = readdirSync(out).filter((f) => f !== 'checkpoint');
      expect(after.sort()).toEqual([...before.keys()].sort());
      for (const [name, bytes] of before) expect(readFileSync(join(out, name)).equals(bytes), name).toBe(true);
      expect(existsSync(join(out, 'checkpoint', 'checkpoint.json'))).toBe(true);

      // The same directory exports once the check can pass, keeping the plot listed.
      const done = await exportTrainedModel(out, { manifest, parameters, verify: { tfjs: false } });
      expect(done.verification.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(readManifest(out).files.map((f) => f.path).sort()).toEqual(['model.onnx', 'perplexity.svg', 'stats.json', 'weights.bin']);
      expect((await loadOnnxModelDir(out)).manifest.kind).toBe('gru');
    });
  });
});
