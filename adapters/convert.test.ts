import { ConfigError, ShapeError, UnsupportedConversionError } from '../src/errors';
import { tf } from '../test/helpers/tf';
import { disposeWeights } from './checks';
import { LSTM_CONVENTIONS, convertLstmWeights } from './convert';

describe('convertLstmWeights', () => {
  const torch = () => ({ weight_ih: tf.ones([8, 3]) as tf.Tensor2D, weight_hh: tf.ones([8, 2]) as tf.Tensor2D, bias_ih: tf.ones([8]) as tf.Tensor1D, bias_hh: tf.ones([8]) as tf.Tensor1D });

  it('converts through the canonical form (torch -> keras sums the biases) without leaking', () => {
    const w = torch();
    const before = tf.memory().numTensors;
    const keras = convertLstmWeights(w, 'torch', 'keras');
    expect(Array.from((keras.bias as tf.Tensor).dataSync())).toEqual(new Array(8).fill(2));
    expect(keras.kernel.shape).toEqual([3, 8]);
    disposeWeights(keras);
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(w);
  });

  it('knows every convention of the table', () => {
    expect(LSTM_CONVENTIONS).toEqual(['canonical', 'torch', 'keras', 'onnx', 'tf1', 'cudnn', 'cudnnParams', 'keras1']);
  });

  it('refuses options that do not apply, instead of ignoring them', () => {
    const w = torch();
    expect(() => convertLstmWeights(w, 'torch', 'keras', { forgetBias: 1 })).toThrow(
      new ConfigError("adapters.convertLstmWeights: option forgetBias applies only when from or to is 'tf1', got from 'torch' to 'keras'"),
    );
    expect(() => convertLstmWeights(w, 'torch', 'keras', { consumeLess: 'gpu' })).toThrow(ConfigError);
    expect(() => convertLstmWeights(w, 'torch', 'keras', { cudnnParamsSizes: { inputSize: 1, hiddenSize: 1 } })).toThrow(ConfigError);
    expect(() => convertLstmWeights(tf.zeros([16]) as tf.Tensor1D, 'cudnnParams', 'torch')).toThrow('needs cudnnParamsSizes');
    expect(() => convertLstmWeights(w as never, 'torch', 'caffe' as never)).toThrow('to expected one of "canonical", "torch"');
    disposeWeights(w);
  });

  it('passes the typed errors of the conventions through', () => {
    const projected = { ...torch(), weight_ih: tf.ones([12, 3]) as tf.Tensor2D, weight_hh: tf.ones([12, 2]) as tf.Tensor2D, bias_ih: null, bias_hh: null, weight_hr: tf.ones([2, 3]) as tf.Tensor2D };
    expect(() => convertLstmWeights(projected, 'torch', 'keras')).toThrow(UnsupportedConversionError);
    const bidirectional = { W: tf.zeros([2, 8, 3]) as tf.Tensor3D, R: tf.zeros([2, 8, 2]) as tf.Tensor3D };
    const before = tf.memory().numTensors;
    expect(() => convertLstmWeights(bidirectional, 'onnx', 'torch')).toThrow(ShapeError);
    expect(() => convertLstmWeights(bidirectional, 'onnx', 'torch')).toThrow('for a bidirectional node use onnxToCanonical');
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights([projected, bidirectional]);
  });
});
