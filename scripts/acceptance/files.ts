/** The files below `dir` (recursively) whose names match `pattern`, sorted; none when absent. */
import * as fs from 'fs';
import * as path from 'path';

export function files(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, pattern));
    else if (pattern.test(e.name)) out.push(p);
  }
  return out.sort();
}
