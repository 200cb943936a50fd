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

/**
 * Runs `fn` in a task after the next frame has been painted, so work for views
 * further down never delays what the current task drew. A hidden tab paints no
 * frames (its animation frames stall), so there it runs in the next task.
 */
export function afterNextPaint(fn: () => void): void {
  if (document.hidden) setTimeout(fn, 0);
  else requestAnimationFrame(() => setTimeout(fn, 0));
}

/**
 * One tab stop for a row of token buttons (roving tabindex): arrow keys, Home
 * and End move focus among the `selector` matches inside `container`, read at
 * each key press so buttons may be appended while it is in use (streamed text).
 */
export function rovingFocus(container: HTMLElement, selector: string): void {
  container.addEventListener('keydown', (event) => {
    const buttons = [...container.querySelectorAll<HTMLElement>(selector)];
    const i = buttons.indexOf(event.target as HTMLElement);
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = buttons[Math.max(0, Math.min(buttons.length - 1, next))]!;
    buttons[i]!.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  });
}

/** Marks `button` as the one whose value is shown (aria-pressed), clearing the others in `container`. */
export function pressOnly(container: HTMLElement, button: HTMLElement): void {
  for (const b of container.querySelectorAll<HTMLElement>('[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-pressed', 'true');
}
