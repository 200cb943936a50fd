/**
 * The few web-platform globals the runtime uses, typed structurally: core is
 * compiled without DOM or Node types, and every runtime it targets (Node 22,
 * browsers, Workers) has these.
 */
interface PlatformGlobals {
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
  URL: new (path: string, base: string) => { href: string };
  TextDecoder: new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => { decode(bytes: Uint8Array): string };
  TextEncoder: new () => { encode(text: string): Uint8Array };
}

export const platform = globalThis as unknown as PlatformGlobals;

/** What generation reads of an `AbortSignal`. */
export interface AbortSignalLike {
  readonly aborted: boolean;
}
