/**
 * Inference cost of an exported GRU-256 char model (V = 28, one layer, batch 1):
 * stateful generation ms/token (T = 1, state carried) and prefill of a
 * 200-token prompt, for core's forward, onnxruntime-web (Node build, 1 thread)
 * and onnxruntime-node (when installed).
 */
import { RnnModel, resolveConfig } from '@seqlm/core/rnn';
import { timeIt, type BenchRow } from '../../../scripts/bench-kit.ts';
import { runLm } from '../src/onnx/lm-session.ts';
import { buildLmGraph } from '../src/onnx/rnn-graph.ts';
import { availableRuntimes, createSession } from '../src/onnx/runtime.ts';

const STEP_GOAL_MS = 0.08;
const PREFILL_GOAL_MS = 3;

export default async function bench(): Promise<BenchRow[]> {
  const config = resolveConfig({ cell: 'gru', vocabSize: 28, hiddenSize: 256, numLayers: 1 });
  const model = new RnnModel(config, { seed: 1, init: { scheme: 'glorot-uniform' } });
  const bytes = buildLmGraph(config, model.parameters()).bytes;
  const prompt = Int32Array.from({ length: 200 }, (_, i) => (i * 7) % 28);
  const label = 'GRU-256, V=28, B=1';
  const rows: BenchRow[] = [];

  let state = model.initialState(1);
  let i = 0;
  const coreStep = await timeIt(() => {
    state = model.step(state, Int32Array.of(prompt[i++ % 200]!)).state;
  }, 2000, 200);
  rows.push({ name: `core step ms/token (${label})`, value: coreStep, unit: 'ms' });
  const corePrefill = await timeIt(() => model.forward(prompt, 1, 200), 50, 5);
  rows.push({ name: `core prefill 200 tokens (${label})`, value: corePrefill, unit: 'ms' });

  for (const runtime of await availableRuntimes()) {
    const session = await createSession(runtime, bytes);
    let h: Float32Array = new Float32Array(256);
    let j = 0;
    const step = await timeIt(async () => {
      h = (await runLm(session, config, { ids: Int32Array.of(prompt[j++ % 200]!), batchSize: 1, numSteps: 1, h0: h })).hT;
    }, 2000, 200);
    const prefill = await timeIt(() => runLm(session, config, { ids: prompt, batchSize: 1, numSteps: 200 }), 50, 5);
    const goal = runtime === 'web';
    rows.push({
      name: `onnxruntime-${runtime} step ms/token (${label})`,
      value: step,
      unit: 'ms',
      ...(goal ? { goal: { op: '<=' as const, value: STEP_GOAL_MS } } : {}),
      note: 'session.run with ids [1,1] and h0 fed from the previous hT',
    });
    rows.push({
      name: `onnxruntime-${runtime} prefill 200 tokens (${label})`,
      value: prefill,
      unit: 'ms',
      ...(goal ? { goal: { op: '<=' as const, value: PREFILL_GOAL_MS } } : {}),
    });
    await session.release();
  }
  // onnxruntime-node is optional: without it its rows are simply absent.
  return rows;
}
