export {
  ngramFrequencies,
  ngramFrequencyTables,
  type NgramFrequency,
  type NgramFrequencyTable,
  type TokenSequence,
} from './ngram-frequencies.ts';
export { zipfFit, logLogPoints, type ZipfFit, type ZipfFitOptions, type RankFrequency } from './zipf.ts';
export { corpusStats, type CorpusStats, type CorpusStatsOptions, type OrderStats } from './corpus-stats.ts';
