/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * planOnnxRuntime's fallback reasons are typed values (the caller picks its error class from
 * `kind`), and fallbackMessage words them as chooseExecutor reports them.
 */
import { randomTensor, tf } from '../../test/helpers/tf';
import { LstmStackLayer } from '../engine';
import { OrtFallbackReason, fallbackMessage, planOnnxRuntime } from './ort-plan';
import { onnxRuntimeAvailable } from './ort-runtime';

const I = 3;
const H = 2;
const layer = (P = 0): LstmStackLayer => ({
  forward: {
    kernel: randomTensor([I, 4 * H], 1) as tf.Tensor2D,
    recurrentKernel: randomTensor([P || H, 4 * H], 2) as tf.Tensor2D,
    projection: P ? (randomTensor([H, P], 3) as tf.Tensor2D) : null,
  },
  backward: null,
});
const x = randomTensor([4, 2, I], 4);
const reason = (r: ReturnType<typeof planOnnxRuntime>): OrtFallbackReason | null => (r.ok ? null : r.reason);

(onnxRuntimeAvailable() ? describe : describe.skip)('with onnxruntime-node', () => {
  test('an expressible call has a plan with its lengths', () => {
    const plan = planOnnxRuntime(x, [layer()], { lengths: [4, 2] });
    expect(plan.ok && plan.lengths).toEqual([4, 2]);
  });

  test.each([
    [{ kind: 'inexpressible', what: 'projection' }, [layer(1)], {}],
    [{ kind: 'inexpressible', what: 'activation', name: 'relu6' }, [layer()], { activation: 'relu6' }],
    [{ kind: 'inexpressible', what: 'inter-layer-dropout' }, [layer()], { interLayerDropout: 0.5 }],
    [{ kind: 'inexpressible', what: 'carry' }, [layer()], { lengths: [4, 2], maskedOutput: 'carry' }],
  ] as const)('%j', (expected, layers, options) => {
    expect(reason(planOnnxRuntime(x, layers, options))).toEqual(expected);
  });

  test('a mask that is not a right padding', () => {
    const mask = tf.tensor2d([[1, 1], [0, 1], [1, 1], [1, 1]], [4, 2], 'bool');
    expect(reason(planOnnxRuntime(x, [layer()], { mask }))).toEqual({ kind: 'inexpressible', what: 'mask' });
  });
});

test('fallbackMessage words every kind', () => {
  expect(fallbackMessage({ kind: 'not-installed', detail: 'onnxruntime-node could not be loaded: x' })).toBe('onnxruntime-node could not be loaded: x');
  expect(fallbackMessage({ kind: 'tfjs-requested' })).toBe("executor 'tfjs' requested");
  expect(fallbackMessage({ kind: 'inexpressible', what: 'dtype', dtype: 'int32' })).toBe("input dtype int32 (ONNX's recurrent operators take float32)");
  expect(fallbackMessage({ kind: 'inexpressible', what: 'activation', name: 'swish' })).toBe("activation 'swish' has no ONNX form");
});
