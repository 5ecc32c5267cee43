/** What the layers above use of `runtime` besides `./index` (not exported by the package). */
export * from './index';
export { SESSION_CACHE_SIZE } from './ort-executor';
export { loadOnnxRuntime } from './ort-runtime';
export type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from './ort-types';
export { isBrowserEnvironment, onnxRuntimePackage } from './ort-web';
export { asyncExecutionReport, syncExecutionReport } from './execution-report';
export { planOnnxRuntime } from './ort-plan';
export type { OrtPlan } from './ort-plan';
