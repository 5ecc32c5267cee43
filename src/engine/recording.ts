/**
 * "Is a gradient being recorded?" — answered once, for every executor choice in the engine.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * True while tfjs records operations for a gradient (`tf.grad`, `tf.variableGrads`, `fit`,
 * `optimizer.minimize`): the tape is on and no kernel is running. Plain inference, also inside
 * `tf.tidy`, is false.
 */
export function isRecordingGradient(): boolean {
  return tf.engine().isTapeOn();
}
