import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * npm run package [-- --out DIR] [--skip-ui-build]: an offline bundle of the hub for a hall's
 * server, `hallq-<version>-linux-x64.tar.gz`: the code, the built UIs, the production node_modules
 * (with tsx, which runs the agent and the tools; the hub itself runs built, `dist/hub`) copied
 * from this machine's, and a start script. Nothing is fetched: the bundle is what this checkout
 * runs, for the platform it was built on.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' }, 'skip-ui-build': { type: 'boolean', default: false } } });

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`打包需在 linux-x64 上进行 / the bundle carries this machine's native modules: build it on linux-x64 (this is ${process.platform}-${process.arch}).`);
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
const name = `hallq-${pkg.version}-linux-x64`;
const outDir = resolve(values.out ?? join(ROOT, 'build'));
const stage = join(outDir, name);
const modules = realpathSync(join(ROOT, 'node_modules'));

if (!values['skip-ui-build']) execFileSync('npm', ['run', 'build:ui'], { cwd: ROOT, stdio: 'inherit' });
for (const ui of ['dist/ui/kiosk', 'dist/ui/display']) if (!existsSync(join(ROOT, ui))) throw new Error(`${ui} is missing: run npm run build:ui`);


rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const entry of ['src', 'devices', 'config', 'docs', 'deploy', 'dist/ui', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md']) {
  cpSync(join(ROOT, entry), join(stage, entry), { recursive: true, filter: (p) => !/\.test\.ts$/.test(p) });
}

// The hub itself runs as plain JavaScript, built from this checkout's code (a second or two).
execFileSync(process.execPath, ['--import', 'tsx', 'src/build-hub-cli.ts', '--out', join(stage, 'dist', 'hub')], { cwd: ROOT, stdio: 'inherit' });

/**
 * The packages the hub loads at run time: the dependencies (optional ones where installed) and tsx,
 * with theirs, found the way Node finds them (the package's own node_modules, then upwards).
 */
function closure(roots: string[]): string[] {
  const found = new Set<string>();
  const locate = (dep: string, from: string): string | null => {
    for (let dir = from; dir.startsWith(modules); dir = dirname(dir)) {
      const candidate = join(dir, dir === modules ? '' : 'node_modules', dep);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dir === modules) break;
    }
    return null;
  };
  const visit = (dir: string) => {
    if (found.has(dir)) return;
    found.add(dir);
    const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) {
      const at = locate(dep, dir);
      if (at) visit(at);
      else if (!p.optionalDependencies?.[dep]) throw new Error(`${dep} (needed by ${relative(modules, dir)}) is not installed: run npm ci`);
    }
  };
  for (const r of roots) {
    const at = locate(r, modules);
    if (at) visit(at);
  }
  return [...found].sort();
}

const needed = closure([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {}), 'tsx']);
let copied = 0;
for (const dir of needed) {
  const rel = relative(modules, dir);
  // A package inside another that is copied whole came with it.
  if (needed.some((other) => other !== dir && dir.startsWith(`${other}/`))) continue;
  cpSync(dir, join(stage, 'node_modules', rel), { recursive: true, verbatimSymlinks: true });
  copied++;
}

writeFileSync(
  join(stage, 'hallq'),
  `#!/bin/sh
# Starts the hub from this bundle (relative paths are relative to the bundle): ./hallq [--port N] [--data DIR] [--config FILE]
cd "$(dirname "$0")" || exit 1
exec node dist/hub/main.mjs "$@"
`,
);
writeFileSync(
  join(stage, 'restore'),
  `#!/bin/sh
# Restores a backup: ./restore FILE --data DIR (see README, "Backups and restore")
cd "$(dirname "$0")" || exit 1
exec node --import tsx src/restore-cli.ts "$@"
`,
);
chmodSync(join(stage, 'hallq'), 0o755);
chmodSync(join(stage, 'restore'), 0o755);

const tarball = join(outDir, `${name}.tar.gz`);
// gzip -1: the modules are most of it, and a fast pack beats a few megabytes less.
execFileSync('sh', ['-c', `tar -C "${outDir}" -cf - "${name}" | gzip -1 > "${tarball}"`], { stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
console.log(`${tarball}\n  ${copied} packages; unpack anywhere with Node ${process.versions.node.split('.')[0]}+ on linux-x64 and run ./hallq (docs/install.md)`);
