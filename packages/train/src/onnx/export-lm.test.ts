import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex, validateManifest } from '@seqlm/core/manifest';
import { RnnModel, resolveConfig } from '@seqlm/core/rnn';
import { Vocab } from '@seqlm/core/vocab';
import { exportLm, writeExport } from './export-lm.ts';
import { loadOnnxModelDir } from './load.ts';
import { maxAbsDiff } from './lm-session.ts';
import { testParameters } from './test-models.test-util.ts';
import { coreReference, randomLmInput } from './verify.ts';

const vocab = Vocab.build(Array.from('abcdef'), {}).toJSON(); // <unk> + 6 = 7 tokens
const config = resolveConfig({ cell: 'gru', vocabSize: 7, hiddenSize: 5, numLayers: 2 });
const text = { tokenizer: 'char', normalization: 'raw' } as const;
const tmp = mkdtempSync(join(tmpdir(), 'seqlm-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function exportTo(name: string): Promise<string> {
  const dir = join(tmp, name);
  const exported = await exportLm({ config, parameters: testParameters(config), vocab, text, verify: { batchSize: 2, numSteps: 4 } });
  await writeExport(dir, exported);
  return dir;
}

function editManifest(dir: string, edit: (m: Record<string, any>) => void): void {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8'));
  edit(m);
  writeFileSync(path, JSON.stringify(m));
}

describe('exportLm + loadOnnxModelDir', () => {
  it('writes a directory whose manifest lists every file with its sha256 and the graph signature', async () => {
    const dir = await exportTo('ok');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(validateManifest(manifest).ok).toBe(true);
    for (const f of manifest.files) expect(f.sha256).toBe(sha256Hex(new Uint8Array(readFileSync(join(dir, f.path)))));
    expect(manifest.onnx).toMatchObject({ file: 'model.onnx', opset: 15, irVersion: 8 });
    expect(manifest.gates).toEqual({ layout: 'tfjs', order: ['z', 'r', 'h'], linearBeforeReset: 0 });
    const loaded = await loadOnnxModelDir(dir);
    expect(loaded.manifest.kind).toBe('gru');
    expect([...loaded.weights!.keys()]).toContain('layers.1.W_h');
  });

  it('refuses a file whose hash does not match the manifest (HASH_MISMATCH)', async () => {
    const dir = await exportTo('tampered');
    const path = join(dir, 'model.onnx');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(path, bytes);
    await expect(loadOnnxModelDir(dir)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
  });

  it('refuses a manifest whose tensor names do not match the graph (MODEL_INVALID)', async () => {
    const dir = await exportTo('renamed');
    editManifest(dir, (m) => {
      // Consistent within the manifest (the I/O contract follows the rename), but not the graph's name.
      m.onnx.inputs[1].name = 'state';
      m.onnx.io.state[0].input = 'state';
    });
    await expect(loadOnnxModelDir(dir)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/inputs/) });
    const dir2 = await exportTo('reshaped');
    editManifest(dir2, (m) => {
      m.onnx.outputs[0].shape = ['batch', 'time', 8];
    });
    await expect(loadOnnxModelDir(dir2)).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });

  it('refuses an invalid or missing manifest (MANIFEST_INVALID)', async () => {
    const dir = await exportTo('invalid');
    editManifest(dir, (m) => {
      m.schemaVersion = 99;
    });
    await expect(loadOnnxModelDir(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    await expect(loadOnnxModelDir(join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
  });

  it('refuses a vocabulary that does not fit the model', async () => {
    await expect(exportLm({ config: { ...config, vocabSize: 8 }, parameters: testParameters({ ...config, vocabSize: 8 }), vocab, text })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('quantized export', () => {
  const lstm = resolveConfig({ cell: 'lstm', vocabSize: 7, hiddenSize: 16, numLayers: 2 });
  it.each(['int8', 'fp16'] as const)('%s: verifies against core on the rounded weights, shrinks the graph and stays close to float32', async (mode) => {
    const params = testParameters(lstm);
    const float = await exportLm({ config: lstm, parameters: params, vocab, text, verify: { tfjs: false } });
    const quant = await exportLm({ config: lstm, parameters: params, vocab, text, quantize: mode, verify: { tfjs: false } });
    expect(quant.verification.maxAbsDiff).toBeLessThan(1e-4);
    // Matrices dominate: 1 byte (int8) or 2 bytes (fp16) instead of 4, plus biases and graph structure.
    expect(quant.onnx.length).toBeLessThan(float.onnx.length * (mode === 'int8' ? 0.45 : 0.65));
    const { ids, h0, c0 } = randomLmInput(lstm, 2, 10, 1);
    const a = coreReference(lstm, float.parameters, ids, 2, 10, h0, c0);
    const b = coreReference(lstm, quant.parameters, ids, 2, 10, h0, c0);
    const diff = maxAbsDiff(a.logits, b.logits);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(mode === 'int8' ? 0.1 : 0.01);
    // weights.bin holds what the graph computes with, so core loading it reproduces the ONNX numbers.
    const model = RnnModel.fromParameters(lstm, Object.fromEntries(quant.parameters));
    expect(model.parameters()['W_hq']!.data).toEqual(quant.parameters.get('W_hq')!.data);
  });
});
