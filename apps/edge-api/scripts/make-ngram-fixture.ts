/**
 * Trains the small n-gram model the edge API's tests serve: a char trigram
 * (interpolated Kneser-Ney) on The Time Machine, one sentence per non-empty
 * line after D2L normalisation, with `<s>`/`</s>` so generation can stop.
 * Writes test/fixtures/ngram-char3/{model.ngram, manifest.json}.
 *
 *   node scripts/make-ngram-fixture.ts   (corpus from SEQLM_DATA_DIR, else ../shared/data beside the repo)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { normalize, serializeManifest } from '@seqlm/core';
import { encodeNgram, ngramManifest, trainNgram } from '@seqlm/core/ngram';

const appDir = resolve(import.meta.dirname, '..');
const dataDir = process.env.SEQLM_DATA_DIR ?? resolve(appDir, '..', '..', '..', 'shared', 'data');
const outDir = resolve(appDir, 'test', 'fixtures', 'ngram-char3');

const lines = readFileSync(resolve(dataDir, 'timemachine.txt'), 'utf8')
  .split('\n')
  .map((line) => normalize(line, 'd2l'))
  .filter((line) => line.length > 0)
  .map((line) => Array.from(line));
const model = trainNgram(lines, { order: 3, estimator: { kind: 'kneser-ney' }, boundaries: true });
const bytes = encodeNgram(model, { precision: 'float32' });
const manifest = ngramManifest(model, bytes, {
  text: { tokenizer: 'char', normalization: 'd2l' },
  name: 'ngram-char3',
  description: 'Char trigram (interpolated Kneser-Ney) on The Time Machine, one sentence per line; the edge API test model.',
  training: { corpus: 'timemachine' },
});
mkdirSync(outDir, { recursive: true });
writeFileSync(resolve(outDir, 'model.ngram'), bytes);
writeFileSync(resolve(outDir, 'manifest.json'), serializeManifest(manifest));
console.log(`wrote ${outDir}: ${bytes.length} bytes, vocab ${model.vocab.size}, counts ${manifest.ngram.counts.join('/')}`);
