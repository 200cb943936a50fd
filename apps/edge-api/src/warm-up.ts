/**
 * Starting onnxruntime is most of a cold first request: ~250 ms of CPU
 * measured in workerd (instantiating its 14 MB wasm, compiling the functions
 * a session and a run call, building its kernel registry) against ~30 ms for a
 * second model's session. Work started in the worker's global scope runs
 * while the isolate starts, which Workers bound by the startup limit (1 s)
 * rather than by a request's CPU, and which Cloudflare overlaps with the
 * client's TLS handshake. So the first bundled neural model, the default,
 * gets its session and one run there; the registry later asks ort.ts for the
 * same bytes and receives this session. Other models still load on first use.
 * Nothing here throws: a model that cannot load is reported by the registry
 * on its first request, exactly as without the warm-up.
 */
import { validateManifest } from '@seqlm/core';
import { NeuralLm } from '@seqlm/core/lm';
import type { ModelSource } from './models/source.ts';
import { createGraphSession } from './ort.ts';

/** Starts (does not await) the session of the first build-verified neural model in `sources`, and runs it once. */
export function warmUp(sources: readonly ModelSource[]): void {
  for (const source of sources) {
    if (source.verified !== 'build') continue;
    const result = validateManifest(source.manifest);
    if (!result.ok || result.manifest.kind === 'ngram' || result.manifest.kind === 'ts-mlp' || result.manifest.kind === 'mixture') continue;
    const manifest = result.manifest;
    const bytes = manifest.onnx === undefined ? undefined : source.files[manifest.onnx.file];
    if (bytes === undefined) continue;
    // One run of one token (<unk>, id 0) compiles the run path too.
    void createGraphSession(bytes)
      .then((session) => new NeuralLm(source.id, manifest, session).nextLogProbs(Int32Array.of(0)))
      .catch(() => undefined);
    return;
  }
}
