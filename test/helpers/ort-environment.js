/**
 * A jest environment for suites that run onnxruntime-node.
 *
 * jest runs each suite in its own V8 context, so the suite's `Float32Array` differs from the
 * one of Node's main context, where onnxruntime-node's native binding creates its output
 * arrays; onnxruntime-common's `instanceof Float32Array` check then rejects them ("A float32
 * tensor's data must be type of Float32Array"). Plain Node has one context and no such
 * problem. This environment gives the suite the main context's typed-array constructors.
 *
 * Use with a docblock at the top of a suite: `@jest-environment ./test/helpers/ort-environment.js`
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array',
  'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
