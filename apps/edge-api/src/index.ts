import { MODEL_SOURCES, R2_MODELS, REJECTED_MODELS } from './models/generated.ts';
import { createWorker } from './worker.ts';

export default createWorker(MODEL_SOURCES, REJECTED_MODELS, R2_MODELS);
