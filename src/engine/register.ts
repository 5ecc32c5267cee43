/**
 * What the engine registers with tfjs when it is imported (registration only; the backend and
 * flags stay the user's choice):
 *
 * - Gradients. tfjs-core's CommonJS bundle registers no gradient functions; tfjs-layers'
 *   bundle registers all of tfjs-core's on import. Without them `tf.grad` through the engine
 *   fails with "gradient function not found". tfjs-layers is a peer dependency anyway.
 * - Chained tensor methods (see `./register-chained-ops`).
 */
import '@tensorflow/tfjs-layers';

import { registerChainedOps } from './register-chained-ops';

registerChainedOps();
