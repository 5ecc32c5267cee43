import '../../test/helpers/tf';
import { Bidirectional, GRU, LSTM } from '../layers';
import { KerasLayerError } from './errors';
import { buildBidirectional, buildLstm, lstmArgsFromKeras } from './lstm-config';
import { LayerContext } from './objects';

const ctx = (generation: 1 | 2 | 3, className = 'LSTM'): LayerContext => ({ where: 'io.loadKeras', layer: 'lstm_1', className, generation });

describe('keras-lstm-config', () => {
  it('Keras 1 names and defaults (inner_activation hard_sigmoid)', () => {
    const args = lstmArgsFromKeras(ctx(1), { name: 'lstm_1', output_dim: 5, init: 'glorot_uniform', inner_init: 'orthogonal', forget_bias_init: 'zero', consume_less: 'gpu', dropout_W: 0.1, dropout_U: 0.2, W_regularizer: { name: 'WeightRegularizer', l1: 0, l2: 0.1 } }, '1.2.2');
    expect(args).toMatchObject({ name: 'lstm_1', units: 5, unitForgetBias: false, implementation: 2, dropout: 0.1, recurrentDropout: 0.2, recurrentActivation: 'hardSigmoid' });
    expect(args.kernelInitializer).toEqual({ className: 'GlorotUniform', config: {} });
    expect(args.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.1 } });
  });

  it('hard_sigmoid by generation; implementation 0 of Keras 2.0; Keras 3 extras', () => {
    expect(lstmArgsFromKeras(ctx(2), { units: 2, recurrent_activation: 'hard_sigmoid', implementation: 0 }, '2.0.2')).toMatchObject({ recurrentActivation: 'hardSigmoid', implementation: 1 });
    expect(lstmArgsFromKeras(ctx(3), { units: 2, recurrent_activation: 'hard_sigmoid', use_cudnn: 'auto', seed: 7, zero_output_for_mask: true }, '3.4.1')).toMatchObject({ recurrentActivation: 'hardSigmoidKeras3', seed: 7, zeroOutputForMask: true });
    expect(lstmArgsFromKeras(ctx(2), { units: 2 }, '2.2.4')).toMatchObject({ recurrentActivation: 'hardSigmoid' });
    expect(lstmArgsFromKeras(ctx(2), { units: 2 }, '2.2.4-tf')).toMatchObject({ recurrentActivation: 'sigmoid' });
  });

  it('CuDNNLSTM computes tanh / sigmoid', () => {
    const { layer, convention } = buildLstm(ctx(2, 'CuDNNLSTM'), { name: 'cu', units: 3, return_sequences: true }, '2.1.6');
    expect(convention).toBe('cudnn');
    expect([layer.cell.config.activation, (layer as LSTM).cell.config.recurrentActivation, layer.returnSequences]).toEqual(['tanh', 'sigmoid', true]);
  });

  it('an unknown key, a bad value and a missing units are errors naming the layer', () => {
    expect(() => lstmArgsFromKeras(ctx(2), { units: 2, peepholes: true }, '2.2.4')).toThrow(/layer 'lstm_1' \(LSTM\): option peepholes=true is not supported/);
    expect(() => buildLstm(ctx(2), { units: -3 }, '2.2.4')).toThrow(KerasLayerError);
    expect(() => buildLstm(ctx(2), { units: 2, activation: 'leaky_relu' }, '2.2.4')).toThrow(/layer 'lstm_1' \(LSTM\): layers.LSTM: activation must be one of/);
    expect(() => lstmArgsFromKeras(ctx(1), { name: 'x' }, '1.2.2')).toThrow(/config has no units \(output_dim\)/);
  });

  it('Bidirectional: Keras 2 (layer only) and Keras 3 (layer + backward_layer), inner input keys ignored', () => {
    const k2 = buildBidirectional(ctx(2, 'Bidirectional'), { name: 'bi', merge_mode: 'mul', layer: { class_name: 'LSTM', config: { name: 'lstm_9', units: 2, input_dim: null, batch_input_shape: [null, 3, 2] } } }, '2.2.4');
    expect(k2.layer).toBeInstanceOf(Bidirectional);
    expect([k2.layer.mergeMode, k2.layer.forwardLayer.name, k2.layer.backwardLayer.name]).toEqual(['mul', 'forward_lstm_9', 'backward_lstm_9']);
    expect(k2.forwardNames).toEqual(['lstm_9', 'forward_lstm_9']);
    const lstmCfg = (name: string, back: boolean) => ({ module: 'keras.layers', class_name: 'LSTM', config: { name, units: 2, go_backwards: back, return_sequences: true }, registered_name: null, build_config: { input_shape: [null, 3, 2] } });
    const k3 = buildBidirectional(ctx(3, 'Bidirectional'), { name: 'bi', merge_mode: null, layer: lstmCfg('forward_lstm', false), backward_layer: lstmCfg('backward_lstm', true) }, '3.7.0');
    expect([k3.layer.mergeMode, k3.layer.backwardLayer.name, k3.layer.backwardLayer.goBackwards]).toEqual([null, 'backward_lstm', true]);
    const gru = buildBidirectional(ctx(2, 'Bidirectional'), { name: 'bi', layer: { class_name: 'GRU', config: { units: 2 } } }, '2.2.4');
    expect([gru.convention, gru.layer.forwardLayer instanceof GRU && gru.layer.forwardLayer.resetAfter]).toEqual(['gru', false]);
    expect(() => buildBidirectional(ctx(2, 'Bidirectional'), { name: 'bi', layer: { class_name: 'ConvLSTM2D', config: { units: 2 } } }, '2.2.4')).toThrow(/Bidirectional\(ConvLSTM2D\) is not supported/);
    expect(k3.layer.forwardLayer).toBeInstanceOf(LSTM);
  });
});
