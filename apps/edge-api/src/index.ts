import { MODEL_SOURCES, REJECTED_MODELS } from './models/generated.ts';
import { createWorker } from './worker.ts';

export default createWorker(MODEL_SOURCES, REJECTED_MODELS);
