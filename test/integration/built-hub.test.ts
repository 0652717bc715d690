import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT, spawnHub, type HubProcess } from '../support/hub-process.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * The hub as installs run it (`npm run build:hub`, `node dist/hub/main.mjs`): one file and a few
 * chunks, found where the checkout keeps its files. What a bundle can get wrong is what is not in the
 * main module: the config and the built UIs (found from package.json up), the report thread and the
 * backup thread (files beside the module), and the workbook writer (a chunk loaded on first use).
 */
const run = promisify(execFile);
// Inside the checkout (test-output/), as dist/hub is: the built hub finds the checkout's files from there.
const out = join(REPO_ROOT, 'test-output', `built-hub-${process.pid}`);
const dir = mkdtempSync(join(tmpdir(), 'hallq-built-hub-'));
let hub: HubProcess | null = null;
afterAll(async () => {
  await hub?.kill();
  rmSync(out, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('the built hub', () => {
  it('starts from dist, serves the kiosk, takes a ticket, writes a workbook in its report thread, makes a backup in its backup thread, and stops cleanly', { timeout: 120_000 }, async () => {
    await run(process.execPath, ['--import', 'tsx', 'src/build-hub-cli.ts', '--out', join(out, 'hub')], { cwd: REPO_ROOT });
    expect(readdirSync(join(out, 'hub'))).toEqual(expect.arrayContaining(['main.mjs', 'worker-boot.mjs', 'backup-worker.mjs', 'checkpoint-worker.mjs']));
    const configFile = join(dir, 'hall.yaml');
    writeFileSync(configFile, stringify(testConfig()));
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    hub = await spawnHub({ entry: join(out, 'hub', 'main.mjs'), dataDir: join(dir, 'data'), configFile, env: { HALLQ_BACKUP_DIR: backups } });
    const kiosk = await fetch(`${hub.url}/kiosk/`);
    expect(kiosk.status).toBe(200);
    expect(await kiosk.text()).toContain('<div id="app"');

    const ticket = await fetch(`${hub.url}/api/v1/tickets`, { method: 'POST', headers: { authorization: `Bearer ${KIOSK}`, 'content-type': 'application/json' }, body: JSON.stringify({ categoryId: 'ZX' }) });
    expect(ticket.status).toBe(201);

    const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobNo: 'm1', password: TEST_PASSWORD }) });
    const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const month = new Date().toISOString().slice(0, 7);
    const xlsx = await fetch(`${hub.url}/api/v1/reports/monthly.xlsx?month=${month}`, { headers: auth });
    expect(xlsx.status, await xlsx.clone().text()).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');

    const backup = await fetch(`${hub.url}/api/v1/backups`, { method: 'POST', headers: auth });
    expect(backup.status, await backup.clone().text()).toBe(201);
    const { file, lastSeq } = (await backup.json()) as { file: string; lastSeq: number };
    expect(existsSync(join(backups, file))).toBe(true);
    expect(lastSeq).toBeGreaterThan(0);

    expect(await hub.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    hub = null;
  });
});
