/** `nn.utils.rnn`: packed and padded variable-length sequences, as in PyTorch. */
export { PackedSequence } from './packed-sequence';
export { packPaddedSequence, packSequence } from './pack';
export type { PackPaddedOptions } from './pack';
export { padPackedSequence, padSequence } from './pad';
export type { PadPackedOptions, PadSequenceOptions } from './pad';
export { unpackSequence, unpadSequence } from './unpad';
