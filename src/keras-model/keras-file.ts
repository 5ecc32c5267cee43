/**
 * The neutral description of a Keras file that the readers return and the writer takes: which
 * Keras wrote it, the model's configuration, and each layer's weight arrays in order. It says
 * nothing about how to build a model; that is the job of the model builder (`./build`), which
 * maps `className`s and weight names to layers. The readers and the writer are in
 * `src/io/keras/`; this contract (and {@link RawTensor}, the plain tensor every reader returns)
 * is defined here, below io, because the builder takes it and `kerasModelFile` returns it.
 *
 * Weight naming by format (all observed in real files):
 *
 * | format | layer order | weight names |
 * |---|---|---|
 * | Keras 1.2 `.h5` | `layer_names` | `lstm_1_W_i:0`, `lstm_1_U_i:0`, `lstm_1_b_i:0` ... (12 per LSTM, gates i, c, f, o) |
 * | Keras 2 / tf.keras `.h5`, TF backend | `layer_names` | `lstm_1/kernel:0`, `bidirectional_1/forward_lstm_1/kernel:0`, `lstm/lstm_cell/kernel:0` |
 * | Keras 2 `.h5`, Theano backend | `layer_names` | the same without `:0` |
 * | Keras 3 `.h5` | `layer_names` | `sequential/lstm/lstm_cell/kernel`, `bidirectional/forward_lstm/lstm_cell/kernel` |
 * | `save_weights` `.h5` (Keras 1/2) | root `layer_names` | as the version above; no model config |
 * | Keras 3 `.weights.h5` | groups under `layers/` | as `.keras` |
 * | Keras 3 `.keras` | config layers, groups named after their class (`lstm`, `lstm_1`) | `cell/vars/0` (kernel), `cell/vars/1` (recurrent kernel), `cell/vars/2` (bias); `forward_layer/cell/vars/0` ... |
 */
/** Element types of tfjs tensors. */
export type TfDtype = 'float32' | 'int32' | 'bool';

/**
 * A tensor as plain data, before it becomes a `tf.Tensor`: C-order values.
 * Readers return these so callers can inspect files without creating tfjs tensors.
 */
export interface RawTensor {
  readonly dtype: TfDtype;
  readonly shape: readonly number[];
  /** Float32Array for float32, Int32Array for int32, Uint8Array (0/1) for bool. */
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/** Which layout the file uses. */
export type KerasFileFormat =
  /** `.h5` model file (Keras 1.2 to 3): `model_config` + `model_weights`. */
  | 'h5'
  /** `.h5` from `save_weights` (Keras 1/2): layer groups at the root. */
  | 'h5-weights'
  /** Keras 3 `.weights.h5` from `save_weights`: the `.keras` weights layout, no config. */
  | 'weights-h5'
  /** Keras 3 `.keras` archive. */
  | 'keras';

/** One weight array of a layer. */
export interface KerasWeight {
  /** The name as the file lists it (`weight_names` entry, or the path under the layer in `.keras`). */
  readonly name: string;
  readonly tensor: RawTensor;
}

/** The weights of one layer, in the file's order. */
export interface KerasLayerWeights {
  /** Layer name (`lstm_1`); for `.keras`, the config name mapped from the weights group. */
  readonly name: string;
  /** Where the weights live in the HDF5 file (`/model_weights/lstm_1`, `/layers/lstm`). */
  readonly group: string;
  /** `className` from the model config, when known. */
  readonly className: string | null;
  readonly weights: readonly KerasWeight[];
}

/** What the Keras readers return. */
export interface KerasFile {
  readonly format: KerasFileFormat;
  /** `keras_version` (`1.2.2`, `2.2.4-tf`, `3.9.2`), or null when the file does not say. */
  readonly kerasVersion: string | null;
  /** `backend` (`tensorflow`, `theano`), or null. */
  readonly backend: string | null;
  /** The parsed `model_config` (`.h5`) or `config.json` (`.keras`); null for weights-only files. */
  readonly modelConfig: unknown;
  /** The parsed `training_config`, when present. */
  readonly trainingConfig: unknown;
  /** `.keras` only: parsed `metadata.json`. */
  readonly metadata: unknown;
  /** Layers with their weights, in the file's layer order (layers without weights included). */
  readonly layers: readonly KerasLayerWeights[];
}

/**
 * Keras 3's `naming.to_snake_case`, which names the weight groups of `.keras` files:
 * `BatchNormalization` -> `batch_normalization`, `LSTM` -> `lstm`.
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
