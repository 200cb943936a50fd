export * from './errors/index.ts';
export * from './random/index.ts';
export * from './text/index.ts';
export * from './vocab/index.ts';
export * from './stats/index.ts';
export * from './data/index.ts';
export * from './timeseries/index.ts';
