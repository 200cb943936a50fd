import { MODEL_SOURCES, R2_MODELS, REJECTED_MODELS } from './models/generated.ts';
import { warmUp } from './warm-up.ts';
import { createWorker } from './worker.ts';

// At startup, not on the first request: onnxruntime and the default model's session (warm-up.ts).
warmUp(MODEL_SOURCES);

export default createWorker(MODEL_SOURCES, REJECTED_MODELS, R2_MODELS);
