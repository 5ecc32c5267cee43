/**
 * The demo picks the fastest installed backend with the CLI's helper (`src/cli/backend.ts`):
 * tfjs-node when installed, else wasm, else cpu.
 */
export { useFastestBackend } from '../src/cli/backend';
