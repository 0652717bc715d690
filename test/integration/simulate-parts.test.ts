import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { loadHmacKey } from '../../src/personal/card-reads.ts';
import { partDates, partSeed, simulateInParts, type PartsSummary } from '../../src/simulator/parts.ts';
import { simulate } from '../../src/simulator/simulate.ts';
import type { FlowReport } from '../../src/reports/types.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, login, startHub } from '../support/hub.ts';

/**
 * `npm run simulate -- --parts N` (issue #11: a long history on all the cores): the dates cut into
 * stretches, each simulated by its own process, then joined. The joined log must be exactly the
 * stretches' logs one after the other, renumbered, and the hub must open it as its own history.
 */
const township = loadHallConfig('config/hall.yaml');
const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hallq-parts-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Row = { seq: number; at: number; type: string; actor: string; data: string };
function log(dbFile: string): Row[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT seq, at, type, actor, data FROM events ORDER BY seq').all() as Row[];
  } finally {
    db.close();
  }
}
const digest = (rows: Row[]) => createHash('sha256').update(rows.map((r) => `${r.at}\t${r.type}\t${r.actor}\t${r.data}`).join('\n')).digest('hex');
function count(dbFile: string, sql: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const START = '2026-11-02';
const DAYS = 8;
let dir: string;
let summary: PartsSummary;

beforeAll(async () => {
  dir = freshDir();
  summary = await simulateInParts({ dataDir: dir, config: township, configFile: 'config/hall.yaml', profile: 'township', seed: 'parts', startDate: START, days: DAYS, parts: 2, withinMin: 15 });
}, 120_000);

describe('a history simulated in parts', () => {
  it('is each stretch simulated alone, one after the other in the log, renumbered from 1 without a gap', () => {
    const stretches = partDates(township, START, DAYS, 2);
    expect(stretches.map((s) => s.length)).toEqual([4, 4]);
    expect(summary.days.map((d) => d.date)).toEqual(stretches.flat());
    // The joined data directory holds the database and the hall's key, nothing of the work.
    expect(readdirSync(dir).sort()).toEqual(['hallq.db', 'id-hmac.key']);
    const hmacKey = loadHmacKey(dir, {}, { demo: true }).key;
    const alone = stretches.map((dates, i) => {
      const d = freshDir();
      simulate({ dbFile: join(d, 'hallq.db'), config: township, hmacKey, seed: partSeed('parts', i), profile: 'township', startDate: dates[0]!, days: dates.length });
      return log(join(d, 'hallq.db'));
    });
    const joined = log(join(dir, 'hallq.db'));
    expect(joined.map((r) => r.seq)).toEqual(joined.map((_, i) => i + 1));
    expect(joined.length).toBe(alone[0]!.length + alone[1]!.length);
    expect(summary.events).toBe(joined.length);
    expect(digest(joined.slice(0, alone[0]!.length))).toBe(digest(alone[0]!));
    expect(digest(joined.slice(alone[0]!.length))).toBe(digest(alone[1]!));
    // The tables the reports read hold both stretches.
    const file = join(dir, 'hallq.db');
    expect(count(file, 'SELECT COUNT(DISTINCT business_date) AS n FROM service_facts')).toBe(DAYS);
    expect(count(file, 'SELECT COUNT(*) AS n FROM service_facts WHERE idx = 0')).toBe(summary.totals.issued);
  });

  it('leaves no booking at a seam: a part books no days of the next part, which books its own', async () => {
    const county = loadHallConfig('config/county.yaml');
    const d = freshDir();
    const s = await simulateInParts({ dataDir: d, config: county, configFile: 'config/county.yaml', profile: 'county', seed: 'seam', startDate: '2026-10-12', days: 4, parts: 2, withinMin: 15 });
    expect(s.totals.appointments.booked).toBeGreaterThan(100);
    // Every booking whose slot is over was checked in, missed or voided; only the days after the history are still booked.
    const end = Date.parse(`${s.endDate}T23:59:59+08:00`);
    expect(count(join(d, 'hallq.db'), `SELECT COUNT(*) AS n FROM appointments WHERE status = 'booked' AND slot_end <= ${end}`)).toBe(0);
    expect(count(join(d, 'hallq.db'), `SELECT COUNT(*) AS n FROM appointments WHERE status = 'booked'`)).toBeGreaterThan(0);
  });

  it('refuses a data directory that already has a history', async () => {
    await expect(simulateInParts({ dataDir: dir, config: township, configFile: 'config/hall.yaml', profile: 'township', seed: 'parts', startDate: START, days: 2, parts: 2, withinMin: 15 })).rejects.toThrow(/--parts needs a data directory/);
  });
  it('opens in the hub as its history: the reports count every ticket of both stretches, and the log goes on from its end', async () => {
    const events = summary.events;
    const h = await startHub({ config: township, clock: new FakeClock(Date.parse('2026-11-16T09:00:00+08:00')), dir });
    try {
      const manager = await login(h.url, '3001');
      const flow = await api(h.url, 'GET', `/reports/flow?from=${START}&to=${summary.endDate}&by=day`, { token: manager });
      expect(flow.status).toBe(200);
      const report = flow.body as FlowReport;
      expect(report.rows).toHaveLength(DAYS);
      expect(report.total.issued).toBe(summary.totals.issued);
      const ticket = await api(h.url, 'POST', '/tickets', { token: 'demo-kiosk-token-0001', body: { categoryId: township.categories[0]!.id } });
      expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    } finally {
      // stop, not dispose: the directory is the test's, and is read below.
      await h.stop();
    }
    expect(count(join(dir, 'hallq.db'), 'SELECT MIN(seq) AS n FROM events WHERE seq > ' + events)).toBe(events + 1);
  });

});
