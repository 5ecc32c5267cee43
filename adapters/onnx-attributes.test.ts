import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { onnxLstmAttributes } from './onnx-attributes';

describe('onnxLstmAttributes', () => {
  it('defaults: forward, layout 0, sigmoid gates and tanh', () => {
    expect(onnxLstmAttributes({ hidden_size: 3 })).toEqual({
      direction: 'forward', numDirections: 1, hiddenSize: 3, layout: 0,
      activations: [{ recurrentActivation: 'sigmoid', activation: 'tanh' }],
    });
    const bi = onnxLstmAttributes({ direction: 'bidirectional', layout: 1 });
    expect(bi.numDirections).toBe(2);
    expect(bi.activations).toHaveLength(2);
    expect(bi.layout).toBe(1);
  });

  it("maps HardSigmoid(0.2, 0.5) to Keras's hard sigmoid and consumes alphas/betas in order", () => {
    const a = onnxLstmAttributes({ activations: ['HardSigmoid', 'Tanh', 'Tanh'] });
    expect(a.activations[0].recurrentActivation).toBe('hardSigmoid');
    const b = onnxLstmAttributes({
      direction: 'bidirectional',
      activations: ['HardSigmoid', 'Tanh', 'Tanh', 'HardSigmoid', 'Relu', 'Relu'],
      activation_alpha: [0.2, 1 / 6],
      activation_beta: [0.5, 0.5],
    });
    expect(b.activations).toEqual([
      { recurrentActivation: 'hardSigmoid', activation: 'tanh' },
      { recurrentActivation: 'hardSigmoidKeras3', activation: 'relu' },
    ]);
  });

  it('refuses what the engine cannot compute, saying which attribute and why', () => {
    expect(() => onnxLstmAttributes({ clip: 3 })).toThrow(UnsupportedConversionError);
    expect(() => onnxLstmAttributes({ clip: 3 })).toThrow('clip 3 is not supported');
    expect(() => onnxLstmAttributes({ input_forget: 1 })).toThrow('input_forget 1');
    expect(() => onnxLstmAttributes({ activations: ['Sigmoid', 'Tanh', 'Relu'] })).toThrow('g = Tanh and h = Relu');
    expect(() => onnxLstmAttributes({ activations: ['LeakyRelu', 'Tanh', 'Tanh'] })).toThrow('LeakyRelu(alpha=0.01');
    expect(() => onnxLstmAttributes({ activations: ['Gelu', 'Tanh', 'Tanh'] })).toThrow(UnsupportedConversionError);
    expect(() => onnxLstmAttributes({ direction: 'both' })).toThrow(ConfigError);
    expect(() => onnxLstmAttributes({ layout: 2 })).toThrow(ConfigError);
    expect(() => onnxLstmAttributes({ activations: ['Sigmoid', 'Tanh'] })).toThrow('expected 3 names');
  });
});
