import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/commands.ts';
import { slotsOf } from '../../src/domain/flow.ts';
import { checkCongestion, recordDueFlowSlots } from '../../src/hub-jobs.ts';
import { hallView } from '../../src/read-model/hall-view.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { openDb } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { testConfig } from '../support/test-config.ts';
import { eventsIn } from '../support/hub.ts';

const KIOSK: Actor = { kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' };
const WEEK = {
  mon: [{ start: '09:00', end: '12:00' }],
  tue: [{ start: '09:00', end: '12:00' }],
  wed: [{ start: '09:00', end: '12:00' }],
  thu: [{ start: '09:00', end: '12:00' }],
  fri: [{ start: '09:00', end: '12:00' }],
  sat: [],
  sun: [],
};

describe('half-hour records through the store', () => {
  it('a crash during a slot boundary loses no slot and writes none twice (property over the crash point)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 12 }), (crashAfter, tickets) => {
        const dir = mkdtempSync(join(tmpdir(), 'hallq-slots-'));
        try {
          const file = join(dir, 'hallq.db');
          const clock = new FakeClock(Date.parse('2026-11-23T09:05:00+08:00'));
          const config = testConfig({ week: WEEK });
          let db = openDb(file);
          let h = new CommandHandler(db, config, clock);
          for (let i = 0; i < tickets; i++) {
            clock.advance(7 * 60_000);
            h.run({ type: 'IssueTicket', data: { ticketId: `t${i}`, serviceId: `s${i}`, categoryId: 'ZX', source: 'kiosk' } }, KIOSK);
          }
          clock.set('2026-11-23T12:10:00+08:00');
          // The disk gives out after `crashAfter` records: the hub dies mid-boundary.
          db.exec(`CREATE TEMP TRIGGER crash BEFORE INSERT ON flow_slots WHEN (SELECT COUNT(DISTINCT slot) FROM flow_slots) >= ${crashAfter} BEGIN SELECT RAISE(ABORT, 'power cut'); END`);
          try {
            recordDueFlowSlots(h);
          } catch {
            // the crash
          }
          db.close();
          // The restart fills in what is missing.
          db = openDb(file);
          h = new CommandHandler(db, config, clock);
          recordDueFlowSlots(h);
          recordDueFlowSlots(h); // a second timer tick changes nothing
          const expected = slotsOf(config, '2026-11-23').filter((s) => s.to <= clock.now()).map((s) => s.slot);
          const events = eventsIn(db, `type = 'flow.recorded'`).map((e) => (e.data as { slot: number }).slot);
          expect(events).toEqual(expected);
          const rows = db.prepare(`SELECT slot, COUNT(*) AS n, SUM(issued) AS issued FROM flow_slots WHERE dim = 'h' GROUP BY slot ORDER BY slot`).all() as { slot: number; n: number; issued: number }[];
          expect(rows.map((r) => r.slot)).toEqual(expected);
          expect(rows.every((r) => r.n === 1)).toBe(true);
          expect(rows.reduce((n, r) => n + r.issued, 0)).toBe(tickets);
          db.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  });

  it('records nothing for the days before the log began: a hall new to hallq today had no hallq yesterday', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-slots-first-'));
    try {
      const db = openDb(join(dir, 'hallq.db'));
      const config = testConfig({ week: WEEK });
      const clock = new FakeClock(Date.parse('2026-11-24T10:05:00+08:00'));
      const h = new CommandHandler(db, config, clock);
      // An empty log: nothing happened, nothing to record, yesterday's slots included.
      expect(recordDueFlowSlots(h)).toBe(0);
      h.run({ type: 'IssueTicket', data: { ticketId: 't1', serviceId: 's1', categoryId: 'ZX', source: 'kiosk' } }, KIOSK);
      // Today's slots that ended (09:00–09:30, 09:30–10:00) are recorded, even those before the first event; Monday's are not.
      expect(recordDueFlowSlots(h)).toBe(2);
      const dates = db.prepare(`SELECT DISTINCT business_date AS d FROM flow_slots`).all() as { d: string }[];
      expect(dates.map((r) => r.d)).toEqual(['2026-11-24']);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('raises the congestion alarm past a threshold and clears it below it, with its times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-congestion-'));
    const db = openDb(join(dir, 'hallq.db'));
    try {
      const base = testConfig({ week: WEEK });
      const config = { ...base, reports: { ...base.reports, congestion: { ...base.reports.congestion, waiting: 5, clearAt: 0.6 } } };
      const clock = new FakeClock(Date.parse('2026-11-23T09:30:00+08:00'));
      const h = new CommandHandler(db, config, clock);
      const issue = (i: number) => h.run({ type: 'IssueTicket', data: { ticketId: `t${i}`, serviceId: `s${i}`, categoryId: 'ZX', source: 'kiosk' } }, KIOSK);
      for (let i = 0; i < 4; i++) issue(i);
      expect(checkCongestion(h)).toBe(0);
      issue(4);
      expect(checkCongestion(h)).toBe(1);
      expect(checkCongestion(h)).toBe(0); // still congested: said once
      // Every screen's snapshot says so (a dashboard opened now shows the banner at once), with the longest wait.
      const view = await h.read((st, now) => hallView(st, config, now));
      expect(view.congested).toEqual([{ categoryId: 'ZX', since: clock.now() }]);
      expect(view.categories.find((c) => c.id === 'ZX')!.longestWaitingSince).toBe(clock.now());
      h.run({ type: 'OpenWindow', data: { windowId: 1, staffId: 'c1', role: 'A' } }, { kind: 'staff', id: 'c1', role: 'clerk' });
      for (let i = 0; i < 2; i++) {
        h.run({ type: 'CallNext', data: { windowId: 1, callId: `k${i}` } }, { kind: 'staff', id: 'c1', role: 'clerk' });
        h.run({ type: 'CompleteService', data: { windowId: 1 } }, { kind: 'staff', id: 'c1', role: 'clerk' });
      }
      expect(checkCongestion(h)).toBe(0); // 3 waiting: above 0.6 × 5, not yet clear
      h.run({ type: 'CallNext', data: { windowId: 1, callId: 'k9' } }, { kind: 'staff', id: 'c1', role: 'clerk' });
      clock.advance(60_000);
      expect(checkCongestion(h)).toBe(1);
      const rows = eventsIn(db, `type LIKE 'hall.%'`);
      expect(rows.map((r) => r.type)).toEqual(['hall.congested', 'hall.cleared']);
      expect(rows[0]!.data).toMatchObject({ categoryId: 'ZX', measure: 'waiting', value: 5, threshold: 5 });
      expect((rows[1]!.data as { since: number }).since).toBe((rows[0]!.data as { at: number }).at);
      expect((await h.read((st, now) => hallView(st, config, now))).congested).toEqual([]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
