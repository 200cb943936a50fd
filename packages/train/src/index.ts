export * from './corpus/index.ts';
export * from './plot/index.ts';
export * from './cli/index.ts';
