export { NORMALIZATIONS, normalize, normalizePrefix, isNormalization, type Normalization } from './normalize.ts';
export {
  TOKENIZERS,
  charTokenizer,
  wordTokenizer,
  getTokenizer,
  isTokenizerKind,
  type Tokenizer,
  type TokenizerKind,
} from './tokenizer.ts';
