import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hallHalfHours, pickQuietSlots } from '../../src/reports/quiet-times.ts';
import type { QuietSlot } from '../../src/reports/types.ts';
import { dayTypeOf, isMarketDay } from '../../src/reports/day-type.ts';
import { assessmentPeriod, checkRange, isoWeek } from '../../src/reports/period.ts';
import { staffingReport } from '../../src/reports/staffing.ts';
import { openDb } from '../../src/store/open-db.ts';
import { reportsConfig } from '../support/history.ts';

const week = [
  { start: '09:00', end: '12:00' },
  { start: '12:00', end: '13:30', extended: true },
  { start: '13:30', end: '17:00' },
];

function day(loads: number[]): QuietSlot[] {
  return hallHalfHours(week, 10).map((s, i) => ({ ...s, expected: loads[i] ?? 0, waitMin: 0 }));
}

describe('the quiet-times picker', () => {
  it('cuts the sessions in half hours and never suggests the extended session or the last half hour before tickets stop', () => {
    const slots = hallHalfHours(week, 10);
    expect(slots.map((s) => s.label)).toEqual([
      '09:00–09:30', '09:30–10:00', '10:00–10:30', '10:30–11:00', '11:00–11:30', '11:30–12:00',
      '12:00–12:30', '12:30–13:00', '13:00–13:30',
      '13:30–14:00', '14:00–14:30', '14:30–15:00', '15:00–15:30', '15:30–16:00', '16:00–16:30', '16:30–17:00',
    ]);
    expect(slots.filter((s) => !s.advisable).map((s) => s.label)).toEqual(['11:30–12:00', '12:00–12:30', '12:30–13:00', '13:00–13:30', '16:30–17:00']);
  });

  it('picks the least busy half hours, joins those that touch, and keeps time order', () => {
    //           09:00 09:30 10:00 10:30 11:00 11:30 12:00 12:30 13:00 13:30 14:00 14:30 15:00 15:30 16:00 16:30
    const loads = [9, 8, 6, 2, 1, 0, 0, 0, 0, 5, 4, 3, 1.5, 6, 7, 0];
    expect(pickQuietSlots(day(loads), 3)).toEqual([
      { start: '10:30', end: '11:30', expected: 1.5 },
      { start: '15:00', end: '15:30', expected: 1.5 },
    ]);
    expect(pickQuietSlots(day(loads), 1)).toEqual([{ start: '11:00', end: '11:30', expected: 1 }]);
    expect(pickQuietSlots(day(loads), 0)).toEqual([]);
  });

  it('breaks ties by the shorter expected wait, then the earlier half hour', () => {
    const slots = day(Array(16).fill(2));
    slots[4]!.waitMin = 1;
    slots[10]!.waitMin = 0.5;
    // Both waits above the others' 0: the first two half hours, joined.
    expect(pickQuietSlots(slots, 2)).toEqual([{ start: '09:00', end: '10:00', expected: 2 }]);
    slots.forEach((s, i) => (s.waitMin = i === 4 || i === 10 ? 0 : 3));
    expect(pickQuietSlots(slots, 2)).toEqual([
      { start: '11:00', end: '11:30', expected: 2 },
      { start: '14:00', end: '14:30', expected: 2 },
    ]);
  });

  it('never names a busier half hour while a quieter advisable one is left out (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 16, maxLength: 16 }), fc.integer({ min: 1, max: 6 }), (loads, count) => {
        const slots = day(loads);
        const periods = pickQuietSlots(slots, count);
        const chosen = slots.filter((s) => periods.some((p) => p.start <= s.label.slice(0, 5) && s.label.slice(6) <= p.end));
        const left = slots.filter((s) => s.advisable && !chosen.includes(s));
        expect(chosen.every((s) => s.advisable)).toBe(true);
        expect(chosen).toHaveLength(Math.min(count, slots.filter((s) => s.advisable).length));
        for (const c of chosen) for (const l of left) expect(c.expected).toBeLessThanOrEqual(l.expected);
        for (let i = 1; i < periods.length; i++) expect(periods[i - 1]!.end < periods[i]!.start).toBe(true);
      }),
    );
  });
});

describe('periods and day types', () => {
  const config = reportsConfig();
  it('knows market days, holidays, Saturdays and make-up working days', () => {
    expect(isMarketDay(config, '2026-09-01')).toBe(true);
    expect(isMarketDay(config, '2026-09-04')).toBe(true);
    expect(isMarketDay(config, '2026-09-05')).toBe(false);
    expect(dayTypeOf(config, '2026-09-04')).toBe('market');
    expect(dayTypeOf(config, '2026-10-01')).toBeNull(); // a holiday (and a market day in the count)
    expect(dayTypeOf(config, '2026-09-05')).toBe('saturday');
    expect(dayTypeOf(config, '2026-09-06')).toBeNull(); // Sunday: closed
    expect(dayTypeOf({ ...config, schedule: { ...config.schedule, workdays: [{ date: '2026-09-06', as: 'fri' }] } }, '2026-09-06')).toBe('weekday');
  });

  it('tells the dashboard the weekday a make-up working day runs as, so today is compared with that weekday', () => {
    const makeUp = { ...config, schedule: { ...config.schedule, workdays: [{ date: '2026-09-06', as: 'fri' as const }] } };
    const db = openDb(':memory:');
    try {
      const now = Date.parse('2026-09-07T10:00:00+08:00');
      expect(staffingReport(db, makeUp, '2026-09-06', now)).toMatchObject({ dayType: 'weekday', weekday: 'fri' });
      expect(staffingReport(db, config, '2026-09-05', now)).toMatchObject({ dayType: 'saturday', weekday: 'sat' });
      expect(staffingReport(db, config, '2026-09-06', now)).toMatchObject({ closed: true, weekday: null });
    } finally {
      db.close();
    }
  });

  it('labels ISO weeks across a new year', () => {
    expect(isoWeek('2026-12-31')).toEqual({ label: '2026-W53', monday: '2026-12-28' });
    expect(isoWeek('2027-01-03')).toEqual({ label: '2026-W53', monday: '2026-12-28' });
    expect(isoWeek('2027-01-04')).toEqual({ label: '2027-W01', monday: '2027-01-04' });
    expect(isoWeek('2026-01-01')).toEqual({ label: '2026-W01', monday: '2025-12-29' });
  });

  it('checks ranges and periods', () => {
    expect(checkRange('2026-10-01', '2026-10-31', '2026-10-15', 31)).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(() => checkRange('2026-10-01', '2026-11-01', '2026-10-15', 31)).toThrow(/过长/);
    expect(() => checkRange('2026-10-02', '2026-10-01', '2026-10-15', 31)).toThrow(/开始日期晚于结束日期/);
    expect(() => checkRange('2026-10-16', '2026-10-17', '2026-10-15', 31)).toThrow(/尚未开始/);
    expect(() => checkRange('2026-02-29', '2026-03-01', '2026-10-15', 31)).toThrow(/有效日期/);
    expect(assessmentPeriod({ quarter: '2026-Q2' }, '2026-10-15')).toMatchObject({ from: '2026-04-01', to: '2026-06-30', label: { zh: '2026年第二季度' } });
    expect(assessmentPeriod({ month: '2024-02' }, '2026-10-15')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
  });
});
