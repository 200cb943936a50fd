import { isNormalization, isTokenizerKind } from '@seqlm/core';
import { summarizeTokens } from './tokenize-view.ts';

const input = document.querySelector<HTMLTextAreaElement>('#text-input');
const normalization = document.querySelector<HTMLSelectElement>('#normalization');
const tokenizer = document.querySelector<HTMLSelectElement>('#tokenizer');
const output = document.querySelector<HTMLOutputElement>('#tokens');

function render(): void {
  if (!input || !normalization || !tokenizer || !output) return;
  const norm = normalization.value;
  const tok = tokenizer.value;
  if (!isNormalization(norm) || !isTokenizerKind(tok)) return;
  const summary = summarizeTokens(input.value, norm, tok);
  output.textContent = `${summary.tokens.length} tokens, vocabulary of ${summary.vocabSize}\n${summary.ids.join(' ')}`;
}

for (const el of [input, normalization, tokenizer]) el?.addEventListener('input', render);
render();
