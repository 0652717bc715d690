import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { instantOf } from '../../src/domain/calendar.ts';
import { isValidIdNumber } from '../../src/personal/id-number.ts';
import { simulate, type SimulationSummary } from '../../src/simulator/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, hallEventsIn, login, startHub, TEST_HMAC_KEY } from '../support/hub.ts';

const township = loadHallConfig('config/hall.yaml');
const county = loadHallConfig('config/county.yaml');
const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hallq-sim-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The event log, every column of every row, as one digest. */
function logDigest(dbFile: string): { rows: number; sha256: string } {
  const db = new Database(dbFile, { readonly: true });
  try {
    const h = createHash('sha256');
    let rows = 0;
    for (const r of db.prepare('SELECT seq, at, type, actor, data FROM events ORDER BY seq').iterate() as Iterable<Record<string, unknown>>) {
      h.update(`${r.seq}\t${r.at}\t${r.type}\t${r.actor}\t${r.data}\n`);
      rows++;
    }
    return { rows, sha256: h.digest('hex') };
  } finally {
    db.close();
  }
}

const share = (n: number, of: number) => n / of;

describe('the hall simulator', () => {
  it('makes the same history from the same seed, byte for byte in the event log, and another from another seed', () => {
    const run = (seed: string) => {
      const dir = freshDir();
      simulate({ dbFile: join(dir, 'hallq.db'), config: township, hmacKey: TEST_HMAC_KEY, seed, startDate: '2026-11-02', days: 4 });
      return logDigest(join(dir, 'hallq.db'));
    };
    const a = run('determinism');
    const b = run('determinism');
    expect(a.rows).toBeGreaterThan(500);
    expect(b).toEqual(a);
    expect(run('another seed').sha256).not.toBe(a.sha256);
  });

  describe('a township fortnight (hall-rules §18A)', () => {
    let s: SimulationSummary;
    let dbFile: string;
    beforeAll(() => {
      dbFile = join(freshDir(), 'hallq.db');
      s = simulate({ dbFile, config: township, hmacKey: TEST_HMAC_KEY, seed: 'township-volume', startDate: '2026-11-02', days: 12, detail: true });
    });

    it('has the profile volumes: about 40 a weekday (15–80), 80–120 on market days, about 10 on Saturdays, about 5 at lunch', () => {
      expect(s.days.map((d) => d.date)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14']);
      const market = s.days.filter((d) => d.market && d.dayType !== 'weekend');
      const ordinary = s.days.filter((d) => !d.market && d.dayType !== 'weekend');
      const saturdays = s.days.filter((d) => d.dayType === 'weekend');
      // 逢一四七: the 4th and the 11th were market days in this fortnight.
      expect(market.map((d) => d.date)).toEqual(['2026-11-04', '2026-11-11']);
      // A day is a Poisson draw around its mean (sd about 10 on a market day): the band holds on average.
      for (const d of market) expect(d.arrivals, d.date).toBeGreaterThanOrEqual(60);
      for (const d of market) expect(d.arrivals, d.date).toBeLessThanOrEqual(140);
      const meanMarket = market.reduce((n, d) => n + d.arrivals, 0) / market.length;
      expect(meanMarket).toBeGreaterThan(75);
      expect(meanMarket).toBeLessThan(125);
      for (const d of ordinary) expect(d.arrivals, d.date).toBeGreaterThanOrEqual(15);
      for (const d of ordinary) expect(d.arrivals, d.date).toBeLessThanOrEqual(85);
      const meanOrdinary = ordinary.reduce((n, d) => n + d.arrivals, 0) / ordinary.length;
      expect(meanOrdinary).toBeGreaterThan(30);
      expect(meanOrdinary).toBeLessThan(55);
      for (const d of saturdays) expect(d.arrivals, d.date).toBeGreaterThanOrEqual(3);
      for (const d of saturdays) expect(d.arrivals, d.date).toBeLessThanOrEqual(22);
      const lunch = ordinary.map((d) => d.slots!.filter((x) => x.slot >= '12:00' && x.slot < '14:00').reduce((n, x) => n + x.arrivals, 0));
      const meanLunch = lunch.reduce((a, b) => a + b, 0) / lunch.length;
      expect(meanLunch).toBeGreaterThan(2);
      expect(meanLunch).toBeLessThan(10);
    });

    it('peaks in the morning (09:00–10:30) and again in the afternoon (13:30–16:30)', () => {
      const weekdays = s.days.filter((d) => d.dayType !== 'weekend');
      const inSlots = (from: string, to: string) => weekdays.reduce((n, d) => n + d.slots!.filter((x) => x.slot >= from && x.slot < to).reduce((m, x) => m + x.arrivals, 0), 0);
      const all = inSlots('00:00', '24:00');
      // Per half hour, the peaks hold well above the day's average (18 half hours).
      expect(inSlots('09:00', '10:30') / 3 / all).toBeGreaterThan(1.5 / 18);
      expect(inSlots('13:30', '16:30') / 6 / all).toBeGreaterThan(1.1 / 18);
      expect(inSlots('11:30', '13:30') / 4 / all).toBeLessThan(0.8 / 18);
    });

    it('has the category mix of §18A, within sampling error', () => {
      const t = s.totals;
      const of = (...ids: string[]) => share(ids.reduce((n, id) => n + (t.byCategory[id] ?? 0), 0), t.issued);
      expect(of('ZX')).toBeCloseTo(0.35, 1);
      expect(of('SB', 'YB')).toBeCloseTo(0.2, 1);
      expect(of('MZ', 'CL')).toBeCloseTo(0.12, 1);
      expect(of('JS')).toBeCloseTo(0.1, 1);
      expect(of('GT')).toBeCloseTo(0.08, 1);
      expect(of('NL')).toBeCloseTo(0.07, 1);
      expect(of('TS', 'DB')).toBeCloseTo(0.08, 1);
    });

    it('has the outcomes of §18A: 3–5 % no-shows, 5–10 % transfers and priority, about 90 % satisfied, some unrated', () => {
      const t = s.totals;
      expect(share(t.noShows, t.issued)).toBeGreaterThan(0.02);
      expect(share(t.noShows, t.issued)).toBeLessThan(0.06);
      expect(share(t.transfers, t.issued)).toBeGreaterThan(0.04);
      expect(share(t.transfers, t.issued)).toBeLessThan(0.11);
      expect(share(t.priority, t.issued)).toBeGreaterThan(0.04);
      expect(share(t.priority, t.issued)).toBeLessThan(0.11);
      expect(share(t.ratings.satisfied, t.ratings.rated)).toBeGreaterThan(0.85);
      expect(share(t.ratings.unrated, t.served)).toBeGreaterThan(0.05);
      expect(share(t.ratings.unrated, t.served)).toBeLessThan(0.25);
      expect(t.pauses).toBeGreaterThan(0);
      expect(t.served + t.noShows + t.abandoned).toBe(t.issued);
    });

    it('records each half hour once, as it ends: the hall rows add up to the day’s tickets, and no slot is written again the next morning', () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        // The day after a business day, the job still looks at yesterday: a slot let go of from memory was recorded again, empty.
        expect(hallEventsIn(db, township, `type = 'flow.recorded'`).filter((r) => (r.data as { live: boolean }).live === false)).toEqual([]);
        const perDay = db.prepare(`SELECT business_date AS d, SUM(issued) AS issued FROM flow_slots WHERE dim = 'h' GROUP BY 1 ORDER BY 1`).all() as { d: string; issued: number }[];
        expect(perDay.map((r) => r.d)).toEqual(s.days.map((d) => d.date));
        const issued = new Map<string, number>();
        for (const r of hallEventsIn(db, township, `type = 'ticket.issued'`)) {
          const d = (r.data as { businessDate: string }).businessDate;
          issued.set(d, (issued.get(d) ?? 0) + 1);
        }
        for (const r of perDay) expect(r.issued, r.d).toBe(issued.get(r.d));
      } finally {
        db.close();
      }
    });

    it('writes what the hall would: the kiosk issues, clerks act at their own windows, pads rate, the hub closes the day', () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        const byType = new Map<string, Set<string>>();
        for (const r of hallEventsIn(db, township)) {
          const a = r.actor as { kind: string; role?: string; deviceKind?: string; id: string };
          const key = a.kind === 'staff' ? `staff:${a.role}` : a.kind === 'device' ? `device:${a.deviceKind}` : `system:${a.id}`;
          if (!byType.has(r.type)) byType.set(r.type, new Set());
          byType.get(r.type)!.add(key);
        }
        expect([...byType.get('ticket.issued')!].sort()).toEqual(['device:kiosk', 'staff:guide']);
        for (const t of ['ticket.called', 'ticket.started', 'ticket.completed', 'ticket.transferred', 'window.opened', 'window.paused', 'window.resumed']) expect([...byType.get(t)!], t).toEqual(['staff:clerk']);
        expect([...byType.get('rating.recorded')!]).toEqual(['device:pad']);
        expect([...byType.get('rating.unrated')!]).toEqual(['system:rating-timeout']);
        expect([...byType.get('followup.updated')!]).toEqual(['staff:manager']);
        expect([...byType.get('appointment.booked')!]).toEqual(['staff:guide']);
        // Every day is closed by the hub's own job, and no window stays signed in overnight.
        const open = db.prepare(`SELECT COUNT(*) AS n FROM windows WHERE json_extract(data, '$.status') != 'closed'`).get() as { n: number };
        expect(open.n).toBe(0);
        const live = db.prepare(`SELECT COUNT(*) AS n FROM tickets WHERE status IN ('waiting', 'called', 'serving')`).get() as { n: number };
        expect(live.n).toBe(0);
        // A clerk signs in at the window they are A or B of.
        for (const r of hallEventsIn(db, township, `type = 'window.opened'`)) {
          const d = r.data as { windowId: number; staffId: string; role: 'A' | 'B' };
          const w = township.windows.find((x) => x.id === d.windowId)!;
          expect(d.role === 'A' ? w.staff.a : w.staff.b).toBe(d.staffId);
        }
      } finally {
        db.close();
      }
    });

      it('leaves no full ID number anywhere in the database files, and no phone number in what it stores', () => {
      const files = readdirSync(join(dbFile, '..')).filter((f) => f.startsWith('hallq.db'));
      expect(files).toContain('hallq.db');
      let checked = 0;
      for (const f of files) {
        // Every 18-character run of digits (and a final X) in the raw bytes, free pages included.
        const text = readFileSync(join(dbFile, '..', f)).toString('latin1');
        for (const m of text.matchAll(/\d{17}[\dX]/g)) expect(isValidIdNumber(m[0]), `${f}: ${m[0]}`).toBe(false);
        checked += text.length;
      }
      expect(checked).toBeGreaterThan(100_000);
      const db = new Database(dbFile, { readonly: true });
      try {
        // Phones (a booking's, one left in a bad rating's comment) only masked, in every stored record.
        const phone = /(?<![\d.a-f])1[3-9]\d{9}(?![\da-f])/;
        for (const [table, column] of [['events', 'data'], ['tickets', 'data'], ['appointments', 'data'], ['ratings', 'data'], ['upstream_outbox', 'payload']] as const) {
          for (const r of db.prepare(`SELECT ${column} AS v FROM ${table}`).iterate() as Iterable<{ v: string }>) expect(phone.exec(r.v)?.[0] ?? null, table).toBeNull();
        }
        const data = (type: string) => hallEventsIn(db, township, 'type = ?', type).map((e) => e.data as Record<string, unknown>);
        const comments = data('rating.recorded').map((d) => d.comment).filter((c): c is string => typeof c === 'string' && c.includes('请回电'));
        for (const c of comments) expect(c).toMatch(/请回电\*{7}\d{4}$/);
        const booked = data('appointment.booked').map((d) => d.phoneMasked);
        expect(booked.length).toBeGreaterThan(0);
        for (const p of booked) expect(p).toMatch(/^1\d{2}\*{4}\d{4}$/);
        // The masked forms are there: card holders were recorded as the hub records them.
        const holder = data('ticket.issued').find((d) => d.holder)!.holder;
        expect(holder).toMatchObject({ idMasked: expect.stringMatching(/^\*{14}[\dX]{4}$/), nameMasked: expect.stringContaining('*'), hmac: expect.stringMatching(/^[-\w]{22}$/) });
      } finally {
        db.close();
      }
    });
  });

  describe('a county week (hall-rules §18B)', () => {
    let s: SimulationSummary;
    beforeAll(() => {
      s = simulate({ dbFile: join(freshDir(), 'hallq.db'), config: county, hmacKey: TEST_HMAC_KEY, seed: 'county-volume', profile: 'county', startDate: '2026-11-09', days: 6 });
    });

    it('takes 400–1,000 tickets on a weekday over its 26 windows, with the channel mix of §18B', () => {
      const weekdays = s.days.filter((d) => d.dayType !== 'weekend');
      expect(weekdays).toHaveLength(5);
      for (const d of weekdays) expect(d.issued, d.date).toBeGreaterThanOrEqual(400);
      for (const d of weekdays) expect(d.issued, d.date).toBeLessThanOrEqual(1000);
      const t = s.totals;
      expect(share(t.channels.card, t.issued)).toBeCloseTo(0.7, 1);
      expect(share(t.channels.appointment, t.issued)).toBeCloseTo(0.15, 1);
      expect(share(t.channels.guide, t.issued)).toBeCloseTo(0.05, 1);
      expect(t.appointments.checkedIn).toBe(t.channels.appointment);
      expect(share(t.priority, t.issued)).toBeGreaterThan(0.04);
      expect(share(t.priority, t.issued)).toBeLessThan(0.11);
      expect(share(t.noShows, t.issued)).toBeGreaterThan(0.02);
      expect(share(t.noShows, t.issued)).toBeLessThan(0.06);
      expect(share(t.transfers, t.issued)).toBeGreaterThan(0.04);
      expect(share(t.transfers, t.issued)).toBeLessThan(0.11);
    });

    it('is busiest on Monday morning', () => {
      const monday = s.days.find((d) => d.dayType === 'monday')!;
      const others = s.days.filter((d) => d.dayType === 'weekday');
      expect(monday.issued).toBeGreaterThan(others.reduce((n, d) => n + d.issued, 0) / others.length);
    });
  });

  it('follows a staffing plan, and the same residents come whatever the staffing (common random numbers)', () => {
    const day = '2026-11-10';
    const run = (staffing?: (date: string, slot: string) => number | readonly number[] | undefined) =>
      simulate({ dbFile: join(freshDir(), 'hallq.db'), config: county, hmacKey: TEST_HMAC_KEY, seed: 'staffing', profile: 'county', startDate: day, days: 1, detail: true, ...(staffing ? { staffing } : {}) });
    const full = run();
    // One window fewer in every group from 09:00 to 11:00: windows 2, 10, 14, 17, 23, 25 stay shut.
    const shut = [2, 10, 14, 17, 23, 25];
    const short = run((_date, slot) => (slot >= '09:00' && slot < '11:00' ? county.windows.map((w) => w.id).filter((id) => !shut.includes(id)) : undefined));
    const fullDay = full.days[0]!;
    const shortDay = short.days[0]!;
    expect(shortDay.slots!.map((x) => x.arrivals)).toEqual(fullDay.slots!.map((x) => x.arrivals));
    const peak = (d: typeof fullDay) => d.slots!.filter((x) => x.slot >= '09:00' && x.slot < '11:00');
    for (const x of peak(shortDay)) expect(x.windowsOpen, x.slot).toBeLessThanOrEqual(20);
    for (const x of peak(fullDay)) expect(x.windowsOpen, x.slot).toBeGreaterThanOrEqual(21);
    const level = (d: typeof fullDay) => peak(d).reduce((n, x) => n + x.wait.withinShare! * x.wait.tickets, 0) / peak(d).reduce((n, x) => n + x.wait.tickets, 0);
    expect(level(shortDay)).toBeLessThan(level(fullDay));
    expect(shortDay.wait.meanMin!).toBeGreaterThan(fullDay.wait.meanMin!);
  });

  it('makes a data dir the hub opens as its own: a restart serves the last day and its follow-ups', async () => {
    const dir = freshDir();
    const s = simulate({ dbFile: join(dir, 'hallq.db'), config: township, hmacKey: TEST_HMAC_KEY, seed: 'restart', startDate: '2026-11-02', days: 10 });
    const last = s.days[s.days.length - 1]!;
    const db = new Database(join(dir, 'hallq.db'), { readonly: true });
    const issued = hallEventsIn(db, township, `type = 'ticket.issued'`)
      .map((e) => e.data as { ticketId: string; number: string; businessDate: string })
      .filter((d) => d.businessDate === last.date)
      .map((d) => ({ id: d.ticketId, number: d.number }));
    const lastSeq = (db.prepare('SELECT MAX(seq) AS seq FROM events').get() as { seq: number }).seq;
    db.close();
    expect(issued.length).toBe(last.issued);
    // The hub starts that evening, after the day was closed.
    const h = await startHub({ dir, config: township, clock: new FakeClock(instantOf(last.date, 20 * 60, township.hall.timeZone)) });
    try {
      expect(h.hub.handler.seq).toBe(lastSeq);
      for (const t of [issued[0]!, issued[issued.length - 1]!]) {
        const r = await api(h.url, 'GET', `/tickets/${t.id}`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.ticket.number).toBe(t.number);
        expect(['done', 'no_show']).toContain(r.body.ticket.status);
      }
      const manager = await login(h.url, '3001');
      const f = await api(h.url, 'GET', '/followups?status=all', { token: manager });
      expect(f.status).toBe(200);
      expect(f.body.followups.length).toBe(s.totals.followups.opened);
    } finally {
      await h.stop();
    }
  });
});
