import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'fs';
import { loadKeras } from '../../src/io';
const O = { limits: { maxTensorBytes: 16 << 20, maxTotalBytes: 64 << 20, maxZipEntryBytes: 64 << 20, maxHeaderBytes: 1 << 20 } };
(async () => {
  for (const f of process.argv.slice(2)) for (let k = 0; k < 3; k++) {
    const t0 = Date.now();
    try { (await loadKeras(new Uint8Array(fs.readFileSync(f)), O)).dispose(); console.log('ok'); } catch (e) { console.log(String(e).slice(0, 150)); }
    console.log(f, Date.now() - t0, 'ms');
  }
})();
