/**
 * The optimizer names, apart from the TensorFlow.js optimizer itself so that the
 * public declarations (`LmTrainConfig`) never load TensorFlow.js's types.
 */
export const OPTIMIZER_KINDS = ['sgd', 'adam'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];
