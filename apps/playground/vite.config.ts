import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { precompressDir } from './scripts/precompress.ts';

const require = createRequire(import.meta.url);
/**
 * Where collect-models.ts put the models: public/models/ for `npm run build`;
 * the browser tests collect into a directory of their own (SEQLM_MODELS_DIR)
 * so builds running side by side never share one.
 */
const modelsOverride = process.env.SEQLM_MODELS_DIR;
const modelsDir = modelsOverride ?? resolve(import.meta.dirname, 'public', 'models');

/**
 * After the build (public/ copied too): the models from SEQLM_MODELS_DIR in
 * place of public/models when it is set, then `.br` and `.gz` beside each
 * compressible file, for scripts/serve.ts.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'seqlm-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      if (modelsOverride !== undefined) {
        rmSync(resolve(outDir, 'models'), { recursive: true, force: true });
        cpSync(modelsOverride, resolve(outDir, 'models'), { recursive: true });
      }
      // The browser tests turn these down (e2e/site.ts): a plain static host has no .br files, and quality 11 takes a minute on a cold cache.
      if (process.env.SEQLM_PRECOMPRESS === 'off') return;
      const quality = Number(process.env.SEQLM_BROTLI_QUALITY ?? 11);
      if (!Number.isInteger(quality) || quality < 0 || quality > 11) throw new Error(`SEQLM_BROTLI_QUALITY must be an integer from 0 to 11, got "${process.env.SEQLM_BROTLI_QUALITY}"`);
      const started = performance.now();
      const r = await precompressDir(outDir, resolve(import.meta.dirname, '../../node_modules/.cache/seqlm-precompress'), quality);
      const mb = (n: number) => (n / 1024 / 1024).toFixed(2);
      this.info(`precompressed ${r.files} files, ${mb(r.bytes)} MB → brotli ${mb(r.brotliBytes)} MB, gzip ${mb(r.gzipBytes)} MB (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    },
  };
}

/**
 * Starts the downloads the first answer needs while the page's script is still
 * on its way: the model list always, and the first n-gram's files (the model
 * the page answers with first) unless the link names a model it will not use.
 * Read from public/models/, which collect-models.ts wrote before the build.
 */
function preloadFirstModel(): Plugin {
  return {
    name: 'seqlm-preload-first-model',
    apply: 'build',
    transformIndexHtml() {
      const models = modelsDir;
      const tags: { tag: string; attrs?: Record<string, string | boolean>; children?: string; injectTo: 'head' }[] = [
        { tag: 'link', attrs: { rel: 'preload', as: 'fetch', crossorigin: 'anonymous', href: './models/index.json' }, injectTo: 'head' },
      ];
      if (!existsSync(resolve(models, 'index.json'))) return tags;
      const catalog = JSON.parse(readFileSync(resolve(models, 'index.json'), 'utf8')) as { models: { id: string; kind: string | null }[] };
      const ngram = catalog.models.find((m) => m.kind === 'ngram');
      if (ngram === undefined) return tags;
      let files: string[] = [];
      try {
        const manifest = JSON.parse(readFileSync(resolve(models, ngram.id, 'manifest.json'), 'utf8')) as { files: { path: string; role: string }[] };
        files = manifest.files.filter((f) => f.role === 'ngram' || f.role === 'stats').map((f) => f.path);
      } catch {
        return tags; // The page reports a broken manifest; nothing to preload.
      }
      const urls = ['manifest.json', ...files].map((f) => `./models/${encodeURIComponent(ngram.id)}/${f}`);
      const neural = catalog.models.filter((m) => m.kind === 'rnn' || m.kind === 'gru' || m.kind === 'lstm').map((m) => m.id);
      const wanted = JSON.stringify([ngram.id, ...neural]);
      tags.push({
        tag: 'script',
        children: `(()=>{const m=new URLSearchParams(location.search).get('model');if(m&&!${wanted}.includes(m))return;for(const href of ${JSON.stringify(urls)}){const l=document.createElement('link');l.rel='preload';l.as='fetch';l.crossOrigin='anonymous';l.href=href;document.head.append(l)}})()`,
        injectTo: 'head',
      });
      return tags;
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
  plugins: [preloadFirstModel(), precompress()],
});
