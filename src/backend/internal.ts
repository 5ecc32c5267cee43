/** What the layers above use of `backend` besides `./index` (not exported by the package). */
export * from './index';
export { inNode, registerBackend, selectBackend } from './fastest';
