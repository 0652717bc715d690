import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HallConfig } from '../../src/config/schema.ts';
import { freeSlots, serviceRate, slotFor, slotsOn, slotViews, suspendedUntil } from '../../src/domain/booking.ts';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import { decide } from '../../src/domain/decide.ts';
import { HallqError, type ErrorCode } from '../../src/domain/errors.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { emptyState, pruneFinished, type HallState } from '../../src/domain/state.ts';
import { HallConfigError, parseHallConfig } from '../../src/config/load-hall-config.ts';
import { testConfig } from '../support/test-config.ts';

const SYSTEM: Actor = { kind: 'system', id: 'test' };
const PUBLIC: Actor = { kind: 'system', id: 'public' };
const GUIDE: Actor = { kind: 'staff', id: 'g1', role: 'guide' };
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Monday 2026-11-23, 08:00 Asia/Shanghai. */
const MON_0800 = Date.parse('2026-11-23T00:00:00Z');
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
const holder = (hmac: string, last4 = '1234') => ({ hmac, idMasked: `**************${last4}`, nameMasked: '王*', birthYear: 1980 });

const sessions = [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '17:30' }];
const office: HallConfig['schedule']['week'] = { mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions, sat: [], sun: [] };

function hall(booking: Record<string, unknown> = {}, extra: Partial<HallConfig['schedule']> = {}): HallConfig {
  const c = testConfig({ week: office, booking });
  c.schedule = { ...c.schedule, ...extra };
  return c;
}

function given(config: HallConfig) {
  const state: HallState = emptyState();
  let seq = 0;
  let n = 0;
  const run = (cmd: HallCommand, when: number, actor: Actor = SYSTEM) => {
    const events = decide(state, cmd, { config, at: when, actor, seq: seq + 1 });
    seq += events.length;
    for (const e of events) evolve(state, e);
    return events;
  };
  const fails = (cmd: HallCommand, code: ErrorCode, when: number, actor: Actor = SYSTEM): HallqError => {
    const before = JSON.stringify([...state.appointments.values()]);
    let caught: unknown;
    try {
      decide(state, cmd, { config, at: when, actor, seq: seq + 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HallqError);
    expect((caught as HallqError).code).toBe(code);
    expect(JSON.stringify([...state.appointments.values()])).toBe(before);
    return caught as HallqError;
  };
  const book = (categoryId: string, slotStart: number, h?: ReturnType<typeof holder>): HallCommand => ({
    type: 'BookAppointment',
    data: { code: `BK${++n}`, categoryId, slotStart, ...(h ? { holder: h } : {}) },
  });
  return { state, run, fails, book };
}

describe('the slot model', () => {
  it('cuts the sessions into half hours and spreads the bookable share by whole residents', () => {
    const c = hall();
    const slots = slotsOn(c, 'SB', '2026-11-23');
    // 09:00–12:00 is six slots, 14:00–17:30 seven.
    expect(slots).toHaveLength(13);
    expect(slots[0]!.start).toBe(at('2026-11-23', '09:00'));
    expect(slots.at(-1)!.end).toBe(at('2026-11-23', '17:30'));
    // SB: three windows, each serving three categories evenly = one window; 10 min a resident; half for walk-ins.
    expect(serviceRate(c, 'SB')).toBeCloseTo(0.1);
    expect(slots.map((s) => s.capacity)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
  });

  it('has no slots on a weekend, a holiday, and follows a make-up working day (调休)', () => {
    const c = hall({}, { holidays: ['2026-11-24'], workdays: [{ date: '2026-11-29', as: 'mon' }] });
    expect(slotsOn(c, 'SB', '2026-11-28')).toHaveLength(0); // Saturday
    expect(slotsOn(c, 'SB', '2026-11-24')).toHaveLength(0); // holiday
    expect(slotsOn(c, 'SB', '2026-11-29')).toHaveLength(13); // Sunday working as a Monday
  });

  it('property: a day adds up to its whole capacity, each slot within a resident of its fair share', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 6 }), (walkInShare, serviceMin, windows) => {
        const c = testConfig({ week: office, windows, booking: { walkInShare } });
        c.categories = c.categories.map((x) => ({ ...x, avgServiceMin: serviceMin }));
        const slots = slotsOn(c, 'ZX', '2026-11-23');
        const perMin = serviceRate(c, 'ZX') * (1 - walkInShare);
        const total = slots.reduce((n, s) => n + s.capacity, 0);
        expect(total).toBe(Math.floor(perMin * 390 + 1e-9)); // 3 h + 3.5 h of sessions
        for (const s of slots) {
          expect(s.capacity).toBeGreaterThanOrEqual(0);
          expect(Math.abs(s.capacity - perMin * ((s.end - s.start) / MIN))).toBeLessThan(1 + 1e-6);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: never more live bookings in a slot than its capacity, whatever is asked', () => {
    const c = hall({ walkInShare: 0.2 });
    const slots = slotsOn(c, 'ZX', '2026-11-23');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: slots.length - 1 }), fc.boolean()), { maxLength: 120 }), (asks) => {
        const g = given(c);
        const codes: string[] = [];
        for (const [i, cancel] of asks) {
          try {
            const e = g.run(g.book('ZX', slots[i]!.start), MON_0800);
            if (e[0]?.type === 'appointment.booked') codes.push(e[0].data.code);
          } catch (err) {
            expect((err as HallqError).code).toBe('HQ_ERR_BOOKING_SLOT_FULL');
          }
          if (cancel && codes.length > 0) g.run({ type: 'CancelAppointment', data: { code: codes.shift()! } }, MON_0800, GUIDE);
        }
        for (const v of slotViews(g.state, c, 'ZX', '2026-11-23', MON_0800)) expect(v.booked).toBeLessThanOrEqual(v.capacity);
      }),
      { numRuns: 60 },
    );
  });
});

describe('booking refusals: clear, and nothing changes', () => {
  const c = hall({ daysAhead: 7 }, { holidays: ['2026-11-25'] });
  const g = given(c);
  it('refuses the past, a slot that has begun, too far ahead, a holiday, a closed day, off the half hours, outside a session', () => {
    g.fails(g.book('SB', at('2020-03-02', '09:00')), 'HQ_ERR_BOOKING_IN_PAST', MON_0800);
    g.fails(g.book('SB', at('2026-11-23', '09:00')), 'HQ_ERR_BOOKING_IN_PAST', at('2026-11-23', '09:10'));
    g.fails(g.book('SB', at('2026-12-01', '09:00')), 'HQ_ERR_BOOKING_TOO_FAR', MON_0800); // 8 days ahead
    g.fails(g.book('SB', at('2026-11-25', '09:00')), 'HQ_ERR_BOOKING_HOLIDAY', MON_0800);
    g.fails(g.book('SB', at('2026-11-29', '03:00')), 'HQ_ERR_BOOKING_DAY_CLOSED', MON_0800); // Sunday 03:00
    g.fails(g.book('SB', at('2026-11-23', '09:10')), 'HQ_ERR_BOOKING_NOT_A_SLOT', MON_0800);
    g.fails(g.book('SB', at('2026-11-23', '12:30')), 'HQ_ERR_BOOKING_NOT_A_SLOT', MON_0800); // lunch
    g.fails(g.book('NOPE', at('2026-11-23', '09:00')), 'HQ_ERR_CATEGORY_UNKNOWN', MON_0800);
    g.fails({ type: 'BookAppointment', data: { code: 'X1', categoryId: 'SB', slotStart: at('2026-11-23', '09:00'), slotEnd: at('2026-11-23', '10:00') } }, 'HQ_ERR_BOOKING_NOT_A_SLOT', MON_0800);
    expect(g.state.appointments.size).toBe(0);
  });

  it('refuses a walk-in-only category', () => {
    const w = given(hall({ walkInOnly: ['MZ'] }));
    w.fails(w.book('MZ', at('2026-11-23', '09:00')), 'HQ_ERR_BOOKING_WALK_IN_ONLY', MON_0800);
  });

  it('answers a full slot with the free ones', () => {
    const f = given(hall());
    const nine = at('2026-11-23', '09:00');
    f.run(f.book('SB', nine), MON_0800); // capacity 1
    const err = f.fails(f.book('SB', nine), 'HQ_ERR_BOOKING_SLOT_FULL', MON_0800);
    const free = err.detail?.freeSlots as { start: number; free: number }[];
    expect(free[0]).toMatchObject({ start: at('2026-11-23', '09:30'), free: 2 });
    expect(free.every((s) => s.free > 0 && s.start !== nine)).toBe(true);
  });
});

describe('booking rules', () => {
  it('one live booking per ID per category per day; a cancelled one frees both the rule and the slot', () => {
    const g = given(hall());
    const e = g.run(g.book('SB', at('2026-11-23', '09:00'), holder('h1')), MON_0800);
    g.fails(g.book('SB', at('2026-11-23', '15:00'), holder('h1')), 'HQ_ERR_BOOKING_ONE_PER_ID', MON_0800);
    g.run(g.book('ZX', at('2026-11-23', '15:00'), holder('h1')), MON_0800); // another category
    g.run(g.book('SB', at('2026-11-24', '15:00'), holder('h1')), MON_0800); // another day
    const code = e[0]!.type === 'appointment.booked' ? e[0].data.code : '';
    g.fails(g.book('SB', at('2026-11-23', '09:00'), holder('h2')), 'HQ_ERR_BOOKING_SLOT_FULL', MON_0800);
    g.run({ type: 'CancelAppointment', data: { code } }, MON_0800, GUIDE);
    g.run(g.book('SB', at('2026-11-23', '09:00'), holder('h2')), MON_0800);
    g.run(g.book('SB', at('2026-11-23', '15:30'), holder('h1')), MON_0800);
  });

  it('the public page cancels only with the last four of the ID; a clerk not at all; nothing twice', () => {
    const g = given(hall());
    const e = g.run(g.book('SB', at('2026-11-23', '09:00'), holder('h1', '123X')), MON_0800);
    const code = e[0]!.type === 'appointment.booked' ? e[0].data.code : '';
    g.fails({ type: 'CancelAppointment', data: { code, last4: '9999' } }, 'HQ_ERR_APPOINTMENT_NOT_FOUND', MON_0800, PUBLIC);
    g.fails({ type: 'CancelAppointment', data: { code } }, 'HQ_ERR_APPOINTMENT_NOT_FOUND', MON_0800, PUBLIC);
    g.fails({ type: 'CancelAppointment', data: { code } }, 'HQ_ERR_FORBIDDEN', MON_0800, { kind: 'staff', id: 'c1', role: 'clerk' });
    g.fails({ type: 'CancelAppointment', data: { code } }, 'HQ_ERR_APPOINTMENT_NOT_FOUND', MON_0800, { kind: 'device', id: 'prov-app', deviceKind: 'booking' });
    g.run({ type: 'CancelAppointment', data: { code, last4: '123x' } }, MON_0800, PUBLIC);
    g.fails({ type: 'CancelAppointment', data: { code, last4: '123X' } }, 'HQ_ERR_BOOKING_NOT_LIVE', MON_0800, PUBLIC);
  });

  it('check-in opens N minutes before the slot; within the grace it is a booking; later a normal ticket (late: ticket)', () => {
    const g = given(hall({ graceMin: 15, late: 'ticket' }));
    const nine = at('2026-11-23', '09:00');
    g.run(g.book('SB', nine), MON_0800);
    g.run(g.book('ZX', nine), MON_0800);
    const checkIn = (code: string, id: string): HallCommand => ({ type: 'IssueTicket', data: { ticketId: id, serviceId: `s${id}`, appointmentCode: code, source: 'kiosk' } });
    g.fails(checkIn('BK1', 't1'), 'HQ_ERR_APPOINTMENT_OUTSIDE_SLOT', nine - 31 * MIN); // 30 min early allowed
    const onTime = g.run(checkIn('BK1', 't1'), nine + 15 * MIN);
    expect(onTime[0]?.type === 'ticket.issued' && onTime[0].data.appointmentCode).toBe('BK1');
    const late = g.run(checkIn('BK2', 't2'), nine + 16 * MIN);
    expect(late.map((e) => e.type)).toEqual(['appointment.late', 'ticket.issued']);
    expect(late[1]?.type === 'ticket.issued' && late[1].data.appointmentCode).toBeNull(); // no booking priority
    expect(late[1]?.type === 'ticket.issued' && late[1].data.categoryId).toBe('ZX');
    expect(g.state.appointments.get('BK2')?.status).toBe('late');
    g.fails(checkIn('BK2', 't3'), 'HQ_ERR_APPOINTMENT_USED', nine + 20 * MIN);
  });

  it('late: void refuses past the grace, and the timer records it as missed', () => {
    const g = given(hall({ graceMin: 10, late: 'void' }));
    const nine = at('2026-11-23', '09:00');
    g.run(g.book('SB', nine, holder('h1')), MON_0800);
    const checkIn: HallCommand = { type: 'IssueTicket', data: { ticketId: 't1', serviceId: 's1', appointmentCode: 'BK1', source: 'kiosk' } };
    g.fails(checkIn, 'HQ_ERR_APPOINTMENT_VOID', nine + 11 * MIN);
    expect(g.run({ type: 'ExpireAppointments', data: {} }, nine + 10 * MIN)).toEqual([]);
    const missed = g.run({ type: 'ExpireAppointments', data: {} }, nine + 11 * MIN);
    expect(missed[0]).toMatchObject({ type: 'appointment.missed', data: { code: 'BK1', reason: 'late_void', holderHmac: 'h1' } });
    g.fails(checkIn, 'HQ_ERR_APPOINTMENT_VOID', nine + 12 * MIN);
  });

  it('three no-shows in 30 days suspend booking for 30 days from the third, and say so', () => {
    const c = hall({ late: 'void', graceMin: 0, daysAhead: 60 });
    const g = given(c);
    const days = ['2026-11-23', '2026-11-30', '2026-12-14'];
    for (const [i, d] of days.entries()) {
      const slot = at(d, '09:00');
      g.run(g.book('SB', slot, holder('h1')), slot - DAY);
      g.run({ type: 'ExpireAppointments', data: {} }, slot + MIN);
      if (i < 2) expect(suspendedUntil(g.state, c, 'h1', slot + MIN)).toBeNull();
    }
    const third = at('2026-12-14', '09:01');
    const err = g.fails(g.book('SB', at('2026-12-21', '09:00'), holder('h1')), 'HQ_ERR_BOOKING_SUSPENDED', third + DAY);
    expect(err.message).toContain('30天内3次预约未到');
    expect(err.message).toContain('2027-01-13');
    expect(err.detail).toMatchObject({ noShows: 3, withinDays: 30, untilDate: '2027-01-13' });
    g.run(g.book('SB', at('2026-12-21', '09:00'), holder('h2')), third + DAY); // someone else may
    g.run(g.book('SB', at('2027-01-14', '09:00'), holder('h1')), third + 30 * DAY + MIN); // over
  });

  it('spread-out no-shows do not suspend', () => {
    const c = hall({ late: 'void', graceMin: 0, daysAhead: 60 });
    const g = given(c);
    for (const d of ['2026-11-23', '2026-12-07', '2026-12-28']) {
      const slot = at(d, '09:00');
      g.run(g.book('SB', slot, holder('h1')), slot - DAY);
      g.run({ type: 'ExpireAppointments', data: {} }, slot + MIN);
    }
    expect(suspendedUntil(g.state, c, 'h1', at('2026-12-28', '10:00'))).toBeNull();
  });
});

describe('memory', () => {
  it('keeps live bookings and today’s, lets ended ones of earlier days go, and old strikes', () => {
    const c = hall({ late: 'void', graceMin: 0, daysAhead: 10 });
    const g = given(c);
    g.run(g.book('SB', at('2026-11-23', '09:00'), holder('h1')), MON_0800);
    g.run(g.book('ZX', at('2026-11-23', '09:00')), MON_0800);
    g.run(g.book('SB', at('2026-12-01', '09:00')), MON_0800); // live, a week ahead
    g.run({ type: 'CancelAppointment', data: { code: 'BK2' } }, MON_0800, GUIDE);
    g.run({ type: 'ExpireAppointments', data: {} }, at('2026-11-23', '09:01'));
    expect(g.state.appointments.get('BK1')?.status).toBe('missed');
    pruneFinished(g.state, '2026-11-23');
    expect(g.state.appointments.size).toBe(3); // today's stay
    pruneFinished(g.state, '2026-11-24');
    expect([...g.state.appointments.keys()]).toEqual(['BK3']);
    expect(g.state.bookingStrikes.get('h1')).toHaveLength(1);
    pruneFinished(g.state, '2027-06-01');
    expect(g.state.bookingStrikes.size).toBe(0);
  });

  it('lists the next free slots across days', () => {
    const c = hall();
    const free = freeSlots(emptyState(), c, 'SB', at('2026-11-23', '17:10'), 3);
    expect(free.map((s) => s.start)).toEqual([at('2026-11-24', '09:00'), at('2026-11-24', '09:30'), at('2026-11-24', '10:00')]);
    expect(() => slotFor(emptyState(), c, 'SB', at('2026-11-24', '09:00'), MON_0800)).not.toThrow();
  });
});

describe('the booking config', () => {
  const problems = (edit: (raw: Record<string, any>) => void): string[] => {
    const raw = JSON.parse(JSON.stringify(testConfig())) as Record<string, any>;
    delete raw.hall.demo;
    raw.devices.tokens = raw.devices.tokens.map((t: Record<string, unknown>) => ({ ...t, demo: true }));
    edit(raw);
    try {
      parseHallConfig(raw);
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(HallConfigError);
      return (err as HallConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };
  it('has defaults, and names what is wrong', () => {
    expect(testConfig().booking).toMatchObject({ daysAhead: 7, walkInShare: 0.5, graceMin: 15, late: 'ticket', onePerIdPerCategoryPerDay: true, noShows: { limit: 3, withinDays: 30, suspendDays: 30 } });
    expect(problems((r) => (r.booking = { walkInShare: 1.5 })).join('\n')).toContain('booking.walkInShare');
    expect(problems((r) => (r.booking = { late: 'later' })).join('\n')).toContain('booking.late');
    expect(problems((r) => (r.booking = { walkInOnly: ['NOPE'] }))).toEqual(['booking.walkInOnly[0]: unknown category "NOPE"']);
  });
  it("keeps the provincial app's token hashed outside a demo", () => {
    const n = testConfig().devices.tokens.length;
    expect(problems((r) => r.devices.tokens.push({ id: 'prov', kind: 'booking', token: 'a-plain-token-of-enough-length-000' }))).toEqual([
      `devices.tokens[${n}].token: a booking integration token is configured as tokenSha256 (a plain token only with demo: true)`,
    ]);
    expect(problems((r) => r.devices.tokens.push({ id: 'prov', kind: 'booking', tokenSha256: 'a'.repeat(64) }))).toEqual([]);
  });
});
