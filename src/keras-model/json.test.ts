import { KerasFormatError } from './errors';
import { camelToSnake, checkJsonDepth, pythonicToTs, snakeToCamel, tsToPythonic } from './json';

describe('keras-json', () => {
  it('converts spellings as tfjs-layers does', () => {
    expect(['fan_avg', 'hard_sigmoid', 'glorot_uniform', 'units', 'channels_last'].map(snakeToCamel)).toEqual(['fanAvg', 'hardSigmoid', 'glorotUniform', 'units', 'channelsLast']);
    expect(['fanAvg', 'hardSigmoid', 'hardSigmoidKeras3', 'L1L2', 'batchInputShape'].map(camelToSnake)).toEqual(['fan_avg', 'hard_sigmoid', 'hard_sigmoid_keras3', 'l1_l2', 'batch_input_shape']);
  });

  it('keeps names verbatim both ways, and class names from TypeScript', () => {
    const py = { class_name: 'VarianceScaling', config: { mode: 'fan_avg', name: 'inputLayer_1' }, batch_input_shape: [null, 3] };
    const ts = pythonicToTs(py);
    expect(ts).toEqual({ className: 'VarianceScaling', config: { mode: 'fanAvg', name: 'inputLayer_1' }, batchInputShape: [null, 3] });
    expect(tsToPythonic(ts)).toEqual(py);
  });

  it('checks nesting depth and JSON-ness without recursion', () => {
    let deep: unknown = 1;
    for (let k = 0; k < 100_000; k++) deep = [deep];
    expect(() => checkJsonDepth('t', 'config', deep)).toThrow(KerasFormatError);
    expect(() => checkJsonDepth('t', 'config', deep)).toThrow(/nested deeper than 64 levels/);
    expect(() => checkJsonDepth('t', 'config', { a: [1, { b: 'x' }] })).not.toThrow();
    expect(() => checkJsonDepth('t', 'config', { a: Infinity })).toThrow(/non-finite/);
    expect(() => checkJsonDepth('t', 'config', { a: () => 1 })).toThrow(/function/);
  });
});
