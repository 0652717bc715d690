import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, errorsMarkdown } from '../../src/error-catalogue.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|vue)$/.test(name)) out.push(p);
  }
  return out;
}

/** Relative imports of a file (static, dynamic, type-only and re-exports alike), resolved to repo paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => relative(ROOT, resolve(join(ROOT, dirname(file)), s)));
}

describe('the house: its rules as tests (issue #9)', () => {
  it('lists every error code once, in the form HQ_ERR_*, in one catalogue, with the docs up to date', () => {
    const codes = ERROR_CATALOGUE.map((e) => e.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
    for (const e of ERROR_CATALOGUE) {
      expect(e.code).toMatch(/^HQ_ERR_[A-Z0-9_]+$/);
      expect(e.zh.length * e.en.length, e.code).toBeGreaterThan(0);
    }
    // Hub codes reach HTTP with a status (the map is complete by type); device, voice and upload codes do not.
    expect(ERROR_CATALOGUE.filter((e) => e.area === 'hub').every((e) => typeof e.httpStatus === 'number')).toBe(true);
    expect(readFileSync(join(ROOT, 'docs/errors.md'), 'utf8'), 'docs/errors.md is out of date: run npm run docs:errors').toBe(errorsMarkdown());
  });

  it("keeps the handler sealed: nothing outside src/store reaches into its state or its log", () => {
    const offenders: string[] = [];
    for (const file of [...sources('src'), ...sources('test'), ...sources('bench'), ...sources('devices'), ...sources('kiosk-ui/src'), ...sources('display-ui/src')]) {
      if (file.startsWith('src/store/') || file === 'test/unit/architecture.test.ts') continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/handler\??\.(state|uncommitted|whenCommitted|log|db)\b/g)) offenders.push(`${file}: handler.${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('has no import from devices/ up into src/, and the wire owns its types', () => {
    const upward = sources('devices').flatMap((f) => importsOf(f).filter((p) => p.startsWith('src/')).map((p) => `${f} → ${p}`));
    expect(upward).toEqual([]);
    expect(importsOf('src/realtime/protocol.ts').filter((p) => p.startsWith('src/api/'))).toEqual([]);
  });

  it('has no import loops in src/ and devices/, type-only imports included', () => {
    const files = [...sources('src'), ...sources('devices')].filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((p) => files.includes(p))]));
    const loops: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'visiting');
      stack.push(f);
      for (const next of graph.get(f) ?? []) {
        if (state.get(next) === 'visiting') loops.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(loops).toEqual([]);
  });
});
