/**
 * Wraps `task` so its runs never overlap: a call during a run marks it dirty,
 * and the task runs once more when the current run returns, so the last
 * request is always answered with the latest input (typing while a model runs).
 * The returned function resolves with the run it started, or at once when it
 * only marked a running one dirty.
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let running = false;
  let dirty = false;
  return async () => {
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    try {
      do {
        dirty = false;
        await task();
      } while (dirty);
    } finally {
      running = false;
    }
  };
}
