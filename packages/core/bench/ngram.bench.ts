/**
 * Char 6-gram interpolated Kneser-Ney on Tiny Shakespeare (raw text, 1.1M
 * chars): build time and peak memory (in a fresh Node process, so other
 * benches do not inflate the peak), scoring throughput, next-token
 * distribution latency, compact-file size and load time, ARPA size.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDataDir, timeIt, type BenchRow } from '../../../scripts/bench-kit.ts';
import { charTokenizer } from '../src/text/index.ts';
import { decodeNgram, encodeNgram, scoreIds, trainNgram, writeArpa } from '../src/ngram/index.ts';

const ORDER = 6;

export default async (): Promise<BenchRow[]> => {
  const corpus = join(benchDataDir(), 'tinyshakespeare.txt');
  const ngramUrl = pathToFileURL(join(import.meta.dirname, '..', 'src', 'ngram', 'index.ts')).href;
  const textUrl = pathToFileURL(join(import.meta.dirname, '..', 'src', 'text', 'index.ts')).href;
  // Build in a child: its maxRSS is the build's own peak (plus Node's ~45 MB baseline).
  const child = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { readFileSync } from 'node:fs';
       import { trainNgram } from ${JSON.stringify(ngramUrl)};
       import { charTokenizer } from ${JSON.stringify(textUrl)};
       const tokens = charTokenizer.tokenize(readFileSync(${JSON.stringify(corpus)}, 'utf8'));
       const t0 = performance.now();
       const m = trainNgram([tokens], { order: ${ORDER} });
       const ms = performance.now() - t0;
       console.log(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ngrams: m.trie.size - 1 }));`,
    ],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`build child failed: ${child.stderr}`);
  const built = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { ms: number; maxRssMB: number; ngrams: number };

  const tokens = charTokenizer.tokenize(readFileSync(corpus, 'utf8'));
  const trained = trainNgram([tokens], { order: ORDER });
  const ids = trained.vocab.encode(tokens);
  const bytes = encodeNgram(trained);
  const bytesV1 = encodeNgram(trained, { version: 1 });
  const bytes32 = encodeNgram(trained, { precision: 'float32' });
  // what eval, the edge API and the playground score with: the model loaded from its file
  const model = decodeNgram(bytes);
  let ppl = 0;
  const scoreMs = await timeIt(() => {
    ppl = scoreIds(model, ids).perplexity as number;
  }, 5, 1);
  const trieScoreMs = await timeIt(() => scoreIds(trained, ids), 2, 1);
  const contexts = Array.from({ length: 1000 }, (_, i) => ids.subarray(i * 997, i * 997 + ORDER - 1));
  let k = 0;
  const distMs = await timeIt(() => model.distribution(contexts[k++ % contexts.length] as Int32Array), 20000, 1000);

  const encodeMs = await timeIt(() => encodeNgram(trained), 3, 1);
  const loadMs = await timeIt(() => decodeNgram(bytes), 20, 3);
  const loadV1Ms = await timeIt(() => decodeNgram(bytesV1), 3, 1);
  const arpa = writeArpa(trained, { escape: true });
  const MB = 1024 * 1024;
  return [
    {
      name: `ngram build char ${ORDER}-gram KN, Tiny Shakespeare`,
      value: built.ms,
      unit: 'ms',
      goal: { op: '<=', value: 5000 },
      note: `${tokens.length.toLocaleString('en-US')} chars, ${built.ngrams.toLocaleString('en-US')} n-grams, fresh process`,
    },
    { name: 'ngram build peak memory (maxRSS)', value: built.maxRssMB, unit: 'MB', goal: { op: '<=', value: 300 }, note: 'whole child process, Node baseline included' },
    {
      name: `ngram score char ${ORDER}-gram KN, loaded from its file`,
      value: ids.length / (scoreMs / 1000),
      unit: 'tokens/s',
      goal: { op: '>=', value: 10_000_000 },
      note: `before: 2.8M/s; training text, perplexity ${ppl.toFixed(3)}; context state walks the text`,
    },
    { name: `ngram score char ${ORDER}-gram KN, as trained (hash trie)`, value: ids.length / (trieScoreMs / 1000), unit: 'tokens/s', note: 'the trie the build scores validation with' },
    { name: 'ngram next-token distribution', value: distMs * 1000, unit: 'µs', note: `V = ${model.vocab.size}, context of ${ORDER - 1}` },
    { name: 'ngram compact file v2 (float64)', value: bytes.length / MB, unit: 'MB', note: `v1: ${(bytesV1.length / MB).toFixed(2)} MB` },
    { name: 'ngram compact file v2 (float32)', value: bytes32.length / MB, unit: 'MB' },
    { name: 'ngram encode', value: encodeMs, unit: 'ms' },
    { name: 'ngram load v2 (views over the bytes, one checking pass)', value: loadMs, unit: 'ms', goal: { op: '<=', value: 10 }, note: 'before: 125 ms' },
    { name: 'ngram load v1 (decode + rebuild the hash trie)', value: loadV1Ms, unit: 'ms', note: 'old files still load this way' },
    { name: 'ngram ARPA text', value: arpa.length / MB, unit: 'MB', note: 'full-precision numbers' },
  ];
};
