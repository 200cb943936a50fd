import { defineConfig } from 'vite';

export default defineConfig({
  // Relative URLs, so dist/ works from any path of any static host.
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 1500 },
  // onnxruntime-web finds its .wasm through import.meta.url; pre-bundling would move the module away from it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  preview: { host: '127.0.0.1', port: 4173 },
});
