import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { seedDemoHistory } from '../../src/simulator/index.ts';
import { TEST_HMAC_KEY } from '../support/hub.ts';
import { spawnHub } from '../support/hub-process.ts';

const demo = loadHallConfig('config/hall.yaml');
const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hallq-demo-history-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const events = (dbFile: string) => {
  const db = new Database(dbFile, { readonly: true });
  try {
    // What the hall did, not the hub's own records (it writes the half-hour flow of an empty hall too).
    return (db.prepare(`SELECT COUNT(*) AS n FROM events_readable WHERE type NOT LIKE 'flow.%'`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('the demo hall starts with history', () => {
  it('fills a fresh data dir with eight weeks up to yesterday, within 15 s, and only once', () => {
    const dir = freshDir();
    const now = Date.parse('2026-12-07T02:00:00Z'); // a Monday morning in Shanghai
    const s = seedDemoHistory({ dataDir: dir, config: demo, hmacKey: TEST_HMAC_KEY, now })!;
    expect(s).not.toBeNull();
    expect(s.startDate).toBe('2026-10-12');
    expect(s.endDate).toBe('2026-12-05'); // the Saturday before
    expect(s.days.length).toBeGreaterThanOrEqual(40);
    expect(s.totals.issued).toBeGreaterThan(1500);
    expect(s.elapsedMs).toBeLessThan(15_000);
    // Built beside the database and renamed into place: nothing half-made is left.
    expect(readdirSync(dir).sort()).toEqual(['hallq.db']);
    expect(events(join(dir, 'hallq.db'))).toBeGreaterThan(10_000);
    // Only on a fresh data dir.
    expect(seedDemoHistory({ dataDir: dir, config: demo, hmacKey: TEST_HMAC_KEY, now })).toBeNull();
  });

  it('never in a real hall, and not when the config says 0 weeks', () => {
    const real = { ...demo, hall: { ...demo.hall, demo: false } };
    const dir = freshDir();
    expect(seedDemoHistory({ dataDir: dir, config: real, hmacKey: TEST_HMAC_KEY })).toBeNull();
    expect(seedDemoHistory({ dataDir: dir, config: { ...demo, hall: { ...demo.hall, demoHistoryWeeks: 0 } }, hmacKey: TEST_HMAC_KEY })).toBeNull();
    expect(existsSync(join(dir, 'hallq.db'))).toBe(false);
  });

  it('npm start: a fresh demo data dir opens with the history, --no-history opens empty', async () => {
    const withHistory = join(freshDir(), 'data');
    const hub = await spawnHub({ dataDir: withHistory, configFile: 'config/hall.yaml', timeoutMs: 90_000 });
    let seq: number;
    try {
      const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobNo: '3001', password: 'hallq-demo' }) });
      const { token } = (await login.json()) as { token: string };
      const health = (await (await fetch(`${hub.url}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } })).json()) as { seq: number };
      seq = health.seq;
      const followups = (await (await fetch(`${hub.url}/api/v1/followups?status=all`, { headers: { authorization: `Bearer ${token}` } })).json()) as { followups: unknown[] };
      expect(followups.followups.length).toBeGreaterThan(0);
      const m = /demo history: (\d+) business days .*simulated in ([\d.]+) s/.exec(hub.output());
      expect(m, hub.output()).not.toBeNull();
      expect(Number(m![2])).toBeLessThan(15);
    } finally {
      await hub.kill('SIGTERM');
    }
    expect(seq).toBeGreaterThan(10_000);

    const without = join(freshDir(), 'data');
    const empty = await spawnHub({ dataDir: without, configFile: 'config/hall.yaml', args: ['--no-history'], timeoutMs: 60_000 });
    try {
      expect(empty.output()).not.toMatch(/demo history/);
    } finally {
      await empty.kill('SIGTERM');
    }
    expect(events(join(without, 'hallq.db'))).toBe(0);
  }, 180_000);
});
