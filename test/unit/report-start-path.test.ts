import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Modules loaded when `file` is: its static value imports (type-only ones are erased), followed through the tree. */
function loadedWith(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(ROOT, file), 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^'";]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) loadedWith(relative(ROOT, resolve(join(ROOT, dirname(file)), spec)), seen);
    else seen.add(spec);
  }
  return seen;
}

describe("the hub's start path", () => {
  it('does not load ExcelJS: only a report thread that writes a workbook does (issue #10 §10)', () => {
    const loaded = loadedWith('src/main.ts');
    expect(loaded.has('src/api/report-routes.ts')).toBe(true);
    expect([...loaded].filter((m) => m === 'exceljs' || m === 'src/reports/writers.ts')).toEqual([]);
  });
});
