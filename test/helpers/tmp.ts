/** Temporary directories for suites that write files; removed after the suite. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Returns a function that makes a fresh temporary directory; all are removed after the suite. */
export function tmpDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
