/**
 * What the engine registers with tfjs when it is imported (registration only; the backend and
 * flags stay the user's choice):
 *
 * - Gradients. tfjs-core's CommonJS bundle registers no gradient functions; tfjs-layers'
 *   bundle registers all of tfjs-core's on import. Without them `tf.grad` through the engine
 *   fails with "gradient function not found". tfjs-layers is a peer dependency anyway.
 * - Chained tensor methods (see `./register-chained-ops`).
 * - The cpu backend (`@tensorflow/tfjs-backend-cpu`), so that there is always one: registering
 *   does not select it. tfjs picks the highest-priority registered backend at first use (tfjs-node
 *   and wasm rank above cpu), and a backend the application set with `tf.setBackend` stays.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';

import { registerChainedOps } from './register-chained-ops';

registerChainedOps();
