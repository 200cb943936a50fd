export * from './corpus/index.ts';
export * from './plot/index.ts';
export * from './cli/index.ts';
export * from './ngram/index.ts';
export * from './lm/index.ts';
export * from './timeseries/index.ts';
export * from './runtime/index.ts';
