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
/** What the kiosk build is made from: its own folder, and the hub modules it bundles (kiosk-ui/src/kiosk-state.ts imports). */
const KIOSK_SOURCES = [join(REPO_DIR, 'kiosk-ui'), join(REPO_DIR, 'src', 'realtime'), join(REPO_DIR, 'src', 'api', 'views.ts')];
const VUE_RUNTIME = join(REPO_DIR, 'node_modules', 'vue', 'dist', 'vue.runtime.esm-browser.prod.js');

export const kB = (bytes: number) => round(bytes / 1000, 1);

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.name === 'node_modules' ? [] : filesUnder(join(path, e.name))));
}

/** Null when the build is there and newer than every source file; else the reason to build. */
function staleReason(): string | null {
  const out = filesUnder(KIOSK_DIST);
  if (!out.some((f) => f.endsWith('index.html'))) return `${relative(REPO_DIR, KIOSK_DIST)} has no build`;
  const builtAt = Math.min(...out.map((f) => statSync(f).mtimeMs));
  const newer = KIOSK_SOURCES.flatMap(filesUnder).filter((f) => statSync(f).mtimeMs > builtAt);
  return newer.length > 0 ? `${newer.length} source file(s) newer than the build, e.g. ${relative(REPO_DIR, newer[0]!)}` : null;
}

function sizeOf(file: string): AssetSize {
  const bytes = readFileSync(file);
  return { file: relative(REPO_DIR, file), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const sum = (xs: AssetSize[]) => ({ files: xs, raw: xs.reduce((a, x) => a + x.raw, 0), gzip: xs.reduce((a, x) => a + x.gzip, 0) });

/** Builds the UIs if the kiosk build is missing or stale; throws when the build fails. */
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
