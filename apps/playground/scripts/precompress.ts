/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file of a built
 * site, for a static server that sends them as they are (scripts/serve.ts).
 * Brotli at quality 11 takes about a minute on onnxruntime's 14 MB wasm, so
 * each result is cached under `cacheDir` by the sha256 of the input: only a
 * changed file is compressed again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Binary model files are compressed too: n-gram tables and float weights shrink by 10-55 %. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.wasm', '.onnx', '.ngram', '.bin']);
/** Below this, headers outweigh the saving. */
const MIN_BYTES = 1024;
const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt']);

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

async function cached(cacheDir: string, key: string, make: () => Promise<Buffer>): Promise<Buffer> {
  const path = join(cacheDir, key);
  if (existsSync(path)) return readFileSync(path);
  const out = await make();
  writeFileSync(path, out);
  return out;
}

export interface PrecompressResult {
  files: number;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

/**
 * Compresses every eligible file under `dir`; a variant no smaller than 95 % of
 * the original is not written. `brotliQuality` 11 is the smallest and slowest;
 * the browser tests build at a low quality so a cold cache costs seconds, not minutes.
 */
export async function precompressDir(dir: string, cacheDir: string, brotliQuality = 11): Promise<PrecompressResult> {
  mkdirSync(cacheDir, { recursive: true });
  const result: PrecompressResult = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  const jobs: Promise<void>[] = [];
  for (const path of files(dir)) {
    if (!COMPRESSIBLE.has(extname(path))) continue;
    const input = readFileSync(path);
    if (input.length < MIN_BYTES) continue;
    const hash = createHash('sha256').update(input).digest('hex');
    jobs.push(
      (async () => {
        const [br, gzipped] = await Promise.all([
          cached(cacheDir, `${hash}.q${brotliQuality}.br`, () =>
            brotli(input, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: brotliQuality,
                [constants.BROTLI_PARAM_LGWIN]: 24,
                [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
                [constants.BROTLI_PARAM_MODE]: TEXT.has(extname(path)) ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
              },
            }),
          ),
          cached(cacheDir, `${hash}.gz`, () => gz(input, { level: 9 })),
        ]);
        result.files++;
        result.bytes += input.length;
        if (br.length < input.length * 0.95) {
          writeFileSync(`${path}.br`, br);
          result.brotliBytes += br.length;
        }
        if (gzipped.length < input.length * 0.95) {
          writeFileSync(`${path}.gz`, gzipped);
          result.gzipBytes += gzipped.length;
        }
      })(),
    );
  }
  await Promise.all(jobs);
  return result;
}
