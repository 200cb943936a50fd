import { describe, expect, it } from 'vitest';
import { resolveConfig } from '@seqlm/core/rnn';
import { buildLmGraph } from './rnn-graph.ts';
import { testParameters } from './test-models.test-util.ts';
import { skippedRuntimesLine, verifyLmGraph } from './verify.ts';

describe('which runtimes verified a graph', () => {
  it('lists a runtime left out of the check, with the reason, in the report and in one line', async () => {
    const config = resolveConfig({ cell: 'gru', vocabSize: 6, hiddenSize: 4, numLayers: 1 });
    const parameters = testParameters(config);
    const report = await verifyLmGraph(buildLmGraph(config, parameters).bytes, config, parameters, { runtimes: ['web'], tfjs: false });
    expect(report.runtimes).toEqual(['web']);
    expect(report.skipped).toEqual([{ runtime: 'node', reason: 'not requested' }]);
    expect(skippedRuntimesLine(report)).toBe('not verified on onnxruntime-node: not requested');
  });

  it('points at the install notes when onnxruntime-node is not installed, and says nothing when every runtime ran', () => {
    expect(skippedRuntimesLine({ skipped: [{ runtime: 'node', reason: 'not installed (an optional dependency)' }] })).toBe(
      'not verified on onnxruntime-node: not installed (an optional dependency) (see "Install" in @seqlm/train\'s README)',
    );
    expect(skippedRuntimesLine({ skipped: [] })).toBeNull();
  });
});
