import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, found by walking up from this file (works from dist/ too). */
export function findProjectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (
      existsSync(path.join(dir, 'package.json')) &&
      existsSync(path.join(dir, 'tools', 'ferretdb', 'go.mod'))
    )
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${start}`);
    dir = parent;
  }
}
