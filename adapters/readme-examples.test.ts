/**
 * The README's adapter examples, verbatim, through the package entry point (`src/index.ts`
 * exports `adapters`): they compile and do what the README says.
 */
import { UnsupportedConversionError, adapters } from '../src';
import { tf } from '../test/helpers/tf';

const r = (shape: number[]) => tf.randomUniform(shape, -0.5, 0.5);

describe('README examples', () => {
  it('one conversion each way per convention', () => {
    const before = tf.memory().numTensors;
    const [I, H] = [10, 20];
    const [weight_ih, weight_hh, bias_ih, bias_hh] = [r([4 * H, I]), r([4 * H, H]), r([4 * H]), r([4 * H])];

    // PyTorch -> Keras: transposes; bias = bias_ih + bias_hh.
    const keras = adapters.convertLstmWeights({ weight_ih, weight_hh, bias_ih, bias_hh }, 'torch', 'keras');
    // Keras -> PyTorch: bias goes to bias_ih, zeros to bias_hh.
    const torch = adapters.convertLstmWeights(keras, 'keras', 'torch');

    // ONNX: W (D, 4H, I), R (D, 4H, H), B (D, 8H), gates i, o, f, c; one canonical set per direction.
    const forward = adapters.torchToCanonical({ weight_ih, weight_hh, bias_ih, bias_hh });
    const onnx = adapters.canonicalToOnnx([forward, forward]); // a bidirectional node
    const [fwd, bwd] = adapters.onnxToCanonical(onnx);

    // TF1 BasicLSTMCell: kernel (I + H, 4H), gates i, j, f, o; forget_bias folded in and out.
    const tf1 = adapters.canonicalToTf1(forward, { forgetBias: 1.0 });
    const fromTf1 = adapters.tf1ToCanonical(tf1, { forgetBias: 1.0 });

    // Keras 2 CuDNNLSTM (bias 8U) and cuDNN's flat parameter buffer.
    const cudnn = adapters.canonicalToCudnn(forward);
    const fromCudnn = adapters.cudnnToCanonical(cudnn);
    const params = adapters.canonicalToCudnnParams(fromCudnn);
    const fromParams = adapters.cudnnParamsToCanonical(params, { inputSize: I, hiddenSize: H });

    // Keras 1: 12 per-gate arrays W_i, U_i, b_i, W_c, ... (or consume_less='gpu': W, U, b).
    const keras1 = adapters.canonicalToKeras1(forward);
    const fromKeras1 = adapters.keras1ToCanonical(adapters.keras1WeightsFromList(adapters.keras1WeightList(keras1)));

    // What cannot be exact throws, saying why.
    const [weight_hh_p, weight_hr] = [r([4 * H, 5]), r([5, H])]; // proj_size 5
    const projected = adapters.torchToCanonical({ weight_ih, weight_hh: weight_hh_p, weight_hr });
    expect(() => adapters.canonicalToKeras(projected)).toThrow(UnsupportedConversionError);

    expect(keras.kernel.shape).toEqual([I, 4 * H]);
    expect(Array.from((torch.bias_hh as tf.Tensor).dataSync()).every((v) => v === 0)).toBe(true);
    expect(onnx.W.shape).toEqual([2, 4 * H, I]);
    expect(tf1.kernel.shape).toEqual([I + H, 4 * H]);
    expect(cudnn.bias.shape).toEqual([8 * H]);
    expect(params.shape).toEqual([4 * H * (I + H) + 8 * H]);
    expect(Array.from(fromParams.kernel.dataSync())).toEqual(Array.from(forward.kernel.dataSync()));
    expect(Array.from(fromKeras1.recurrentKernel.dataSync())).toEqual(Array.from(forward.recurrentKernel.dataSync()));
    expect(Array.from(fwd.kernel.dataSync())).toEqual(Array.from(bwd.kernel.dataSync()));

    tf.dispose([weight_ih, weight_hh, bias_ih, bias_hh, weight_hh_p, weight_hr, params]);
    adapters.disposeWeights([keras, torch, forward, projected, onnx, fwd, bwd, tf1, fromTf1, cudnn, fromCudnn, fromParams, keras1, fromKeras1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('layouts and states', () => {
    const before = tf.memory().numTensors;
    const [h_n, c_n] = [tf.zeros([4, 3, 20]), tf.zeros([4, 3, 20])]; // 2 layers x 2 directions
    const perLayer = adapters.torchStatesToKeras(h_n, c_n, { bidirectional: true }); // [[hF, cF, hB, cB], [...]]
    const back = adapters.kerasStatesToTorch(perLayer);
    const mask = adapters.lengthsToKerasMask([3, 1], 4); // (N, T) right padding
    const lengths = adapters.kerasMaskToLengths(mask); // [3, 1]
    expect(perLayer).toHaveLength(2);
    expect(lengths).toEqual([3, 1]);
    tf.dispose([h_n, c_n, back.h_n, back.c_n, mask, ...perLayer.flat()]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
