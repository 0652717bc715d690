import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * devices/ is the lower layer: src/ (the hub) may import it, never the reverse, tests included.
 * And no two files of devices/ import each other, even for types only.
 */
const DEVICES = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(DEVICES, '..', 'src');
const SPECIFIERS = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of `file`, resolved to absolute paths. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  return [...text.matchAll(SPECIFIERS)].flatMap((m) => {
    const spec = m[1] ?? m[2]!;
    return spec.startsWith('.') ? [resolve(dirname(file), spec)] : [];
  });
}

const files = tsFiles(DEVICES);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (p: string) => relative(resolve(DEVICES, '..'), p);

describe('devices/ imports', () => {
  it('finds imports the way this test reads them', () => {
    const here = join(DEVICES, 'x', 'y.ts');
    const text = "import { a } from '../../src/a.ts';\nimport type { B } from './b.ts';\nexport { c } from '../c.ts';\nconst d = await import('../../src/d.ts');\nimport './side.ts';";
    expect(importsOf(here, text).map(rel)).toEqual(['src/a.ts', 'devices/x/b.ts', 'devices/c.ts', 'src/d.ts', 'devices/x/side.ts']);
  });

  it('nothing under devices/ imports from src/', () => {
    const upward = [...graph].flatMap(([file, deps]) => deps.filter((d) => d === SRC || d.startsWith(SRC + sep)).map((d) => `${rel(file)} → ${rel(d)}`));
    expect(upward).toEqual([]);
  });

  it('there is no import loop inside devices/ (type-only imports count)', () => {
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const dep of graph.get(file) ?? []) {
        if (!graph.has(dep)) continue;
        if (state.get(dep) === 'open') loops.push([...stack.slice(stack.indexOf(dep)), dep].map(rel).join(' → '));
        else if (!state.has(dep)) visit(dep);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(loops).toEqual([]);
  });
});
