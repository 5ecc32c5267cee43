/**
 * What the engine registers with tfjs when it is imported (registration only; the backend and
 * flags stay the user's choice):
 *
 * - Gradients (`./register-gradients`: through tfjs-layers in the CommonJS build, through
 *   tfjs-core's own `register_all_gradients` module in the ESM build).
 * - Chained tensor methods (see `./register-chained-ops`).
 * - The cpu backend (`@tensorflow/tfjs-backend-cpu`), so that there is always one: registering
 *   does not select it. tfjs picks the highest-priority registered backend at first use (tfjs-node
 *   and wasm rank above cpu), and a backend the application set with `tf.setBackend` stays.
 */
import '@tensorflow/tfjs-backend-cpu';
import './register-gradients';

import { registerChainedOps } from './register-chained-ops';

registerChainedOps();
