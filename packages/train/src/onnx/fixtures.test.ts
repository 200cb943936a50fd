import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CELL_KINDS, RnnModel, type RnnConfig } from '@seqlm/core/rnn';
import { buildFixture, FIXTURE_NAMES, type FixtureIO, type FixtureTensor } from './fixtures.ts';
import { batchMajor, maxAbsDiff, runLm } from './lm-session.ts';
import { loadOnnxModelDir } from './load.ts';
import { availableRuntimes, createSession } from './runtime.ts';

const fixturesDir = resolve(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'models');
const runtimes = await availableRuntimes();

const f32 = (t: FixtureTensor | undefined): Float32Array | undefined => (t === undefined ? undefined : Float32Array.from(t.data));

describe.each([...CELL_KINDS])('golden fixture %s', (cell) => {
  const dir = join(fixturesDir, FIXTURE_NAMES[cell]);

  it('loads (hashes and graph signature agree with the manifest) and reproduces io.json on core and every onnxruntime', async () => {
    const loaded = await loadOnnxModelDir(dir);
    const io = JSON.parse(readFileSync(join(dir, 'io.json'), 'utf8')) as FixtureIO;
    const m = loaded.manifest as { architecture: { vocabSize: number; hiddenSize: number; numLayers: number }; gates?: { linearBeforeReset?: 0 | 1 } };
    const config: RnnConfig = { cell, ...m.architecture, linearBeforeReset: m.gates?.linearBeforeReset ?? 0 };
    const core = RnnModel.fromParameters(config, Object.fromEntries(loaded.weights!));
    const sessions = await Promise.all(runtimes.map((r) => createSession(r, loaded.onnx)));
    expect(io.cases.length).toBeGreaterThan(0);
    for (const c of io.cases) {
      const [B, T] = c.inputs.ids!.shape as [number, number];
      const ids = Int32Array.from(c.inputs.ids!.data);
      const h0 = f32(c.inputs.h0)!;
      const c0 = f32(c.inputs.c0);
      const want = c.outputs;
      // core computes time-major [T, B, V]; io.json holds [B, T, V].
      const out = core.forward(ids, B, T, { batchSize: B, numLayers: config.numLayers!, hiddenSize: config.hiddenSize, h: h0, c: c0 ?? null });
      const V = config.vocabSize;
      let worst = 0;
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let v = 0; v < V; v++) {
        worst = Math.max(worst, Math.abs(out.logits[(t * B + b) * V + v]! - want.logits!.data[(b * T + t) * V + v]!));
      }
      expect(worst).toBeLessThan(io.tolerance);
      expect(maxAbsDiff(out.state.h, want.hT!.data)).toBeLessThan(io.tolerance);
      // The graph's hidden output (h_t of the last layer) against core's forward pass.
      const hidden = core.hiddenStates(ids, B, T, { batchSize: B, numLayers: config.numLayers!, hiddenSize: config.hiddenSize, h: h0, c: c0 ?? null });
      expect(maxAbsDiff(batchMajor(hidden, B, T, config.hiddenSize), want.hidden!.data)).toBeLessThan(io.tolerance);
      for (const session of sessions) {
        const got = await runLm(session, core.config, { ids, batchSize: B, numSteps: T, h0, ...(c0 !== undefined ? { c0 } : {}) });
        expect(maxAbsDiff(got.logits, want.logits!.data)).toBeLessThan(io.tolerance);
        expect(maxAbsDiff(got.hT, want.hT!.data)).toBeLessThan(io.tolerance);
        if (want.cT !== undefined) expect(maxAbsDiff(got.cT!, want.cT.data)).toBeLessThan(io.tolerance);
        expect(maxAbsDiff(got.hidden!, want.hidden!.data)).toBeLessThan(io.tolerance);
      }
    }
    for (const s of sessions) await s.release();
  });

  it('is what scripts/make-fixtures.ts generates today (run it after an intended convention change)', async () => {
    const files = await buildFixture(cell);
    for (const [name, data] of files) {
      const committed = readFileSync(join(dir, name));
      const fresh = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
      expect(fresh.equals(committed), `${FIXTURE_NAMES[cell]}/${name} differs from a fresh build`).toBe(true);
    }
  });
});
