import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_DIR } from './children.ts';
import { round } from './stats.ts';

/**
 * Figure 4: what the kiosk sends over the wire. Every .js file of the kiosk build (dist/ui/kiosk/assets),
 * gzipped one by one (level 9, as a static server would precompress) and summed; against Vue's own
 * runtime build (node_modules/vue/dist/vue.runtime.esm-browser.prod.js) gzipped the same way, so the
 * ratio is app + libraries (vue-i18n, socket.io-client, qrcode…) over the framework alone.
 * kB here are 1000 bytes (as Vite prints them), which is the stricter reading of "250 KB".
 */

export interface AssetSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface BundleFigures {
  /** Whether the bench ran `npm run build:ui` first, and why. */
  built: string | null;
  js: { files: AssetSize[]; raw: number; gzip: number };
  css: { files: AssetSize[]; raw: number; gzip: number };
  /** Vue runtime (prod, ESM browser build): the baseline. */
  vue: { file: string; raw: number; gzip: number };
  /** The script index.html loads is among the measured files (a concurrent rebuild would break this). */
  entryFound: boolean;
}

const KIOSK_DIST = join(REPO_DIR, 'dist', 'ui', 'kiosk');
/** The hub modules the UIs bundle (imports of kiosk-ui/src and display-ui/src into src/). */
const SHARED_SOURCES = [
  join(REPO_DIR, 'src', 'realtime'),
  join(REPO_DIR, 'src', 'read-model'),
  join(REPO_DIR, 'src', 'api', 'browser-client.ts'),
  join(REPO_DIR, 'src', 'announcer', 'vocabulary.ts'),
];
/** Each build `npm run build:ui` makes, and what it is made from: its own folder and the shared hub modules. */
const UI_BUILDS = [
  { dist: KIOSK_DIST, sources: [join(REPO_DIR, 'kiosk-ui'), ...SHARED_SOURCES] },
  { dist: join(REPO_DIR, 'dist', 'ui', 'display'), sources: [join(REPO_DIR, 'display-ui'), ...SHARED_SOURCES] },
];
const VUE_RUNTIME = join(REPO_DIR, 'node_modules', 'vue', 'dist', 'vue.runtime.esm-browser.prod.js');

export const kB = (bytes: number) => round(bytes / 1000, 1);

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.name === 'node_modules' ? [] : filesUnder(join(path, e.name))));
}

/** Null when every build is there and newer than each of its source files; else the reason to build. */
function staleReason(): string | null {
  for (const { dist, sources } of UI_BUILDS) {
    const out = filesUnder(dist);
    if (!out.some((f) => f.endsWith('index.html'))) return `${relative(REPO_DIR, dist)} has no build`;
    const builtAt = Math.min(...out.map((f) => statSync(f).mtimeMs));
    const newer = sources.flatMap(filesUnder).filter((f) => statSync(f).mtimeMs > builtAt);
    if (newer.length > 0) return `${newer.length} source file(s) newer than ${relative(REPO_DIR, dist)}, e.g. ${relative(REPO_DIR, newer[0]!)}`;
  }
  return null;
}

function sizeOf(file: string): AssetSize {
  const bytes = readFileSync(file);
  return { file: relative(REPO_DIR, file), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const sum = (xs: AssetSize[]) => ({ files: xs, raw: xs.reduce((a, x) => a + x.raw, 0), gzip: xs.reduce((a, x) => a + x.gzip, 0) });

/** Builds the UIs if the kiosk or the display build is missing or stale; throws when the build fails. */
export function ensureUiBuilt(log: (s: string) => void): string | null {
  const why = staleReason();
  if (!why) return null;
  log(`  ${why}: running npm run build:ui…`);
  const r = spawnSync('npm', ['run', '--silent', 'build:ui'], { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit'], timeout: 180_000 });
  if (r.status !== 0) throw new Error(`npm run build:ui failed (status ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ''})`);
  return why;
}

export function kioskBundle(built: string | null): BundleFigures {
  const assets = filesUnder(join(KIOSK_DIST, 'assets'));
  const js = sum(assets.filter((f) => f.endsWith('.js')).map(sizeOf));
  const css = sum(assets.filter((f) => f.endsWith('.css')).map(sizeOf));
  const html = readFileSync(join(KIOSK_DIST, 'index.html'), 'utf8');
  const entry = /<script[^>]+src="\/kiosk\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  const entryFound = !!entry && js.files.some((f) => f.file.endsWith(entry));
  return { built, js, css, vue: { ...sizeOf(VUE_RUNTIME) }, entryFound };
}
