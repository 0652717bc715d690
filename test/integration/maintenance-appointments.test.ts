import { describe, expect, it } from 'vitest';
import { addDays, businessDate, instantOf } from '../../src/domain/calendar.ts';
import { Maintenance } from '../../src/store/maintenance.ts';
import { openDb } from '../../src/store/open-db.ts';
import { testConfig } from '../support/test-config.ts';

describe('the personal-data purge of bookings', () => {
  it('clears every booking past the retention once, in index order from a watermark, and none inside it', () => {
    const db = openDb(':memory:');
    // A retention under the no-show horizon (120 days): past it the bookings stay, without their names.
    const base = testConfig();
    const config = { ...base, privacy: { ...base.privacy, retentionDays: 60 } };
    const now = Date.parse('2026-11-23T02:00:00Z');
    const cutoff = instantOf(addDays(businessDate(now, config.hall.timeZone), -60), 0, config.hall.timeZone);
    const put = db.prepare('INSERT INTO appointments (code, data, slot_end, used, status) VALUES (?, ?, ?, ?, ?)');
    const named = (code: string) => JSON.stringify({ code, holderHmac: `h${code}`, nameMasked: '王*明', phoneMasked: '138****5678', idMasked: '3301**********1234' });
    // 1,500 old bookings on 30 slot ends (many ties, across any batch's edge), checked in or not; 50 recent.
    for (let i = 0; i < 1500; i++) put.run(`A${String(i).padStart(5, '0')}`, named(`A${i}`), cutoff - (30 - (i % 30)) * 3600_000, i % 3 === 0 ? 1 : 0, i % 3 === 0 ? 'checked_in' : 'booked');
    for (let i = 0; i < 50; i++) put.run(`R${i}`, named(`R${i}`), cutoff + (i + 1) * 3600_000, 0, 'booked');
    let clockNow = now;
    const m = new Maintenance(db, config, { now: () => clockNow } as never);
    db.exec(`DELETE FROM hall_meta`);
    const remaining = () => (db.prepare(`SELECT COUNT(*) AS n FROM appointments WHERE json_extract(data, '$.nameMasked') IS NOT NULL`).get() as { n: number }).n;
    const steps = m.runAll();
    expect(steps).toBeGreaterThan(1);
    const left = db.prepare(`SELECT code FROM appointments WHERE json_extract(data, '$.nameMasked') IS NOT NULL ORDER BY code`).all() as { code: string }[];
    // All 1,500 stay (inside the no-show horizon) and are cleared; the recent 50 keep their names.
    expect((db.prepare('SELECT COUNT(*) AS n FROM appointments').get() as { n: number }).n).toBe(1550);
    expect(left.every((r) => r.code.startsWith('R'))).toBe(true);
    expect(remaining()).toBe(50);
    const old = db.prepare(`SELECT data FROM appointments WHERE slot_end < ?`).all(cutoff) as { data: string }[];
    for (const r of old) expect(JSON.parse(r.data)).toMatchObject({ holderHmac: null, nameMasked: null, phoneMasked: null, idMasked: null });
    // Done is done: another pass writes nothing.
    const before = db.prepare(`SELECT group_concat(data, '|') AS d FROM appointments`).get();
    m.runAll();
    expect(db.prepare(`SELECT group_concat(data, '|') AS d FROM appointments`).get()).toEqual(before);
    // A booking written again with its names behind the walk (a late status change from memory) is
    // cleared on the next business date's walk.
    db.prepare('UPDATE appointments SET data = ? WHERE code = ?').run(named('A00007'), 'A00007');
    m.runAll();
    expect(remaining()).toBe(51);
    clockNow += 24 * 3600_000;
    m.runAll();
    const after = db.prepare(`SELECT data FROM appointments WHERE code = 'A00007'`).get() as { data: string };
    expect(JSON.parse(after.data)).toMatchObject({ holderHmac: null, nameMasked: null });
    db.close();
  });
});
