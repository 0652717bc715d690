import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../support/hub-process.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

/**
 * Issue #14 §4: `npm run package` makes an offline bundle; unpacked into an empty directory it starts
 * with no network at all (its own network namespace, where one can be made; else with no npm registry
 * reachable) and takes a ticket.
 */
const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'hallq-package-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function canCutNetwork(): boolean {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    process.stderr.write('\n!!!!! cannot make a network namespace here (unshare -n): the bundle runs with no registry reachable instead.\n');
    return false;
  }
}

describe('the offline bundle', () => {
  it('unpacks into an empty directory, starts with no network, and takes a ticket', { timeout: 300_000 }, async () => {
    await run(process.execPath, ['--import', 'tsx', 'src/package-cli.ts', '--out', join(root, 'out'), '--skip-ui-build'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
    const [tarball] = readdirSync(join(root, 'out')).filter((f) => f.endsWith('.tar.gz'));
    expect(tarball).toMatch(/^hallq-\d+\.\d+\.\d+-linux-x64\.tar\.gz$/);
    const site = join(root, 'site');
    mkdirSync(site);
    execFileSync('tar', ['-xzf', join(root, 'out', tarball!), '-C', site]);
    const bundle = join(site, tarball!.replace(/\.tar\.gz$/, ''));
    const entries = readdirSync(bundle);
    for (const e of ['hallq', 'restore', 'src', 'dist', 'node_modules', 'config', 'package.json']) expect(entries).toContain(e);
    expect(readdirSync(join(bundle, 'node_modules'))).toContain('tsx');
    // The hub runs built (npm run build:hub), the agent and the tools under tsx.
    expect(readdirSync(join(bundle, 'dist', 'hub'))).toEqual(expect.arrayContaining(['main.mjs', 'worker-boot.mjs', 'backup-worker.mjs', 'checkpoint-worker.mjs']));
    expect(readdirSync(join(bundle, 'node_modules'))).not.toContain('vitest');

    writeFileSync(join(site, 'hall.yaml'), stringify(testConfig()));
    // Inside the namespace: only a loopback, brought up; the hub, then a kiosk's request from a node client.
    const client = `const url = process.argv[1];
      for (let i = 0; i < 600; i++) { try { if ((await fetch(url + '/healthz')).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
      const r = await fetch(url + '/api/v1/tickets', { method: 'POST', headers: { authorization: 'Bearer ${KIOSK}', 'content-type': 'application/json' }, body: JSON.stringify({ categoryId: 'ZX' }) });
      console.log('TICKET ' + r.status + ' ' + JSON.stringify(await r.json()));
      try { await fetch('https://registry.npmjs.org/tsx'); console.log('NETWORK reachable'); } catch { console.log('NETWORK unreachable'); }`;
    writeFileSync(join(site, 'client.mjs'), client.replace('const url = process.argv[1];', 'const url = process.argv[2];'));
    const script = `set -e
      ${canCutNetwork() ? 'ip link set lo up' : ''}
      ./hallq --port 3917 --host 127.0.0.1 --data "${join(site, 'data')}" --config "${join(site, 'hall.yaml')}" > "${join(site, 'hub.log')}" 2>&1 &
      HUB=$!
      "${process.execPath}" "${join(site, 'client.mjs')}" http://127.0.0.1:3917
      kill $HUB; wait $HUB || true`;
    const env = { PATH: `${join(process.execPath, '..')}:/usr/bin:/bin:/usr/sbin:/sbin`, HOME: site, npm_config_registry: 'http://127.0.0.1:9/', npm_config_offline: 'true' };
    const argv = canCutNetwork() ? ['unshare', '-n', 'sh', '-c', script] : ['sh', '-c', script];
    const { stdout } = await run(argv[0]!, argv.slice(1), { cwd: bundle, env, timeout: 120_000 });
    const line = stdout.split('\n').find((l) => l.startsWith('TICKET '));
    expect(line, stdout).toBeDefined();
    const [, status, body] = /^TICKET (\d+) (.*)$/.exec(line!)!;
    expect(status).toBe('201');
    expect(JSON.parse(body!).ticket.number).toBe('A001');
    if (canCutNetwork()) expect(stdout).toContain('NETWORK unreachable');
  });
});
