// Module types for what wrangler's rules (wrangler.jsonc `rules`) turn into imports.

/** `CompiledWasm` (wrangler's default for .wasm): a precompiled module, since workerd may not compile wasm from bytes. */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}

/** `Data` rule: the model file's bytes. */
declare module '*.onnx' {
  const bytes: ArrayBuffer;
  export default bytes;
}

declare module '*.arpa' {
  const bytes: ArrayBuffer;
  export default bytes;
}

declare module '*.ngram' {
  const bytes: ArrayBuffer;
  export default bytes;
}

declare module '*.bin' {
  const bytes: ArrayBuffer;
  export default bytes;
}
