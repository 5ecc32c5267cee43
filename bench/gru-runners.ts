/**
 * The GRU rows' runners, beside the LSTM ones in `./runners` (same contract: weights and input
 * prepared once, `forward()` the output sequence, `train()` the gradients of sum(output) w.r.t.
 * every weight, timed until the result exists in the form the API returns it).
 *
 * System kinds (`<kind>:<backend>` ids, see `./systems`):
 * - `gru-bridge`: `engine.gruStack`, reset before (`resetAfter: false`, as `tf.layers.gru`);
 * - `gru-bridge-async`: `runtime.gruStackAsync` (executor 'auto'), reset before;
 * - `gru-nn` / `gru-nn-async`: `nn.GRU.forward` / `.forwardAsync` (reset after, PyTorch's only form);
 * - `gru-layers` / `gru-layers-rb`: `layers.gru` with `resetAfter` true / false in a tf.sequential;
 * - `gru-tfjs-layers`: `tf.layers.gru({resetAfter: false, recurrentActivation: 'sigmoid'})`;
 * - `gru-ort`: onnxruntime-node on its own, the ONNX GRU model lstm-bridge builds
 *   (`linear_before_reset` = 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { GruStackLayer, gruStack } from '../src/engine';
import { buildRecurrentStackModel, encodeModel } from '../src/onnx';
import { gruStackAsync } from '../src/runtime';
import { OrtTensor } from '../src/runtime/ort-runtime';
import * as bridgeLayersApi from '../src/layers';
import * as nn from '../src/nn';
import { LayerFactory, Runner, STREAM_SHAPE, StreamRunner, bridgeLayers, disposeLayers, makeTfLayersRunner, makeTfLayersStream,
  requireOrt, uniform } from './runners';
import { STREAM, Shape } from './shapes';

/** The engine rows compare with `tf.layers.gru`, which resets before the recurrent product. */
const RESET_AFTER = false;

function gruLayers(s: { I: number; H: number; layers: number; directions: number }): GruStackLayer[] {
  return bridgeLayers(s, 3) as GruStackLayer[];
}

const TF_GRU: LayerFactory = {
  recurrent: (cfg) => tfl.layers.gru(cfg as unknown as Parameters<typeof tfl.layers.gru>[0]),
  bidirectional: (cfg) => tfl.layers.bidirectional(cfg as unknown as Parameters<typeof tfl.layers.bidirectional>[0]),
};

const BRIDGE_GRU: LayerFactory = {
  recurrent: (cfg) => bridgeLayersApi.gru(cfg as unknown as Parameters<typeof bridgeLayersApi.gru>[0]),
  bidirectional: (cfg) => bridgeLayersApi.bidirectional(cfg as unknown as Parameters<typeof bridgeLayersApi.bidirectional>[0]),
};

/** The Keras-style layer factory and per-layer config of a layers kind. */
function layersSetup(kind: string): { factory: LayerFactory; extra: Record<string, unknown> } | null {
  if (kind === 'gru-tfjs-layers') return { factory: TF_GRU, extra: { resetAfter: false } };
  if (kind === 'gru-layers') return { factory: BRIDGE_GRU, extra: { resetAfter: true } };
  if (kind === 'gru-layers-rb') return { factory: BRIDGE_GRU, extra: { resetAfter: false } };
  return null;
}

function makeEngineRunner(s: Shape, async: boolean): Runner {
  const layers = gruLayers(s);
  const x = uniform([s.T, s.B, s.I], 1);
  const opts = { resetAfter: RESET_AFTER };
  return {
    forward: async
      ? async () => {
        const r = await gruStackAsync(x, layers, opts);
        tf.dispose([r.output, ...r.h]);
      }
      : () => {
        tf.tidy(() => {
          gruStack(x, layers, opts);
        });
      },
    train: async ? undefined : () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(gruStack(x, layers, opts).output) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose() {
      disposeLayers(layers);
      x.dispose();
    },
  };
}

function makeNnRunner(s: Shape, async: boolean): Runner {
  const gru = new nn.GRU(s.I, s.H, { numLayers: s.layers, bidirectional: s.directions === 2 });
  const x = uniform([s.T, s.B, s.I], 1);
  return {
    forward: async
      ? async () => {
        tf.dispose(await gru.forwardAsync(x));
      }
      : () => {
        tf.tidy(() => {
          gru.forward(x);
        });
      },
    train: async ? undefined : () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(gru.forward(x)[0]) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose() {
      gru.dispose();
      x.dispose();
    },
  };
}

async function makeOrtRunner(s: Shape): Promise<Runner> {
  const ort = requireOrt();
  const layers = gruLayers(s);
  const model = buildRecurrentStackModel('GRU', layers, { resetAfter: RESET_AFTER });
  disposeLayers(layers);
  const session = await ort.InferenceSession.create(encodeModel(model), { graphOptimizationLevel: 'all' });
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

/** The runner of a GRU system kind at a shape. */
export async function makeGruRunner(kind: string, s: Shape): Promise<Runner> {
  const l = layersSetup(kind);
  if (l) return makeTfLayersRunner(s, l.factory, l.extra);
  if (kind === 'gru-bridge' || kind === 'gru-bridge-async') return makeEngineRunner(s, kind === 'gru-bridge-async');
  if (kind === 'gru-nn' || kind === 'gru-nn-async') return makeNnRunner(s, kind === 'gru-nn-async');
  if (kind === 'gru-ort') return makeOrtRunner(s);
  throw new Error(`bench: unknown GRU system kind ${kind}`);
}

/** Streaming, one engine call per step (`gruStack` or `gruStackAsync`), carrying h. */
function makeEngineStream(async: boolean): StreamRunner {
  const layers = gruLayers(STREAM_SHAPE);
  const x = uniform([1, STREAM.B, STREAM.I], 1);
  let h: tf.Tensor = tf.zeros([STREAM.B, STREAM.H]);
  const opts = () => ({ resetAfter: RESET_AFTER, h0: [h] });
  return {
    async step() {
      const r = async ? await gruStackAsync(x, layers, opts()) : gruStack(x, layers, opts());
      tf.dispose([h, r.output]);
      h = r.h[0];
    },
    dispose() {
      tf.dispose([h, x]);
      disposeLayers(layers);
    },
  };
}

/** Streaming with `nn.GRU.forward` (or `forwardAsync`) on one step, carrying h. */
function makeNnStream(async: boolean): StreamRunner {
  const gru = new nn.GRU(STREAM.I, STREAM.H);
  const x = uniform([1, STREAM.B, STREAM.I], 1);
  let h: tf.Tensor = tf.zeros([1, STREAM.B, STREAM.H]);
  return {
    async step() {
      const [out, next] = async ? await gru.forwardAsync(x, h) : gru.forward(x, h);
      tf.dispose([out, h]);
      h = next;
    },
    dispose() {
      tf.dispose([h, x]);
      gru.dispose();
    },
  };
}

async function makeOrtStream(): Promise<StreamRunner> {
  const ort = requireOrt();
  const layers = gruLayers(STREAM_SHAPE);
  const model = buildRecurrentStackModel('GRU', layers, { resetAfter: RESET_AFTER, initialState: true });
  disposeLayers(layers);
  const session = await ort.InferenceSession.create(encodeModel(model));
  const x = new Float32Array(STREAM.B * STREAM.I).map(() => Math.random() * 2 - 1);
  let h: OrtTensor = new ort.Tensor('float32', new Float32Array(STREAM.B * STREAM.H), [1, STREAM.B, STREAM.H]);
  return {
    async step() {
      const out = await session.run({ X: new ort.Tensor('float32', x, [1, STREAM.B, STREAM.I]), h0: h });
      h = out.h_n;
    },
    dispose() {
      void session.release();
    },
  };
}

/** The streaming runner of a GRU system kind. */
export async function makeGruStream(kind: string): Promise<StreamRunner> {
  const l = layersSetup(kind);
  if (l) return makeTfLayersStream(l.factory, l.extra);
  if (kind === 'gru-bridge' || kind === 'gru-bridge-async') return makeEngineStream(kind === 'gru-bridge-async');
  if (kind === 'gru-nn' || kind === 'gru-nn-async') return makeNnStream(kind === 'gru-nn-async');
  if (kind === 'gru-ort') return makeOrtStream();
  throw new Error(`bench: unknown GRU system kind ${kind}`);
}
