export { Vocab, UNK, UNK_ID, type VocabOptions, type VocabJSON } from './vocab.ts';
export { encodeText, encodePrefix, type TextPipeline, type EncodedText } from './encode-text.ts';
