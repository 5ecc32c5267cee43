/**
 * Registers tfjs-core's gradient functions (without them `tf.grad` through the engine fails with
 * "gradient function not found").
 *
 * - CommonJS build (this file as compiled): tfjs-core's CommonJS bundle has no gradients and its
 *   per-gradient modules are ES modules only; tfjs-layers' CommonJS bundle registers all of them
 *   on import (tfjs-layers is a peer dependency, and Node does not care about bundle size).
 * - ESM build (`dist/esm`, what bundlers and pages get): `scripts/build-esm.ts` replaces this
 *   module with `import '@tensorflow/tfjs-core/dist/register_all_gradients'`, the module
 *   tfjs-layers' own ESM build imports for the same purpose, so that a bundle of `{ nn }` does
 *   not carry tfjs-layers.
 *
 * Registering gradients twice (the user also imports tfjs-layers) only replaces them by the same
 * functions.
 */
import '@tensorflow/tfjs-layers';
