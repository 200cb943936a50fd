import { runBenchDir } from '../../../scripts/bench-kit.ts';

await runBenchDir(import.meta.dirname, '@seqlm/edge-api');
