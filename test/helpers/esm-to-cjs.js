/**
 * Jest transform for h5wasm's main build (in-memory file system, wasm embedded), which ships as ES modules only, so that the CommonJS
 * test runtime can load it (the library itself loads it with a real dynamic `import()`, which
 * ts-jest would otherwise turn into `require`). Only the two h5wasm files are transformed
 * (see jest.config.js); the rewrite is checked, so an h5wasm upgrade that changes these
 * spots fails loudly instead of silently.
 */
const ts = require('typescript');

const SCRIPT_NAME = 'var _scriptName=import.meta.url;';

module.exports = {
  getCacheKey(source, filename) {
    return require('crypto').createHash('sha1').update('esm-to-cjs-v2').update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    let code = source;
    if (filename.endsWith('hdf5_util.js')) {
      if (!code.includes(SCRIPT_NAME)) throw new Error(`esm-to-cjs: ${filename} changed; update test/helpers/esm-to-cjs.js`);
      code = code.split('import.meta.url').join('require("url").pathToFileURL(__filename).href');
    }
    const out = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true, allowJs: true },
      fileName: filename,
    });
    return { code: out.outputText };
  },
};
