import { timeIt, type BenchRow } from '../../../scripts/bench-kit.ts';
import { decodeWeights, encodeWeights, sha256Hex } from '../src/manifest/index.ts';

export default async (): Promise<BenchRow[]> => {
  // 15 MB is about a 2-layer LSTM with H=512 on a word vocabulary: the size the goal is set for.
  const bytes = new Uint8Array(15 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  const shaMs = await timeIt(() => sha256Hex(bytes), 3, 1);

  const data = new Float32Array(bytes.length / 4).map((_, i) => Math.sin(i));
  const tensors = { W: { shape: [data.length / 1024, 1024], data } };
  const encoded = encodeWeights(tensors);
  const encodeMs = await timeIt(() => encodeWeights(tensors), 3, 1);
  const decodeMs = await timeIt(() => decodeWeights(encoded), 5, 1);
  return [
    { name: 'sha256Hex 15 MB', value: shaMs, unit: 'ms', goal: { op: '<=', value: 500 }, note: `${(15 / (shaMs / 1000)).toFixed(0)} MB/s, pure TS` },
    { name: 'encodeWeights 15 MB float32', value: encodeMs, unit: 'ms', note: 'includes the finiteness scan' },
    { name: 'decodeWeights 15 MB float32', value: decodeMs, unit: 'ms', note: 'zero-copy views + finiteness scan' },
  ];
};
