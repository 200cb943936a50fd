import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { precompressDir } from './scripts/precompress.ts';

const require = createRequire(import.meta.url);

/** After the build (public/ copied too): `.br` and `.gz` beside each compressible file, for scripts/serve.ts. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'seqlm-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const started = performance.now();
      const r = await precompressDir(outDir, resolve(import.meta.dirname, '../../node_modules/.cache/seqlm-precompress'));
      const mb = (n: number) => (n / 1024 / 1024).toFixed(2);
      this.info(`precompressed ${r.files} files, ${mb(r.bytes)} MB → brotli ${mb(r.brotliBytes)} MB, gzip ${mb(r.gzipBytes)} MB (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    },
  };
}

// The page shows download progress of onnxruntime's wasm against its real (uncompressed) size.
const ortWasmBytes = statSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')).size;

export default defineConfig({
  // Relative URLs, so dist/ works from any path of any static host.
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 1500 },
  define: { __ORT_WASM_BYTES__: String(ortWasmBytes) },
  // onnxruntime-web finds its .wasm through import.meta.url; pre-bundling would move the module away from it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  preview: { host: '127.0.0.1', port: 4173 },
  plugins: [precompress()],
});
