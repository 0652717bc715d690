import { copyFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { appRoot } from './app-root.ts';

/**
 * npm run build:hub [-- --out DIR]: the hub as plain JavaScript in `dist/hub/` (`node dist/hub/main.mjs`), which is
 * what an install runs (deploy/systemd/hallq-hub.service, npm run package). Under tsx every start
 * sent each of the hub's ~300 modules through the loader's thread; bundled, the start does not (issue
 * #11: start → serving). The packages stay in node_modules (native ones must); what is loaded only for
 * one request (the workbook writer and its exceljs) is split into a chunk loaded on first use.
 */
const root = appRoot();
// Elsewhere (the offline bundle's stage, a test's) only below a directory that has the hub's files
// above it: the built hub finds config/ and dist/ui/ by the nearest package.json up.
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ? resolve(values.out) : join(root, 'dist', 'hub');
rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The report thread's entry keeps the name the runner asks for (`./worker-boot.mjs`).
  entryPoints: { main: 'src/main.ts', 'worker-boot': 'src/reports/report-worker.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir: out,
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
// The backup and checkpoint threads are plain JavaScript already, each looked for beside the module that starts it.
copyFileSync(join(root, 'src', 'backup', 'backup-worker.mjs'), join(out, 'backup-worker.mjs'));
copyFileSync(join(root, 'src', 'store', 'checkpoint-worker.mjs'), join(out, 'checkpoint-worker.mjs'));
console.log(`built: node ${out}/main.mjs`);
