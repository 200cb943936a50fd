export { Vocab, UNK, UNK_ID, type VocabOptions, type VocabJSON } from './vocab.ts';
