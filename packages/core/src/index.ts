export * from './errors/index.ts';
export * from './random/index.ts';
export * from './text/index.ts';
export * from './vocab/index.ts';
