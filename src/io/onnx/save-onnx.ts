/**
 * `io.saveOnnx`: an `nn.LSTM` as an ONNX model (opset 14) that computes what
 * `lstm.eval().forward(input, [h0, c0])` computes, laid out as `torch.onnx.export` lays out the
 * same module, so that tools written for PyTorch's exports (and `io.loadOnnx`) read it.
 *
 * Legend: L = sequence length, N = batch, D = 2 if bidirectional else 1, H_in = inputSize,
 * H = hiddenSize, K = numLayers.
 *
 * | graph input / output | shape | | torch |
 * |---|---|---|---|
 * | input `input` | (L, N, H_in); (N, L, H_in) with `batchFirst`; (L, H_in) with `unbatched` | | `input` |
 * | inputs `h0`, `c0` (with `initialState`) | (D·K, N, H); (D·K, H) unbatched | optional: without them the states start at zero | `h_0`, `c_0` |
 * | output `output` | (L, N, D·H); (N, L, D·H) with `batchFirst`; (L, D·H) unbatched | | `output` |
 * | outputs `h_n`, `c_n` | (D·K, N, H); (D·K, H) unbatched, index `layer·D + direction` | | `h_n`, `c_n` |
 *
 * The graph is built by the ONNX module's one LSTM graph builder (`src/onnx/lstm-graph.ts`,
 * also used by the onnxruntime executor); every name below is a value in it:
 * - one `LSTM` node per layer (`lstm_l{k}`), `direction="bidirectional"` when D = 2, with
 *   initializers `W_l{k}` (D, 4H, I), `R_l{k}` (D, 4H, H), `B_l{k}` (D, 8H) (absent with
 *   `bias: false`) in ONNX's gate order i, o, f, c, converted by `canonicalToOnnx`;
 * - between layers, the layer's `Y` (L, D, N, H) becomes the next layer's input (L, N, D·H) by
 *   `Squeeze(axis 1)` (D = 1) or `Transpose(perm 0, 2, 1, 3)` + `Reshape(0, 0, -1)` (D = 2);
 * - `batchFirst` is done with `Transpose(perm 1, 0, 2)` nodes on the input and the output, as
 *   torch does, not with the LSTM's opset-14 `layout = 1` attribute: onnxruntime's CPU LSTM
 *   refuses `layout = 1` ("Batchwise recurrent operations (layout == 1) are not supported");
 * - unbatched input is `Unsqueeze`d to N = 1 and the outputs `Squeeze`d back;
 * - layer k's initial states are `Slice`s of `h0` / `c0`, rows [k·D, (k+1)·D);
 * - `h_n` / `c_n` are the layers' `Y_h` / `Y_c` concatenated on axis 0.
 *
 * Not expressible: a projection (`projSize > 0`; ONNX's LSTM has no LSTMP) is an
 * {@link UnsupportedConversionError}. Inter-layer `dropout` applies in training only; the graph is
 * the inference computation, as `torch.onnx.export` exports in eval mode by default.
 *
 * Any stack the engine runs — a Keras model's LSTM layers with their activations included —
 * is exported by {@link saveOnnxStack}: canonical weights (`LstmStackLayer[]`, as
 * `adapters.kerasWeightsToStack` or `io.readOnnxLstmStacks` give them) and the stack's
 * `activation` / `recurrentActivation`, written as the LSTM nodes' `activations` attribute with
 * `activation_alpha` / `activation_beta` (Keras 2's `hard_sigmoid` is `HardSigmoid(0.2, 0.5)`,
 * Keras 3's `HardSigmoid(1/6, 0.5)`; table in `src/onnx/activations.ts`); the same graph
 * otherwise. relu6, selu and swish have no ONNX form: an {@link UnsupportedConversionError}.
 *
 * Example:
 * ```ts
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const bytes = io.saveOnnx(lstm, { initialState: true }); // Uint8Array, a .onnx file
 * // A Keras model's LSTM layers (here Keras 2's hard_sigmoid gates), its (N, L, F) input:
 * const { layers } = adapters.kerasWeightsToStack([lstm1.getWeights(), lstm2.getWeights()]);
 * const keras = io.saveOnnxStack(layers, { recurrentActivation: 'hardSigmoid', batchFirst: true });
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, CellWeights, LstmStackLayer, StackLayer, checkStackCall, lstmSizes, parseActivation } from '../../engine';
import { ConfigError, ShapeError, UnsupportedConversionError } from '../../errors';
import { LSTM, checkBool, checkKnownKeys } from '../../nn/internal';
import { LSTM_GRAPH_OPSET, ModelProto, ONNX_CELL_KINDS, buildLstmStackModel, buildRecurrentStackModel, encodeModel } from '../../onnx';

/** Options of {@link saveOnnx}. */
export interface SaveOnnxOptions {
  /** Add graph inputs `h0`, `c0` for the initial states (zeros without them). Default false. */
  readonly initialState?: boolean;
  /** Export for unbatched input (L, H_in) (PyTorch's 2-D input). Default false. */
  readonly unbatched?: boolean;
  /** `metadata_props` of the model (key -> value). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** `producer_name`. Default `'lstm-bridge'`. */
  readonly producerName?: string;
}

const OPTION_KEYS = ['initialState', 'unbatched', 'metadata', 'producerName'] as const;

/** The opset of the exported models. */
export const ONNX_EXPORT_OPSET = LSTM_GRAPH_OPSET;

/**
 * The ONNX model of `lstm` (see the module documentation).
 * @throws UnsupportedConversionError for `projSize > 0`; ConfigError for bad options.
 */
export function onnxModelOf(lstm: LSTM, options: SaveOnnxOptions = {}): ModelProto {
  const where = 'io.saveOnnx';
  if (!(lstm instanceof LSTM)) throw new ConfigError(`${where}: lstm expected an nn.LSTM, got ${lstm === null ? 'null' : typeof lstm}`);
  if (typeof options !== 'object' || options === null) throw new ConfigError(`${where}: options expected an object, got ${typeof options}`);
  checkKnownKeys(options, OPTION_KEYS, where);
  const initialState = checkBool(options.initialState, 'initialState', where, false);
  const unbatched = checkBool(options.unbatched, 'unbatched', where, false);
  const metadata = options.metadata ?? {};
  if (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string')) {
    throw new ConfigError(`${where}: metadata expected an object of strings, got ${JSON.stringify(metadata)}`);
  }
  if (lstm.projSize > 0) {
    throw new UnsupportedConversionError(
      `${where}: ${lstm.toString()} has projSize ${lstm.projSize}: the ONNX LSTM operator has no projection (LSTMP), so it cannot be exported exactly`,
    );
  }
  // canonicalWeights makes new (transposed) kernels: the scope releases them.
  tf.engine().startScope();
  try {
    const layers: LstmStackLayer[] = Array.from({ length: lstm.numLayers }, (_, k) => ({
      forward: lstm.canonicalWeights(k, false),
      backward: lstm.bidirectional ? lstm.canonicalWeights(k, true) : null,
    }));
    return buildLstmStackModel(layers, {
      inputName: 'input',
      batchFirst: lstm.batchFirst,
      unbatched,
      initialState,
      graphName: 'lstm',
      docString: `${lstm.toString()}, exported by lstm-bridge io.saveOnnx`,
      producerName: options.producerName,
      metadata,
      where,
    });
  } finally {
    tf.engine().endScope();
  }
}

/**
 * `lstm` as the bytes of an ONNX model file (see the module documentation; the Node variant in
 * `lstm-bridge/node` writes them to a path).
 * @throws UnsupportedConversionError for `projSize > 0`; ConfigError for bad options.
 */
export function saveOnnx(lstm: LSTM, options: SaveOnnxOptions = {}): Uint8Array {
  return encodeModel(onnxModelOf(lstm, options));
}

/** Options of {@link saveOnnxStack}: {@link SaveOnnxOptions} and what an `nn.LSTM` would say itself. */
export interface SaveOnnxStackOptions extends SaveOnnxOptions {
  /** φ (candidate and cell output). Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ (input, forget, output gates). Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Input and output (N, L, ·), as Keras models take them. Default false: (L, N, ·). */
  readonly batchFirst?: boolean;
  /**
   * The layers' cell: `'lstm'` (default), `'gru'` (canonical gates r, z, n; ONNX `GRU` nodes) or
   * `'rnn'` (ONNX `RNN` nodes; `activation` is PyTorch's nonlinearity, `recurrentActivation`
   * unused). GRU and RNN graphs have `h0` / `h_n` only.
   */
  readonly cell?: 'lstm' | 'gru' | 'rnn';
  /** GRU: reset after the recurrent product (`linear_before_reset` = 1, PyTorch). Default true. */
  readonly resetAfter?: boolean;
}

const STACK_OPTION_KEYS = [...OPTION_KEYS, 'activation', 'recurrentActivation', 'batchFirst', 'cell', 'resetAfter'] as const;
const CELLS = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' } as const;

/**
 * The ONNX model of any engine stack, activations included (see the module documentation).
 * @throws ConfigError / ShapeError for bad layers or options; UnsupportedConversionError for
 *   projections and activations ONNX cannot express.
 */
export function onnxModelOfStack(layers: readonly LstmStackLayer[] | readonly StackLayer<CellWeights>[], options: SaveOnnxStackOptions = {}): ModelProto {
  const where = 'io.saveOnnxStack';
  if (!Array.isArray(layers)) throw new ConfigError(`${where}: layers expected an array of {forward, backward} canonical weights, got ${layers === null ? 'null' : typeof layers}`);
  if (typeof options !== 'object' || options === null) throw new ConfigError(`${where}: options expected an object, got ${typeof options}`);
  checkKnownKeys(options, STACK_OPTION_KEYS, where);
  const activation = options.activation === undefined ? 'tanh' : parseActivation(options.activation, 'activation', where);
  const recurrentActivation = options.recurrentActivation === undefined ? 'sigmoid' : parseActivation(options.recurrentActivation, 'recurrentActivation', where);
  const batchFirst = checkBool(options.batchFirst, 'batchFirst', where, false);
  const initialState = checkBool(options.initialState, 'initialState', where, false);
  const unbatched = checkBool(options.unbatched, 'unbatched', where, false);
  const metadata = options.metadata ?? {};
  if (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string')) {
    throw new ConfigError(`${where}: metadata expected an object of strings, got ${JSON.stringify(metadata)}`);
  }
  layers.forEach((layer, k) => {
    if (layer === null || typeof layer !== 'object' || !layer.forward || typeof layer.forward !== 'object') {
      throw new ConfigError(`${where}: layers[${k}] expected {forward, backward?} canonical weights, got ${layer === null ? 'null' : typeof layer}`);
    }
    for (const w of layer.backward ? [layer.forward, layer.backward] : [layer.forward]) {
      if (w.projection) {
        throw new UnsupportedConversionError(`${where}: layers[${k}] has a projection: the ONNX LSTM operator has no projection (LSTMP), so it cannot be exported exactly`);
      }
    }
  });
  const cell = options.cell ?? 'lstm';
  if (!(cell in CELLS)) throw new ConfigError(`${where}: cell expected one of lstm, gru, rnn, got ${JSON.stringify(cell)}`);
  const resetAfter = checkBool(options.resetAfter, 'resetAfter', where, true);
  if (cell !== 'lstm') {
    return buildRecurrentStackModel(CELLS[cell], checkCellStack(CELLS[cell], layers, where), {
      inputName: 'input', batchFirst, unbatched, initialState, activation, recurrentActivation, resetAfter,
      graphName: cell,
      docString: `${CELLS[cell]} stack (${layers.length} layer${layers.length === 1 ? '' : 's'}${layers[0].backward ? ', bidirectional' : ''}), exported by lstm-bridge io.saveOnnxStack`,
      producerName: options.producerName, metadata, where,
    });
  }
  // The engine's own checks: sizes, directions, each layer's input = the one below's output.
  const first = layers.length ? lstmSizes(layers[0].forward, `${where}: layers[0]`) : null;
  checkStackCall([1, 1, first?.inputSize ?? 1], layers, { activation, recurrentActivation, where });
  return buildLstmStackModel(layers, {
    inputName: 'input',
    batchFirst,
    unbatched,
    initialState,
    activation,
    recurrentActivation,
    graphName: 'lstm',
    docString: `LSTM stack (${layers.length} layer${layers.length === 1 ? '' : 's'}${layers[0].backward ? ', bidirectional' : ''}, ${recurrentActivation} / ${activation}), exported by lstm-bridge io.saveOnnxStack`,
    producerName: options.producerName,
    metadata,
    where,
  });
}

/**
 * Any engine stack as the bytes of an ONNX model file, activations included (see the module
 * documentation; the Node variant in `lstm-bridge/node` also writes them to a path).
 * @throws like {@link onnxModelOfStack}.
 */
export function saveOnnxStack(layers: readonly LstmStackLayer[] | readonly StackLayer<CellWeights>[], options: SaveOnnxStackOptions = {}): Uint8Array {
  return encodeModel(onnxModelOfStack(layers, options));
}

/** A GRU / RNN stack's sizes: every direction consistent, each layer's input = D·H of the one below. */
function checkCellStack(kind: 'GRU' | 'RNN', layers: readonly StackLayer<CellWeights>[], where: string): readonly StackLayer<CellWeights>[] {
  if (layers.length === 0) throw new ConfigError(`${where}: expected at least one layer, got 0`);
  const D = layers[0].backward ? 2 : 1;
  let inputSize: number | null = null;
  layers.forEach((layer, k) => {
    if ((layer.backward ? 2 : 1) !== D) throw new ConfigError(`${where}: every layer must have the same number of directions`);
    const sizes = (layer.backward ? [layer.forward, layer.backward] : [layer.forward]).map((w, d) => ONNX_CELL_KINDS[kind].sizes(w, `${where}: layers[${k}]${d ? '.backward' : '.forward'}`));
    for (const s of sizes) {
      if (inputSize !== null && s.inputSize !== inputSize) throw new ShapeError(`${where}: layers[${k}] expected input size ${inputSize} (D·H of layer ${k - 1}), got kernel rows ${s.inputSize}`);
    }
    inputSize = D * sizes[0].hiddenSize;
  });
  return layers;
}
