/**
 * What each benchmarked system runs, one runner per (system, shape). A runner prepares its
 * weights and input once; `forward()` computes the output sequence, `train()` the gradients of
 * sum(output) with respect to every weight. Each is timed until its results exist in the form
 * the API returns them: tfjs tensors (the wasm, cpu and tfjs-node backends compute
 * synchronously, so a returned tensor holds its values; nothing is read back), or
 * Float32Arrays for onnxruntime-node and PyTorch tensors.
 *
 * To add a row: write a `make...Runner`, dispatch to it from `./worker` by the system's kind,
 * and list the system in `allSystems` (`./systems`). The GRU rows are in `./gru-runners`.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { LstmStackLayer, LstmStepper, lstmStack } from '../src/engine';
import { registerChainedOps } from '../src/engine/internal';
import { lstmStackAsync } from '../src/runtime';
import * as bridgeLayersApi from '../src/layers';
import * as nn from '../src/nn';
import { OrtModule, OrtSession, OrtTensor, loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { buildLstmStackModel, encodeModel } from '../src/onnx';
import { STREAM, Shape } from './shapes';

registerChainedOps();

export interface Runner {
  forward(): void | Promise<void>;
  train?(): void;
  dispose(): void;
}

export interface StreamRunner {
  step(): void | Promise<void>;
  dispose(): void;
}

export function uniform(shape: number[], scale: number): tf.Tensor {
  return tf.randomUniform(shape, -scale, scale, 'float32', 42);
}

/** A trainable variable with uniform initial values (the initial tensor is released). */
export function variable<R extends tf.Rank>(shape: number[], scale: number): tf.Variable<R> {
  const init = uniform(shape, scale);
  const v = tf.variable(init) as tf.Variable<R>;
  init.dispose();
  return v;
}

/** Canonical weights of a stack as tf.Variables (trainable); `gates` blocks of H (LSTM 4, GRU 3). */
export function bridgeLayers(s: { I: number; H: number; layers: number; directions: number }, gates = 4): LstmStackLayer[] {
  const scale = 1 / Math.sqrt(s.H);
  return Array.from({ length: s.layers }, (_, k) => {
    const inSize = k === 0 ? s.I : s.directions * s.H;
    const dir = () => ({
      kernel: variable<tf.Rank.R2>([inSize, gates * s.H], scale),
      recurrentKernel: variable<tf.Rank.R2>([s.H, gates * s.H], scale),
      bias: variable<tf.Rank.R1>([gates * s.H], scale),
      recurrentBias: variable<tf.Rank.R1>([gates * s.H], scale),
    });
    return { forward: dir(), backward: s.directions === 2 ? dir() : null };
  });
}

export function disposeLayers(layers: LstmStackLayer[]): void {
  for (const l of layers) {
    for (const w of [l.forward, l.backward]) if (w) tf.dispose([w.kernel, w.recurrentKernel, w.bias ?? [], w.recurrentBias ?? []].flat());
  }
}

/** lstm-bridge's engine, synchronous tfjs path (`lstmStack`). */
export function makeBridgeRunner(s: Shape): Runner {
  const layers = bridgeLayers(s);
  const x = uniform([s.T, s.B, s.I], 1);
  return {
    forward() {
      tf.tidy(() => {
        lstmStack(x, layers);
      });
    },
    train() {
      const { value, grads } = tf.variableGrads(() => tf.sum(lstmStack(x, layers).output) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose() {
      disposeLayers(layers);
      x.dispose();
    },
  };
}

/** lstm-bridge's engine, asynchronous entry (`lstmStackAsync`, executor 'auto'). */
export function makeBridgeAsyncRunner(s: Shape): Runner {
  const layers = bridgeLayers(s);
  const x = uniform([s.T, s.B, s.I], 1);
  return {
    async forward() {
      const r = await lstmStackAsync(x, layers);
      tf.dispose([r.output, ...r.h, ...r.c]);
    },
    dispose() {
      disposeLayers(layers);
      x.dispose();
    },
  };
}

/** Which Keras-style recurrent layer classes a model is built from (LSTM or GRU). */
export interface LayerFactory {
  recurrent(cfg: Record<string, unknown>): tfl.layers.Layer;
  bidirectional(cfg: Record<string, unknown>): tfl.layers.Layer;
}

const TF_LAYERS: LayerFactory = {
  recurrent: (cfg) => tfl.layers.lstm(cfg as unknown as Parameters<typeof tfl.layers.lstm>[0]),
  bidirectional: (cfg) => tfl.layers.bidirectional(cfg as unknown as Parameters<typeof tfl.layers.bidirectional>[0]),
};

const BRIDGE_LAYERS: LayerFactory = {
  recurrent: (cfg) => bridgeLayersApi.lstm(cfg as unknown as Parameters<typeof bridgeLayersApi.lstm>[0]),
  bidirectional: (cfg) => bridgeLayersApi.bidirectional(cfg as unknown as Parameters<typeof bridgeLayersApi.bidirectional>[0]),
};

/** A stack of Keras-style recurrent layers (bidirectional for D = 2), batch-major input; `extra` is added to each layer's config. */
export function layersModel(
  s: { T: number; I: number; H: number; layers: number; directions: number }, batch: number, stateful: boolean,
  factory: LayerFactory = TF_LAYERS, extra: Record<string, unknown> = {},
): tfl.LayersModel {
  const model = tfl.sequential();
  for (let k = 0; k < s.layers; k++) {
    const cfg = {
      units: s.H, returnSequences: true, recurrentActivation: 'sigmoid', stateful,
      kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform', ...extra,
    };
    const first = k === 0 ? (stateful ? { batchInputShape: [batch, s.T, s.I] } : { inputShape: [s.T, s.I] }) : {};
    if (s.directions === 2) {
      model.add(factory.bidirectional({ layer: factory.recurrent(cfg), mergeMode: 'concat', ...first }));
    } else {
      model.add(factory.recurrent({ ...cfg, ...first }));
    }
  }
  return model;
}

export function makeTfLayersRunner(s: Shape, factory: LayerFactory = TF_LAYERS, extra: Record<string, unknown> = {}): Runner {
  const model = layersModel(s, s.B, false, factory, extra);
  const x = uniform([s.B, s.T, s.I], 1);
  return {
    forward() {
      tf.tidy(() => {
        model.predict(x);
      });
    },
    train() {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose() {
      model.dispose();
      x.dispose();
    },
  };
}

export function requireOrt(): OrtModule {
  const ort = loadOnnxRuntime();
  if (!ort) throw new Error('onnxruntime-node is not installed');
  return ort;
}

/** onnxruntime-node on its own: the same ONNX model lstm-bridge builds, Float32Array in and out. */
export async function makeOrtRunner(s: Shape): Promise<Runner> {
  const ort = requireOrt();
  const layers = bridgeLayers(s);
  const session: OrtSession = await ort.InferenceSession.create(encodeModel(buildLstmStackModel(layers)), { graphOptimizationLevel: 'all' });
  disposeLayers(layers);
  const x = new Float32Array(s.T * s.B * s.I).map(() => Math.random() * 2 - 1);
  return {
    async forward() {
      const out = await session.run({ X: new ort.Tensor('float32', x, [s.T, s.B, s.I]) });
      void (out.output.data as Float32Array)[0];
    },
    dispose() {
      void session.release();
    },
  };
}

export const STREAM_SHAPE = { T: 1, I: STREAM.I, H: STREAM.H, layers: 1, directions: 1 } as const;

/** Streaming with the engine's streaming API: `LstmStepper.step` per step. */
export function makeBridgeStepperStream(): StreamRunner {
  const layers = bridgeLayers(STREAM_SHAPE);
  const stepper = new LstmStepper(layers.map((l) => l.forward));
  const x = uniform([STREAM.B, STREAM.I], 1);
  let state: { h: tf.Tensor[]; c: tf.Tensor[] } | null = null;
  return {
    step() {
      const r = stepper.step(x, state);
      if (state) tf.dispose([...state.h, ...state.c]);
      r.output.dispose();
      state = { h: r.h, c: r.c };
    },
    dispose() {
      if (state) tf.dispose([...state.h, ...state.c]);
      stepper.dispose();
      x.dispose();
      disposeLayers(layers);
    },
  };
}

/** Streaming with the engine's sequence API: one `lstmStack` call per step, carrying (h, c). */
export function makeBridgeStream(): StreamRunner {
  const layers = bridgeLayers(STREAM_SHAPE);
  const x = uniform([1, STREAM.B, STREAM.I], 1);
  let h: tf.Tensor = tf.zeros([STREAM.B, STREAM.H]);
  let c: tf.Tensor = tf.zeros([STREAM.B, STREAM.H]);
  return {
    step() {
      const r = lstmStack(x, layers, { h0: [h], c0: [c] });
      tf.dispose([h, c, r.output]);
      h = r.h[0];
      c = r.c[0];
    },
    dispose() {
      tf.dispose([h, c, x]);
      disposeLayers(layers);
    },
  };
}

/** Streaming with `lstmStackAsync` (onnxruntime when installed). */
export function makeBridgeAsyncStream(): StreamRunner {
  const layers = bridgeLayers(STREAM_SHAPE);
  const x = uniform([1, STREAM.B, STREAM.I], 1);
  let h: tf.Tensor = tf.zeros([STREAM.B, STREAM.H]);
  let c: tf.Tensor = tf.zeros([STREAM.B, STREAM.H]);
  return {
    async step() {
      const r = await lstmStackAsync(x, layers, { h0: [h], c0: [c] });
      tf.dispose([h, c, r.output]);
      h = r.h[0];
      c = r.c[0];
    },
    dispose() {
      tf.dispose([h, c, x]);
      disposeLayers(layers);
    },
  };
}

/** The Keras-style facade, `layers.LSTM` / `layers.Bidirectional`, in a tf.sequential model. */
export function makeBridgeLayersRunner(s: Shape): Runner {
  return makeTfLayersRunner(s, BRIDGE_LAYERS);
}

/** The PyTorch-style facade, `nn.LSTM`, time-major input. */
export function makeBridgeNnRunner(s: Shape): Runner {
  const lstm = new nn.LSTM(s.I, s.H, { numLayers: s.layers, bidirectional: s.directions === 2 });
  const x = uniform([s.T, s.B, s.I], 1);
  return {
    forward() {
      tf.tidy(() => {
        lstm.forward(x);
      });
    },
    train() {
      const { value, grads } = tf.variableGrads(() => tf.sum(lstm.forward(x)[0]) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose() {
      lstm.dispose();
      x.dispose();
    },
  };
}

/** Streaming with `nn.LSTM.forward` on one step (L = 1, N = 1), carrying (h, c). */
export function makeBridgeNnStream(): StreamRunner {
  const lstm = new nn.LSTM(STREAM.I, STREAM.H);
  const x = uniform([1, STREAM.B, STREAM.I], 1);
  let state: [tf.Tensor, tf.Tensor] = [tf.zeros([1, STREAM.B, STREAM.H]), tf.zeros([1, STREAM.B, STREAM.H])];
  return {
    step() {
      const [out, next] = lstm.forward(x, state);
      tf.dispose([out, ...state]);
      state = next;
    },
    dispose() {
      tf.dispose([...state, x]);
      lstm.dispose();
    },
  };
}

/** Streaming with a stateful `layers.LSTM` (the Keras-style facade), `model.predict` per step. */
export function makeBridgeLayersStream(): StreamRunner {
  return makeTfLayersStream(BRIDGE_LAYERS);
}

/** Streaming with a stateful `tf.layers.lstm` (batchInputShape [1, 1, I]), `model.predict` per step. */
export function makeTfLayersStream(factory: LayerFactory = TF_LAYERS, extra: Record<string, unknown> = {}): StreamRunner {
  const model = layersModel(STREAM_SHAPE, STREAM.B, true, factory, extra);
  const x = uniform([STREAM.B, 1, STREAM.I], 1);
  return {
    step() {
      tf.tidy(() => {
        model.predict(x);
      });
    },
    dispose() {
      model.dispose();
      x.dispose();
    },
  };
}

/** Streaming with onnxruntime-node directly (states fed back as Float32Arrays). */
export async function makeOrtStream(): Promise<StreamRunner> {
  const ort = requireOrt();
  const layers = bridgeLayers(STREAM_SHAPE);
  const session = await ort.InferenceSession.create(encodeModel(buildLstmStackModel(layers, { initialState: true })));
  disposeLayers(layers);
  const x = new Float32Array(STREAM.B * STREAM.I).map(() => Math.random() * 2 - 1);
  let h: OrtTensor = new ort.Tensor('float32', new Float32Array(STREAM.B * STREAM.H), [1, STREAM.B, STREAM.H]);
  let c: OrtTensor = new ort.Tensor('float32', new Float32Array(STREAM.B * STREAM.H), [1, STREAM.B, STREAM.H]);
  return {
    async step() {
      const out = await session.run({ X: new ort.Tensor('float32', x, [1, STREAM.B, STREAM.I]), h0: h, c0: c });
      h = out.h_n;
      c = out.c_n;
    },
    dispose() {
      void session.release();
    },
  };
}
