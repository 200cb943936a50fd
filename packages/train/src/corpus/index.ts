export { CORPORA, CORPUS_NAMES, getCorpusEntry, isCorpusName, type CorpusEntry, type CorpusName } from './registry.ts';
export { loadCorpus, loadCorpusFile, corpusFromBytes, type LoadCorpusOptions, type LoadedCorpus, type CorpusSource } from './load.ts';
export { downloadVerified, DEFAULT_DOWNLOAD_TIMEOUT_MS, type DownloadOptions, type DownloadResult } from './download.ts';
export { resolveCacheDir, resolveDataDir, DATA_DIR_ENV, CACHE_DIR_ENV } from './paths.ts';
export { sha256Hex } from './sha256.ts';
export { summarizeCorpus, type CorpusSummary, type CorpusSummaryOptions } from './summarize.ts';
export { STATS_FILE, STATS_OPTIONS, corpusStatsBytes, writeCorpusStats } from './stats-file.ts';
