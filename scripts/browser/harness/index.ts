/**
 * The real-Chromium harness of every browser suite (`npm run test:browser`'s runner
 * `scripts/browser/run.ts`, the onnxruntime-web and converter page tests, the browser bench):
 * bundle a page with esbuild (`./bundle`), serve it and the wasm files from a loopback static
 * server (`./serve`), drive Debian's `/usr/bin/chromium` (or `CHROMIUM_PATH`) with playwright-core
 * (`./chromium`), open pages and wait for them (`./page`). No browser download, no network.
 *
 * ```ts
 * await bundlePage({ entries: { main: 'pages/x.ts' }, outDir });
 * const server = await startStaticServer({ '/': outDir, ...wasmMounts() }, { crossOriginIsolated: true });
 * const browser = await launchChromium();
 * const { result, page } = await pageResult<R>(browser, `${server.url}/?backend=wasm`);
 * ```
 */
export { bundlePage, esmBuildPlugin, type BundlePageOptions } from './bundle';
export { CHROMIUM_ARGS, CHROMIUM_PATH, SWIFTSHADER_ARGS, chromiumPath, launchChromium, type LaunchOptions } from './chromium';
export { collectErrors, openPage, pageResult, toBase64 } from './page';
export { ROOT, startStaticServer, wasmMounts, type StaticServer, type StaticServerOptions } from './serve';
