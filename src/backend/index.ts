/**
 * `backend`: choosing the fastest tfjs backend, when the application asks (`useFastestBackend`).
 * Depends on tfjs and the error classes only; the library itself never calls it.
 */
export { BACKEND_PACKAGES, FASTEST_FIRST, backendSkipMessage, useFastestBackend } from './fastest';
export type { BackendChoice, BackendName, BackendSkip, UseFastestBackendOptions } from './fastest';
