import { isSeqlmError } from '@seqlm/core/errors';

export interface ErrorMessage {
  /** The stable code, also put in `data-code` for tests and bug reports. */
  code: string;
  /** One sentence a user can act on. */
  title: string;
  /** The underlying message (the manifest problems, the two hashes, ...). */
  detail: string;
}

const TITLES: Record<string, string> = {
  MANIFEST_INVALID: "This model's manifest is invalid, so the model was not loaded.",
  HASH_MISMATCH: 'A model file does not match its manifest (corrupted or partly downloaded), so it was not used.',
  DOWNLOAD_FAILED: 'A model file could not be downloaded. Check the connection and pick the model again.',
  UNSUPPORTED: 'This browser or model is not supported here.',
  MODEL_INVALID: 'The model file could not be read.',
  NGRAM_INVALID: 'The n-gram file could not be read.',
  INVALID_ARGUMENT: 'A setting is out of range.',
};

/** What the page says about a failure: a plain title by error code, with the exact message below it. */
export function describeError(error: unknown): ErrorMessage {
  if (isSeqlmError(error)) {
    return { code: error.code, title: TITLES[error.code] ?? 'Something went wrong.', detail: error.message };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', title: 'Something went wrong.', detail };
}

/** Fills `el` (a `role="alert"` region) with the message, or hides it when `error` is null. */
export function showError(el: HTMLElement, error: unknown): void {
  if (error === null) {
    el.hidden = true;
    el.replaceChildren();
    delete el.dataset.code;
    return;
  }
  const { code, title, detail } = describeError(error);
  const heading = document.createElement('strong');
  heading.textContent = title;
  const pre = document.createElement('pre');
  pre.textContent = `${code}: ${detail}`;
  el.replaceChildren(heading, pre);
  el.dataset.code = code;
  el.hidden = false;
}
