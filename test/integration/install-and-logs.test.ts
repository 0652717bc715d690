import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT, spawnHub } from '../support/hub-process.ts';
import { hasTool } from '../support/require-tool.ts';
import { testConfig } from '../support/test-config.ts';

/**
 * Issue #14 §4: the systemd units in deploy/ pass `systemd-analyze verify`, and the hub logs JSON
 * lines to a pipe (the journal) and readable lines to a terminal, with one line for all the missing
 * voice clips.
 */
const run = promisify(execFile);
const dirs: string[] = [];
const fresh = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Whether a tool is here; missing, the test says so loudly and is skipped (CI does not install these). */
function present(bin: string): boolean {
  if (existsSync(bin)) return true;
  process.stderr.write(`\n!!!!! ${bin} is not installed: its checks are SKIPPED here.\n`);
  return false;
}

async function verify(file: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run('systemd-analyze', ['verify', '--man=no', file]);
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe.skipIf(!hasTool('systemd-analyze', ['--version']))('the systemd units', () => {
  it('verify cleanly, restart on failure and start at boot; a broken copy does not verify', { timeout: 60_000 }, async () => {
    const hub = join(REPO_ROOT, 'deploy/systemd/hallq-hub.service');
    const text = readFileSync(hub, 'utf8');
    expect(text).toMatch(/^Restart=always$/m);
    expect(text).toMatch(/^WantedBy=multi-user\.target$/m);
    expect(text).toMatch(/^StartLimitIntervalSec=0$/m);
    const ok = await verify(hub);
    expect(ok, ok.out).toEqual({ code: 0, out: '' });
    const agentUnit = join(REPO_ROOT, 'deploy/systemd/hallq-agent.service');
    expect(readFileSync(agentUnit, 'utf8')).toMatch(/^Restart=always$/m);
    const agentOk = await verify(agentUnit);
    expect(agentOk, agentOk.out).toEqual({ code: 0, out: '' });

    const dir = fresh('hallq-units-');
    const broken = join(dir, 'hallq-hub.service');
    writeFileSync(broken, text.replace('ExecStart=/usr/bin/node', 'ExecStart=/usr/bin/no-such-node'));
    const bad = await verify(broken);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('no-such-node');

    // The screen unit is a template; cage (the kiosk compositor) is only on screen PCs.
    const screen = join(dir, 'hallq-screen@wall.service');
    copyFileSync(join(REPO_ROOT, 'deploy/systemd/hallq-screen@.service'), screen);
    expect(readFileSync(screen, 'utf8')).toContain('--autoplay-policy=no-user-gesture-required');
    if (present('/usr/bin/cage')) {
      const s = await verify(screen);
      expect(s, s.out).toEqual({ code: 0, out: '' });
    }
  });
});

describe('the hub’s log', () => {
  const configFile = () => {
    const dir = fresh('hallq-logs-');
    const file = join(dir, 'hall.yaml');
    writeFileSync(file, stringify(testConfig()));
    return { dir, file };
  };

  it('is JSON lines to a pipe, with the missing voice clips in one line', { timeout: 90_000 }, async () => {
    const { dir, file } = configFile();
    // No speech engine on the PATH: every clip is missing.
    const hub = await spawnHub({ dataDir: join(dir, 'data'), configFile: file, env: { PATH: '/nonexistent' } });
    await hub.kill('SIGTERM');
    const records = hub
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; missing?: number; reasons?: Record<string, number> });
    expect(records.some((r) => r.msg.startsWith('Server listening at'))).toBe(true);
    const voice = records.filter((r) => /voice|clip/i.test(JSON.stringify(r)));
    expect(voice).toHaveLength(1);
    expect(voice[0]!.missing).toBeGreaterThan(20);
    expect(Object.values(voice[0]!.reasons!).reduce((a, b) => a + b, 0)).toBe(voice[0]!.missing);
    expect(hub.output().split('\n').filter((l) => /voice|clip/i.test(l))).toHaveLength(1);
  });

  it.skipIf(!present('/usr/bin/script'))('is readable lines at a terminal', { timeout: 90_000 }, async () => {
    const { dir, file } = configFile();
    const cmd = [process.execPath, '--import', 'tsx', 'src/main.ts', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data'), '--config', file].map((a) => `'${a}'`).join(' ');
    // `script` gives the hub a pseudo-terminal as its stdout, as a person's shell would.
    const child = spawn('/usr/bin/script', ['-qfec', cmd, '/dev/null'], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const deadline = Date.now() + 60_000;
    while (!/INFO\s+Server listening at http:\/\/127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(out).toMatch(/\d\d:\d\d:\d\d INFO\s+Server listening at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).not.toMatch(/^\{"level"/m);
  });
});

describe('the hub unit’s settings', () => {
  it('start a real (not demo) hall that uploads to 好差评: every key it needs is named outside the data directory', { timeout: 60_000 }, async () => {
    // The unit's own Environment= lines, its paths moved under a scratch root.
    const root = fresh('hallq-unit-env-');
    const unit = readFileSync(join(REPO_ROOT, 'deploy/systemd/hallq-hub.service'), 'utf8');
    const env: Record<string, string> = {};
    for (const m of unit.matchAll(/^Environment=(HALLQ_[A-Z_]+)=(.+)$/gm)) env[m[1]!] = join(root, m[2]!);
    expect(env.HALLQ_DATA).toBeDefined();
    const configFile = join(root, 'hall.yaml');
    writeFileSync(configFile, stringify(testConfig({ demo: false, upstream: 'http://127.0.0.1:9/ratings' })));
    const hub = await spawnHub({ dataDir: env.HALLQ_DATA!, configFile, env });
    try {
      expect(existsSync(join(root, '/etc/hallq/keys/id-hmac.key'))).toBe(true);
      expect(existsSync(join(root, '/etc/hallq/keys/applicant.key'))).toBe(true);
    } finally {
      await hub.kill('SIGTERM');
    }
  });
});
