/** Functional models: which wirings are one nn.LSTM, and the typed error for the others. */
import * as tfl from '@tensorflow/tfjs-layers';

import { UnsupportedConversionError } from '../src/errors';
import { lstm } from '../src/layers';
import '../test/helpers/tf';
import { modelChain } from './keras-graph';
import { admitChainLayer } from './keras-stack';

const admit = (layer: tfl.layers.Layer) => admitChainLayer(layer, 'test');

const input = (shape: number[], name?: string) => tfl.input({ shape, name });
const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
const one = (t: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => (Array.isArray(t) ? t[0] : t);

function expectRefused(model: tfl.LayersModel, ...fragments: string[]): void {
  let error: unknown = null;
  try {
    modelChain(model, 'test', admit);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UnsupportedConversionError);
  for (const f of fragments) expect((error as Error).message).toContain(f);
  model.dispose();
}

describe('modelChain', () => {
  it('follows the sequence from the output to the input, with the state inputs of each layer', () => {
    const x = input([4, 2], 'x');
    const [h, c] = [input([3], 'h'), input([3], 'c')];
    const a = lstm({ units: 3, returnSequences: true, returnState: true, name: 'a' });
    const drop = tfl.layers.dropout({ rate: 0.1, name: 'drop' });
    const b = lstm({ units: 3, returnSequences: true, returnState: true, name: 'b' });
    const [ya, ha] = apply(a, x) as tfl.SymbolicTensor[];
    const [yb, hb, cb] = apply(b, [one(apply(drop, ya)), h, c]) as tfl.SymbolicTensor[];
    const model = tfl.model({ inputs: [x, h, c], outputs: [yb, ha, hb, cb] });
    const chain = modelChain(model, 'test', admit);
    expect(chain.map((l) => l.layer.name)).toEqual(['a', 'drop', 'b']);
    expect(chain.map((l) => l.stateInputs.map((s) => s.sourceLayer.name))).toEqual([[], [], ['h', 'c']]);
    model.dispose();
  });

  it('refuses branches, computed initial states, intermediate sequences as outputs, states as the first output, shared layers', () => {
    {
      const x = input([4, 2]);
      const main = one(apply(lstm({ units: 3, returnSequences: true, name: 'main' }), x));
      const side = one(apply(lstm({ units: 3, name: 'side' }), x));
      expectRefused(tfl.model({ inputs: x, outputs: [main, side] }), "layer 'side' (LstmBridge.LSTM) is not on the path from the input");
    }
    {
      const x = input([4, 2]);
      const main = one(apply(lstm({ units: 3, returnSequences: true, name: 'main2' }), x));
      const sum = one(apply(tfl.layers.add({ name: 'skip' }), [main, main]));
      expectRefused(tfl.model({ inputs: x, outputs: sum }), "layer 'skip' (Add) has no nn.LSTM equivalent");
    }
    {
      const x = input([4, 2]);
      const z = input([5]);
      const h = one(apply(tfl.layers.dense({ units: 3, name: 'init_h' }), z));
      const y = one(apply(lstm({ units: 3, name: 'seeded' }), [x, h, h]));
      expectRefused(tfl.model({ inputs: [x, z], outputs: y }), "initial state of layer 'seeded' (LstmBridge.LSTM) is computed by layer 'init_h' (Dense)");
    }
    {
      const x = input([4, 2]);
      const y0 = one(apply(lstm({ units: 3, returnSequences: true, name: 'low' }), x));
      const y1 = one(apply(lstm({ units: 3, returnSequences: true, name: 'high' }), y0));
      expectRefused(tfl.model({ inputs: x, outputs: [y1, y0] }), "model output 1 is sequence output 0 of layer 'low'");
    }
    {
      const x = input([4, 2]);
      const [, h] = apply(lstm({ units: 3, returnState: true, name: 'state_first' }), x) as tfl.SymbolicTensor[];
      expectRefused(tfl.model({ inputs: x, outputs: h }), "the model's first output is output 1 of layer 'state_first'");
    }
    {
      const x = input([4, 3]);
      const shared = lstm({ units: 3, returnSequences: true, name: 'shared' });
      const y = one(apply(shared, one(apply(shared, x))));
      expectRefused(tfl.model({ inputs: x, outputs: y }), "layer 'shared' (LstmBridge.LSTM) is applied more than once");
    }
    {
      const x = input([4, 2]);
      const [, h] = apply(lstm({ units: 3, returnState: true, name: 'src' }), x) as tfl.SymbolicTensor[];
      const y = one(apply(lstm({ units: 3, name: 'reads_h' }), tfl.layers.reshape({ targetShape: [3, 1], name: 'to_seq' }).apply(h) as tfl.SymbolicTensor));
      expectRefused(tfl.model({ inputs: x, outputs: y }), "layer 'to_seq' (Reshape) has no nn.LSTM equivalent");
    }
  });
});
