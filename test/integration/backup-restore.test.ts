import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BackupService } from '../../src/backup/backup-service.ts';
import { checkBackup, restoreBackup } from '../../src/backup/restore.ts';
import { hubIdOf } from '../../src/store/hub-identity.ts';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { systemClock } from '../../src/clock.ts';
import { simulate } from '../../src/simulator/index.ts';
import { openDb } from '../../src/store/open-db.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { buildHub } from '../../src/app.ts';
import { REPO_ROOT, spawnHub, spawnHubExpectingRefusal, type HubProcess } from '../support/hub-process.ts';
import { call } from '../support/http.ts';
import { TEST_HMAC_KEY } from '../support/hub.ts';
import { KIOSK, MONITOR, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * Backups and restore (issue #14 §3) with real processes and files: a hub backs up under load, the
 * backup is restored into a new data directory with `npm run restore`, a hub starts on it and every
 * ticket acknowledged before the backup's reply is there, under a new hub identity. A damaged backup,
 * a log with a gap and a running hub are refused with nothing changed.
 */

const run = promisify(execFile);
const dirs: string[] = [];
const procs: HubProcess[] = [];
const fresh = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function restoreCli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/restore-cli.ts', ...args], { cwd: REPO_ROOT });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('backups and restore', () => {
  it('backs up under load, restores into a new data dir, and the hub there has every acknowledged ticket under a new identity', { timeout: 180_000 }, async () => {
    const root = fresh('hallq-backup-');
    const backupDir = join(root, 'backups');
    const keyFile = join(root, 'keys', 'id-hmac.key');
    const configFile = join(root, 'hall.yaml');
    writeFileSync(configFile, stringify({ ...testConfig(), backups: { dir: 'backups', keepDaily: 14, keepMonthly: 12 } }));
    const env = { HALLQ_ID_HMAC_KEY_FILE: keyFile };
    const first = await spawnHub({ dataDir: join(root, 'data-a'), configFile, env });
    procs.push(first);
    const manager = (await call(first.url, 'POST', '/auth/login', undefined, { jobNo: 'm1', password: TEST_PASSWORD })).body.token as string;
    const hubA = (await call(first.url, 'GET', '/health', MONITOR)).body.hubId as string;

    // Kiosks take tickets all along; the manager asks for a backup in the middle of it.
    const acked: { id: string; number: string; at: number }[] = [];
    let stop = false;
    const kiosk = async (k: number) => {
      for (let i = 0; !stop; i++) {
        const r = await call(first.url, 'POST', '/tickets', KIOSK, { categoryId: (k + i) % 2 ? 'ZX' : 'SB' });
        expect(r.status).toBe(201);
        acked.push({ id: r.body.ticket.id, number: r.body.ticket.number, at: performance.now() });
      }
    };
    const kiosks = Array.from({ length: 6 }, (_, k) => kiosk(k));
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 10));
    const askedAt = performance.now();
    const asked = await call(first.url, 'POST', '/backups', manager);
    const answeredAt = performance.now();
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    while (acked.at(-1)!.at - answeredAt < 300) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(kiosks);
    const beforeBackup = acked.filter((a) => a.at < askedAt);
    expect(beforeBackup.length).toBeGreaterThanOrEqual(300);
    // The hall went on while the backup ran.
    expect(acked.filter((a) => a.at > askedAt && a.at < answeredAt).length).toBeGreaterThan(0);

    // The file: named for the hall's date, the hub's user alone reads it, no key in it or beside it.
    const file = join(backupDir, asked.body.file as string);
    expect(asked.body.file).toMatch(/^hallq-\d{4}-\d{2}-\d{2}T\d{6}\.db$/);
    expect(readdirSync(backupDir)).toEqual([asked.body.file]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(bytes.includes(Buffer.from(key, 'hex'))).toBe(false);
    expect((await call(first.url, 'GET', '/backups', manager)).body.backups).toEqual([expect.objectContaining({ file: asked.body.file, kind: 'regular' })]);
    expect((await call(first.url, 'GET', '/backups', KIOSK)).status).toBe(403);
    await first.kill('SIGTERM');
    // The copy is the log up to its lastSeq, row for row, and goes past every ticket acknowledged before it was asked for.
    const lastSeq = asked.body.lastSeq as number;
    const rowsUpTo = (f: string, seq: number) => {
      const d = new Database(f, { readonly: true });
      try {
        return d.prepare('SELECT seq, at, type, actor, data FROM events WHERE seq <= ? ORDER BY seq').all(seq) as { seq: number; data: string }[];
      } finally {
        d.close();
      }
    };
    const original = rowsUpTo(join(root, 'data-a', 'hallq.db'), lastSeq);
    expect(original).toHaveLength(lastSeq);
    expect(rowsUpTo(file, Number.MAX_SAFE_INTEGER)).toEqual(original);
    const inOriginal = (id: string) => original.some((r) => r.data.includes(id));
    expect(beforeBackup.filter((a) => !inOriginal(a.id))).toEqual([]);

    // Restore into a new data directory, then a hub on it.
    const dataB = join(root, 'data-b');
    const restored = await restoreCli([file, '--data', dataB]);
    expect(restored.code, restored.out).toBe(0);
    expect(restored.out).toContain('已恢复 / restored');
    const second = await spawnHub({ dataDir: dataB, configFile, env });
    procs.push(second);
    const health = (await call(second.url, 'GET', '/health', MONITOR)).body;
    expect(health.hubId).not.toBe(hubA);
    const missing: string[] = [];
    const inBackup = acked.filter((a) => inOriginal(a.id));
    expect(inBackup.length).toBeGreaterThan(beforeBackup.length);
    for (const a of inBackup) {
      const r = await call(second.url, 'GET', `/tickets/${encodeURIComponent(a.id)}`);
      if (r.status !== 200 || r.body.ticket.number !== a.number) missing.push(`${a.number} ${a.id}: ${r.status}`);
    }
    expect(missing).toEqual([]);

    // Restoring over a data directory a hub is using is refused, and changes nothing.
    const busy = await restoreCli([file, '--data', dataB]);
    expect(busy.code).toBe(1);
    expect(busy.out).toContain('运行中的 hub');
    expect(busy.out).toContain('nothing was changed');
    expect((await call(second.url, 'GET', '/health', MONITOR)).body.hubId).toBe(health.hubId);
    await second.kill('SIGTERM');

    // A damaged copy and a log with a gap are refused; the data dir they were meant for stays empty.
    const damaged = join(root, 'damaged.db');
    copyFileSync(file, damaged);
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, Math.floor(statSync(damaged).size / 2 / 4096) * 4096);
    closeSync(fd);
    const bad = await restoreCli([damaged, '--data', join(root, 'data-c')]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/已损坏|无法打开/);
    expect(existsSync(join(root, 'data-c', 'hallq.db'))).toBe(false);

    const gapped = join(root, 'gapped.db');
    copyFileSync(file, gapped);
    const g = new Database(gapped);
    g.prepare('DELETE FROM events WHERE seq = 42').run();
    g.close();
    const gap = await restoreCli([gapped, '--data', join(root, 'data-c')]);
    expect(gap.code).toBe(1);
    expect(gap.out).toContain('事件日志不连续');
    expect(gap.out).toContain('event 42 is missing');
    expect(existsSync(join(root, 'data-c', 'hallq.db'))).toBe(false);
  });

  it('takes a backup in a thread of its own: the hall commits meanwhile, the copy is one instant of the log, and the event loop is never held 50 ms', { timeout: 180_000 }, async () => {
    const root = fresh('hallq-backup-steps-');
    const dbFile = join(root, 'data', 'hallq.db');
    mkdirSync(join(root, 'data'));
    // A county hall's week: a database of several megabytes.
    const county = loadHallConfig(join(REPO_ROOT, 'config/county.yaml'));
    simulate({ dbFile, config: county, profile: 'county', hmacKey: TEST_HMAC_KEY, seed: 'backup', startDate: '2026-11-02', days: 4 });
    const db = openDb(dbFile);
    const service = new BackupService(dbFile, { dir: join(root, 'backups'), at: '02:30', keepDaily: 14, keepMonthly: 12, keepPreMigration: 3 }, systemClock, 'Asia/Shanghai', { info() {}, error() {} });
    const pages = db.pragma('page_count', { simple: true }) as number;
    expect(pages).toBeGreaterThan(1000);

    // The test's own commits skip the fsync (WAL, synchronous=NORMAL): the figure is the backup's hold on
    // the event loop, not the disk's answer to a commit every 2 ms on a machine shared with other suites.
    db.pragma('synchronous = NORMAL');
    const write = db.prepare(`INSERT INTO hall_meta (key, value) VALUES ('backup-test', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    let written = 0;
    const writer = setInterval(() => write.run(JSON.stringify(++written)), 2);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const writtenAtStart = written;
    const done = await service.backupNow();
    const lastBeforeEnd = written;
    delay.disable();
    clearInterval(writer);
    db.close();

    expect(written).toBeGreaterThan(0);
    const maxMs = delay.max / 1e6;
    process.stderr.write(`backup of ${pages} pages in ${done.ms} ms; event loop held at most ${maxMs.toFixed(1)} ms\n`);
    expect(maxMs, `event loop held ${maxMs.toFixed(1)} ms`).toBeLessThan(50);
    const check = checkBackup(done.file);
    expect(check.events).toBeGreaterThan(10_000);
    const copy = new Database(done.file, { readonly: true });
    const seen = JSON.parse((copy.prepare(`SELECT value FROM hall_meta WHERE key = 'backup-test'`).get() as { value: string }).value) as number;
    copy.close();
    // The hall's thread went on committing while the copy was made, and the copy is one instant of it.
    expect(lastBeforeEnd).toBeGreaterThan(writtenAtStart);
    expect(seen).toBeGreaterThanOrEqual(writtenAtStart);
    expect(seen).toBeLessThanOrEqual(lastBeforeEnd);
  });
});

describe('where backups may go', () => {
  it('refuses to start with backups inside the data directory or beside the key, and says why', { timeout: 60_000 }, async () => {
    const root = fresh('hallq-backup-dir-');
    const configFile = join(root, 'hall.yaml');
    writeFileSync(configFile, stringify(testConfig()));
    const keyFile = join(root, 'keys', 'id-hmac.key');
    for (const dir of [join(root, 'data', 'backups'), join(root, 'keys')]) {
      const r = await spawnHubExpectingRefusal({ dataDir: join(root, 'data'), configFile, env: { HALLQ_ID_HMAC_KEY_FILE: keyFile, HALLQ_BACKUP_DIR: dir } });
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain('备份目录无法使用');
      expect(r.output).toContain('hub 未启动 / the hub did not start');
    }
  });
});

describe('the backup before a migration', () => {
  it('keeps the database as it was before the hub moves its schema on, and none when there is nothing to move', { timeout: 60_000 }, async () => {
    const root = fresh('hallq-premigration-');
    const dbFile = join(root, 'data', 'hallq.db');
    mkdirSync(join(root, 'data'));
    // A database left by an older hallq: the first migrations only.
    const OLD = 4;
    const old = new Database(dbFile);
    for (const m of MIGRATIONS.slice(0, OLD)) {
      if (typeof m === 'string') old.exec(m);
      else {
        old.exec(m.sql);
        m.run(old);
      }
    }
    old.pragma(`user_version = ${OLD}`);
    old.close();
    const settings = { dir: join(root, 'backups'), at: '02:30', keepDaily: 14, keepMonthly: 12, keepPreMigration: 3 };
    const build = () => buildHub({ config: testConfig(), dbFile, hmacKey: TEST_HMAC_KEY, dayCloser: false, announcer: false, backups: settings });
    const hub = await build();
    await hub.close();
    const files = readdirSync(settings.dir);
    expect(files).toEqual([expect.stringMatching(new RegExp(`^hallq-\\d{4}-\\d{2}-\\d{2}T\\d{6}-pre-migration-v${OLD}\\.db$`))]);
    const kept = new Database(join(settings.dir, files[0]!), { readonly: true });
    expect(kept.pragma('user_version', { simple: true })).toBe(OLD);
    kept.close();
    // Started again at the current schema: no new backup.
    await (await build()).close();
    expect(readdirSync(settings.dir)).toEqual(files);
  });
});

describe('the nightly backup', () => {
  it('is due once the hall’s clock passes the set time, until that day has a backup; rotation runs after each', { timeout: 60_000 }, async () => {
    const root = fresh('hallq-nightly-');
    const dbFile = join(root, 'data', 'hallq.db');
    openDb(dbFile).close();
    const dir = join(root, 'backups');
    mkdirSync(dir);
    // Yesterday's and older backups from before, as rotation finds them.
    for (const d of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']) writeFileSync(join(dir, `hallq-${d}T023000.db`), 'old');
    let now = Date.UTC(2026, 11, 6, 18, 29); // 02:29 on the 7th in Shanghai
    const service = new BackupService(dbFile, { dir, at: '02:30', keepDaily: 3, keepMonthly: 0, keepPreMigration: 3 }, { now: () => now }, 'Asia/Shanghai', { info() {}, error() {} });
    expect(service.isDue()).toBe(false);
    now += 2 * 60_000;
    expect(service.isDue()).toBe(true);
    const done = await service.backupNow();
    expect(done.file.endsWith('hallq-2026-12-07T023100.db')).toBe(true);
    expect(done.rotated.sort()).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'].map((d) => `hallq-${d}T023000.db`));
    expect(service.isDue()).toBe(false);
    expect(service.list().map((b) => b.date)).toEqual(['2026-12-07', '2026-12-06', '2026-12-05']);
    now += 24 * 3600_000;
    expect(service.isDue()).toBe(true);
  });
});

describe('restoring over the data directory of a stopped hub', () => {
  it('sets aside what a graceful stop or a crash left there, its WAL’s commits with it, and the hub starts again on the backup', { timeout: 60_000 }, async () => {
    const root = fresh('hallq-restore-over-');
    const settings = { dir: join(root, 'backups'), at: '02:30', keepDaily: 14, keepMonthly: 12, keepPreMigration: 3 };
    const build = (dir: string) => buildHub({ config: testConfig(), dbFile: join(dir, 'hallq.db'), hmacKey: TEST_HMAC_KEY, dayCloser: false, announcer: false, backups: settings });
    const issue = async (hub: Awaited<ReturnType<typeof build>>) => {
      const r = await hub.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${KIOSK}` }, payload: { categoryId: 'ZX' } });
      expect(r.statusCode, r.body).toBe(201);
    };
    const eventCount = (f: string) => {
      const d = new Database(f, { readonly: true });
      try {
        return (d.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
      } finally {
        d.close();
      }
    };
    const ticketsOf = (hub: Awaited<ReturnType<typeof build>>) => hub.handler.read((s) => s.tickets.size);

    // A hub takes two tickets, is backed up, takes a third, and stops gracefully (its WAL checkpointed away).
    const dataA = join(root, 'data-a');
    const first = await build(dataA);
    await issue(first);
    await issue(first);
    const backup = await first.backups!.backupNow();
    await issue(first);
    const hubA = hubIdOf(first.db);
    await first.close();
    const eventsA = eventCount(join(dataA, 'hallq.db'));
    expect(eventsA).toBeGreaterThan(backup.lastSeq);

    const over = restoreBackup(backup.file, dataA);
    expect(over.setAside).not.toBeNull();
    expect(eventCount(over.setAside!)).toBe(eventsA);
    const second = await build(dataA);
    expect(await ticketsOf(second)).toBe(2);
    expect(hubIdOf(second.db)).not.toBe(hubA);

    // A crash image: the files as a killed hub leaves them, its last ticket only in the WAL.
    await issue(second);
    const dataB = join(root, 'data-b');
    mkdirSync(dataB);
    second.db.pragma('wal_checkpoint(TRUNCATE)');
    await issue(second);
    for (const ext of ['', '-wal']) copyFileSync(join(dataA, `hallq.db${ext}`), join(dataB, `hallq.db${ext}`));
    const inCrash = await second.handler.read(() => second.handler.seq);
    await second.close();
    const crashed = restoreBackup(backup.file, dataB);
    expect(eventCount(crashed.setAside!)).toBe(inCrash);
    const third = await build(dataB);
    expect(await ticketsOf(third)).toBe(2);
    await third.close();
  });
});

describe('backups that cannot be made or used', () => {
  it('answers 503 when the backup cannot be written and says so on the health page; 404 with no backups; a restore refuses a file that is not a hallq database or is too new', { timeout: 60_000 }, async () => {
    const root = fresh('hallq-backup-bad-');
    const dir = join(root, 'backups');
    const settings = { dir, at: '02:30', keepDaily: 14, keepMonthly: 12, keepPreMigration: 3 };
    const hub = await buildHub({ config: testConfig(), dbFile: join(root, 'data', 'hallq.db'), hmacKey: TEST_HMAC_KEY, dayCloser: false, announcer: false, backups: settings });
    try {
      const login = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { jobNo: 'm1', password: TEST_PASSWORD } });
      const auth = { authorization: `Bearer ${JSON.parse(login.body).token as string}` };
      // The backup directory is gone, and a file stands in its place (a disk unmounted, a slip of the hand).
      rmSync(dir, { recursive: true });
      writeFileSync(dir, 'not a directory');
      const asked = await hub.app.inject({ method: 'POST', url: '/api/v1/backups', headers: auth });
      expect(asked.statusCode).toBe(503);
      expect(JSON.parse(asked.body).error.code).toBe('HQ_ERR_BACKUP_FAILED');
      const health = JSON.parse((await hub.app.inject({ method: 'GET', url: '/api/v1/health', headers: { authorization: `Bearer ${MONITOR}` } })).body);
      expect(health.backup).toMatchObject({ dir, last: { ok: false, file: null } });
      expect(health.backup.last.error).toBeTruthy();
      // The hall goes on meanwhile.
      expect((await hub.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${KIOSK}` }, payload: { categoryId: 'ZX' } })).statusCode).toBe(201);
    } finally {
      await hub.close();
    }

    const none = await buildHub({ config: testConfig(), dbFile: join(root, 'data-none', 'hallq.db'), hmacKey: TEST_HMAC_KEY, dayCloser: false, announcer: false });
    try {
      const login = await none.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { jobNo: 'm1', password: TEST_PASSWORD } });
      const off = await none.app.inject({ method: 'POST', url: '/api/v1/backups', headers: { authorization: `Bearer ${JSON.parse(login.body).token as string}` } });
      expect(off.statusCode).toBe(404);
      expect(JSON.parse(off.body).error.code).toBe('HQ_ERR_BACKUPS_OFF');
    } finally {
      await none.close();
    }

    // Not a database at all, and a database from a newer hallq: refused by the check, nothing restored.
    const text = join(root, 'notes.db');
    writeFileSync(text, 'these are not the backups you are looking for\n'.repeat(200));
    expect(() => checkBackup(text)).toThrow(expect.objectContaining({ code: 'HQ_ERR_BACKUP_UNREADABLE' }));
    const newer = join(root, 'newer.db');
    const n = openDb(newer);
    n.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    n.close();
    expect(() => checkBackup(newer)).toThrow(expect.objectContaining({ code: 'HQ_ERR_BACKUP_TOO_NEW' }));
    const target = join(root, 'data-restore');
    expect(() => restoreBackup(newer, target)).toThrow(expect.objectContaining({ code: 'HQ_ERR_BACKUP_TOO_NEW' }));
    expect(existsSync(join(target, 'hallq.db'))).toBe(false);
    // The CLI's check says the same, and changes nothing.
    const checked = await restoreCli([text, '--check']);
    expect(checked.code).toBe(1);
    expect(checked.out).toContain('无法打开');
    expect(checked.out).toContain('nothing was changed');
  });
});

describe('the nightly backup with its directory gone', () => {
  it('does not throw from the timer: it tries, fails, and the failure is on record', { timeout: 30_000 }, async () => {
    const root = fresh('hallq-nightly-gone-');
    const dbFile = join(root, 'data', 'hallq.db');
    openDb(dbFile).close();
    const dir = join(root, 'backups');
    const now = Date.UTC(2026, 11, 6, 19, 0); // 03:00 in Shanghai: past the 02:30 backup
    const errors: string[] = [];
    const service = new BackupService(dbFile, { dir, at: '02:30', keepDaily: 3, keepMonthly: 0, keepPreMigration: 3 }, { now: () => now }, 'Asia/Shanghai', { info() {}, error: (_o, m) => void errors.push(m) });
    // An unmounted disk, a directory removed by hand: a file stands where the backups went.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'not a directory');
    expect(service.isDue()).toBe(true);
    service.start(20);
    try {
      await expect.poll(() => service.last, { timeout: 10_000 }).toMatchObject({ ok: false, file: null });
      expect(errors).toContain('backup failed');
    } finally {
      await service.stop();
    }
  });
});
