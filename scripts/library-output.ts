/**
 * What a process using lstm-bridge may print on its own: nothing. The only text tolerated is
 * tfjs's own banner (the cpu backend's first tensor in Node suggests tfjs-node), which is not
 * lstm-bridge's. Used by the tests that run the package in a child process and by
 * `scripts/fresh-user.ts`.
 */

/** The banner tfjs-backend-cpu prints (console.warn) on its first tensor in Node. */
const TFJS_CPU_BANNER =
  /\n?=+\nHi, looks like you are running TensorFlow\.js in Node\.js\. To speed things up dramatically, install our node backend, visit https:\/\/github\.com\/tensorflow\/tfjs-node for more details\. \n=+\n?/g;

/** `stderr` without tfjs's own banner: what lstm-bridge (or anything else) printed. */
export function withoutTfjsBanner(stderr: string): string {
  return stderr.replace(TFJS_CPU_BANNER, '');
}
