import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/**
 * Where the hub's own files are (`config/`, `dist/ui/`): the nearest directory above this module that
 * holds package.json. Under tsx this module is `src/app-root.ts`; in the built hub
 * (`npm run build:hub`) it is inlined into `dist/hub/`, one level deeper, so a path relative to
 * the module would point at the wrong place in one of the two.
 */
export function appRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (root = dir);
}
