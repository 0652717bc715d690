import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HallConfigError, loadHallConfig } from '../../src/config/load-hall-config.ts';
import { spawnHub, spawnHubExpectingRefusal } from '../support/hub-process.ts';
import { testConfig } from '../support/test-config.ts';

/** Issue #8 §4 and §6: the ID key kept apart from the data, and start-up failures an operator can read. */
describe('start-up', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'hallq-start-'));
    chmodSync(d, 0o755);
    dirs.push(d);
    return d;
  };
  const config = (dir: string, demo: boolean) => {
    const file = join(dir, 'hall.yaml');
    writeFileSync(file, stringify(testConfig({ demo })));
    chmodSync(file, 0o644);
    return file;
  };
  const noStack = (output: string) => expect(output, output).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses to start a real hall while the ID key would sit inside the data directory', async () => {
    const dir = fresh();
    const r = await spawnHubExpectingRefusal({ dataDir: join(dir, 'data'), configFile: config(dir, false) });
    expect(r.code).toBe(1);
    expect(r.output).toContain('must not be inside the data directory');
    expect(r.output).toContain('HALLQ_ID_HMAC_KEY_FILE');
    noStack(r.output);
    // Pointing the key file into the data directory is refused the same way.
    const inside = await spawnHubExpectingRefusal({ dataDir: join(dir, 'data'), configFile: config(dir, false), env: { HALLQ_ID_HMAC_KEY_FILE: join(dir, 'data', 'keys', 'k') } });
    expect(inside.code).toBe(1);
    expect(existsSync(join(dir, 'data', 'keys', 'k'))).toBe(false);
  });

  it('starts a real hall with the key outside, made once with mode 0600', async () => {
    const dir = fresh();
    const keyFile = join(dir, 'etc', 'id-hmac.key');
    const hub = await spawnHub({ dataDir: join(dir, 'data'), configFile: config(dir, false), env: { HALLQ_ID_HMAC_KEY_FILE: keyFile } });
    try {
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'etc'))).toEqual(['id-hmac.key']); // no temporary file left beside it
    } finally {
      await hub.kill('SIGTERM');
    }
  });

  it('replaces an empty key left by an earlier failed start, instead of never starting again', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'id-hmac.key'), '');
    const hub = await spawnHub({ dataDir: join(dir, 'data'), configFile: config(dir, true) });
    await hub.kill('SIGTERM');
    expect(statSync(join(dir, 'data', 'id-hmac.key')).size).toBe(64);
  });

  it('says in one message when the data directory cannot be used', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const r = await spawnHubExpectingRefusal({ dataDir: join(dir, 'a-file', 'data'), configFile: config(dir, true) });
    expect(r.code).toBe(1);
    expect(r.output).toContain('the data directory cannot be used');
    noStack(r.output);
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(!isRoot)('says so when the hub may not write its data directory (run as another user)', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'data'));
    chmodSync(join(dir, 'data'), 0o555);
    const r = await spawnHubExpectingRefusal({ dataDir: join(dir, 'data'), configFile: config(dir, true), user: { uid: 65534, gid: 65534 } });
    expect(r.code).toBe(1);
    expect(r.output).toContain('the data directory cannot be used');
    expect(r.output).toMatch(/EACCES|SQLITE_CANTOPEN|SQLITE_READONLY/);
    noStack(r.output);
  });

  it('leaves no empty key behind when the disk is full at the first start', async (ctx) => {
    const dir = fresh();
    const mnt = join(dir, 'tiny');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      process.stderr.write('\n!!!!! cannot mount a tmpfs here (needs root): the full-disk start test is SKIPPED.\n');
      ctx.skip();
    }
    try {
      // Fill the disk.
      try {
        writeFileSync(join(mnt, 'filler'), Buffer.alloc(64 * 1024));
      } catch {
        // ENOSPC: full, as wanted
      }
      const keyFile = join(mnt, 'id-hmac.key');
      const r = await spawnHubExpectingRefusal({ dataDir: join(dir, 'data'), configFile: config(dir, false), env: { HALLQ_ID_HMAC_KEY_FILE: keyFile } });
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/ENOSPC/);
      noStack(r.output);
      expect(readdirSync(mnt).filter((f) => f !== 'filler')).toEqual([]);
      rmSync(join(mnt, 'filler'));
      const hub = await spawnHub({ dataDir: join(dir, 'data'), configFile: config(dir, false), env: { HALLQ_ID_HMAC_KEY_FILE: keyFile } });
      await hub.kill('SIGTERM');
      expect(statSync(keyFile).size).toBe(64);
    } finally {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    }
  });

  it('gives the ordinary config error for a YAML alias bomb', () => {
    const dir = fresh();
    const file = join(dir, 'bomb.yaml');
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(file, levels.join('\n'));
    expect(() => loadHallConfig(file)).toThrow(HallConfigError);
    try {
      loadHallConfig(file);
    } catch (err) {
      expect((err as HallConfigError).problems[0]!.path).toBe('(yaml)');
      expect((err as Error).message).toMatch(/alias/i);
    }
  });
});
