import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileEntry, serializeManifest, type GruManifest } from '@seqlm/core/manifest';
import { loadOnnxModelDir } from '../../onnx/load.ts';
import type { CliIO } from '../command.ts';
import { exportCommand } from './export.ts';
import { writeTrainedGruDir } from './trained-dir.test-util.ts';

const tmp = mkdtempSync(join(tmpdir(), 'seqlm-export-cmd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A trained-model directory as `seqlm train` leaves it: manifest.json + weights.bin, no ONNX yet. */
function trainedDir(): string {
  const dir = join(tmp, 'trained');
  writeTrainedGruDir(dir, { text: 'the time machine by h g wells', hiddenSize: 8, numLayers: 2 });
  writeFileSync(join(tmp, 'eval.txt'), 'the time traveller for so it will be convenient to speak of him '.repeat(20));
  return dir;
}

function io(): CliIO & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => undefined }, env: {}, cwd: tmp };
}

describe('seqlm export', () => {
  it('exports, verifies and reports the size and perplexity change of int8 weights', async () => {
    const dir = trainedDir();
    const ctx = io();
    await exportCommand.run({
      values: { out: 'exported', quantize: 'int8', 'eval-file': 'eval.txt', 'eval-tokens': '500', json: undefined },
      positionals: [dir],
      io: ctx,
    });
    const text = ctx.out.join('');
    expect(text).toMatch(/verified on onnxruntime-web.* against core, tfjs/);
    expect(text).toMatch(/quantized int8: model\.onnx \d+ → \d+ bytes \(-\d+\.\d+%\)/);
    expect(text).toMatch(/perplexity \d+\.\d+ → \d+\.\d+ \([+-]\d+\.\d+%\) on 500 tokens of/);
    const loaded = await loadOnnxModelDir(join(tmp, 'exported'));
    expect(loaded.manifest.onnx.inputs.map((i) => i.name)).toEqual(['ids', 'h0']);
  });

  it('keeps the other listed files (plot, stats) in place and copies them to another --out', async () => {
    const dir = trainedDir();
    const stats = new TextEncoder().encode('{"orders":[]}');
    writeFileSync(join(dir, 'stats.json'), stats);
    const manifestPath = join(dir, 'manifest.json');
    const before = JSON.parse(readFileSync(manifestPath, 'utf8')) as GruManifest;
    writeFileSync(manifestPath, serializeManifest({ ...before, files: [...before.files, fileEntry('stats', 'stats.json', stats)] }));

    await exportCommand.run({ values: { out: undefined, quantize: undefined, 'eval-file': undefined, 'eval-tokens': undefined, json: undefined }, positionals: [dir], io: io() });
    const inPlace = JSON.parse(readFileSync(manifestPath, 'utf8')) as GruManifest;
    expect(inPlace.files.map((f) => f.path).sort()).toEqual(['model.onnx', 'stats.json', 'weights.bin']);

    await exportCommand.run({ values: { out: 'copied', quantize: undefined, 'eval-file': undefined, 'eval-tokens': undefined, json: undefined }, positionals: [dir], io: io() });
    const copied = await loadOnnxModelDir(join(tmp, 'copied'));
    expect(copied.manifest.files.map((f) => f.path).sort()).toEqual(['model.onnx', 'stats.json', 'weights.bin']);
    expect(readFileSync(join(tmp, 'copied', 'stats.json'))).toEqual(Buffer.from(stats));

    // An absolute --out is taken as it is, not joined onto the working directory.
    const absolute = join(tmp, 'absolute', 'out');
    await exportCommand.run({ values: { out: absolute, quantize: undefined, 'eval-file': undefined, 'eval-tokens': undefined, json: undefined }, positionals: [dir], io: io() });
    expect((await loadOnnxModelDir(absolute)).manifest.kind).toBe('gru');
  });

  it('accepts --quantize float16 as fp16', async () => {
    const ctx = io();
    await exportCommand.run({
      values: { out: 'half', quantize: 'float16', 'eval-file': 'eval.txt', 'eval-tokens': '200', json: undefined },
      positionals: [trainedDir()],
      io: ctx,
    });
    expect(ctx.out.join('')).toMatch(/quantized fp16: model\.onnx \d+ → \d+ bytes/);
    await expect(
      exportCommand.run({ values: { out: 'x', quantize: 'float8', 'eval-file': undefined, 'eval-tokens': undefined, json: undefined }, positionals: [trainedDir()], io: io() }),
    ).rejects.toMatchObject({ code: 'USAGE', message: '--quantize must be one of int8, fp16 (got "float8")' });
  });

  it('names the runtimes that verified the model, and in JSON the ones that could not', async () => {
    const ctx = io();
    await exportCommand.run({ values: { out: 'json', quantize: undefined, 'eval-file': undefined, 'eval-tokens': undefined, json: true }, positionals: [trainedDir()], io: ctx });
    const { verification } = JSON.parse(ctx.out.join('')) as { verification: { runtimes: string[]; skipped: { runtime: string; reason: string }[] } };
    // Both runtimes are installed in the workspace; the packed install without onnxruntime-node is in pack.test.ts.
    expect(verification.runtimes).toEqual(['web', 'node']);
    expect(verification.skipped).toEqual([]);
  });

  it('refuses a missing model directory with a usage error', async () => {
    await expect(
      exportCommand.run({ values: { out: undefined, quantize: undefined, 'eval-file': undefined, 'eval-tokens': undefined, json: undefined }, positionals: ['nope'], io: io() }),
    ).rejects.toMatchObject({ code: 'USAGE' });
  });
});
