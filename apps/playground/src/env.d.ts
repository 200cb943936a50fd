/** Size in bytes of onnxruntime's .wasm, set by vite.config.ts, for the download progress bar. */
declare const __ORT_WASM_BYTES__: number;
