export interface Debounced {
  /** Asks for a run `ms` after the last request. */
  (): void;
  /** Runs now if a run is pending (before the page is left). */
  flush(): void;
}

/**
 * Wraps `task` so a burst of requests runs it once, `ms` after the last one:
 * what per-keystroke work that need not be on screen at once (saving the text
 * in the address bar, a `history.replaceState` of 1-7 ms in Chromium) wants,
 * so it stays off the path from a key to the next frame.
 */
export function debounced(task: () => void, ms: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    task();
  };
  const request = (() => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, ms);
  }) as Debounced;
  request.flush = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    run();
  };
  return request;
}
