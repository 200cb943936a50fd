/**
 * Regenerates the golden fixtures in <repo>/fixtures/models/ (seeded, so the
 * bytes only change when a convention changes):
 *
 *   node packages/train/scripts/make-fixtures.ts
 *
 * Each directory holds model.onnx, weights.bin, manifest.json and io.json
 * (inputs and reference outputs); see src/onnx/fixtures.ts for the RNN/GRU/LSTM
 * fixtures, src/timeseries/fixture.ts for ts-mlp-tiny and
 * src/runtime/mixture-fixture.ts for mix-tiny (manifest.json only).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildFixtures } from '../src/onnx/fixtures.ts';
import { buildTsMlpFixture, TS_MLP_FIXTURE_NAME } from '../src/timeseries/fixture.ts';
import { buildMixtureFixture, MIXTURE_FIXTURE_NAME } from '../src/runtime/mixture-fixture.ts';

const root = resolve(import.meta.dirname, '..', '..', '..', 'fixtures', 'models');
const fixtures = await buildFixtures();
fixtures.set(TS_MLP_FIXTURE_NAME, await buildTsMlpFixture());
const bytesOf = (data: string | Uint8Array | undefined): Uint8Array => (typeof data === 'string' ? new TextEncoder().encode(data) : (data ?? new Uint8Array(0)));
const components = new Map([...fixtures].map(([name, files]) => [name, { manifest: bytesOf(files.get('manifest.json')), weights: bytesOf(files.get('weights.bin')) }]));
fixtures.set(MIXTURE_FIXTURE_NAME, buildMixtureFixture(components));
for (const [name, files] of fixtures) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (const [file, data] of files) {
    writeFileSync(join(dir, file), data);
    bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  }
  console.log(`${dir}: ${[...files.keys()].join(', ')} (${bytes} bytes)`);
}
