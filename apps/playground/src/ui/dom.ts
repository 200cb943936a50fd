/** The element with this id; a missing one is a bug in index.html, so it throws at startup. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A token as the page shows it: spaces and control characters made visible. */
export function showToken(token: string): string {
  if (token === ' ') return '␣';
  if (token === '\n') return '⏎';
  return token;
}

/** A token as a screen reader should say it. */
export function speakToken(token: string): string {
  if (token === ' ') return 'space';
  if (token === '\n') return 'new line';
  return token;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Lets the browser paint and handle input between chunks of work (setTimeout, since rAF stalls in hidden tabs). */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
