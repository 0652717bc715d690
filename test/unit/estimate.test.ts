import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HallConfig } from '../../src/config/schema.ts';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import { decide } from '../../src/domain/decide.ts';
import { HallqError } from '../../src/domain/errors.ts';
import { aheadOf, aheadOfNew, bandOf, estimateFor } from '../../src/domain/estimate.ts';
import type { HallEvent } from '../../src/domain/events.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { isPriority } from '../../src/domain/select-next.ts';
import { emptyState, type HallState } from '../../src/domain/state.ts';
import { testConfig } from '../support/test-config.ts';

/**
 * The wait estimate (issue #10 §5, decision 47): a ticket's place in the call order of its group's
 * windows, played forward from the services in hand, and a band never narrower than three minutes.
 */

const MINUTE = 60_000;
const SYSTEM: Actor = { kind: 'system', id: 'estimate-test' };
const MON_0930 = Date.parse('2026-11-23T01:30:00Z'); // Monday 09:30 in Shanghai

/** A pure engine driven at chosen times. */
function hall(config: HallConfig) {
  const state: HallState = emptyState();
  let n = 0;
  let seq = 0;
  const run = (cmd: HallCommand, at = MON_0930): HallEvent[] => {
    const events = decide(state, cmd, { config, at, actor: SYSTEM, seq: seq + 1 });
    seq += events.length;
    for (const e of events) evolve(state, e);
    return events;
  };
  return {
    state,
    config,
    run,
    issue: (categoryId: string, at = MON_0930, extra: Partial<Extract<HallCommand, { type: 'IssueTicket' }>['data']> = {}) => {
      const e = run({ type: 'IssueTicket', data: { ticketId: `t${++n}`, serviceId: `s${++n}`, categoryId, source: 'guide', ...extra } }, at);
      return e[0]?.type === 'ticket.issued' ? e[0].data : null;
    },
    open: (windowId: number, at = MON_0930) => run({ type: 'OpenWindow', data: { windowId, staffId: `c${windowId}`, role: 'A' } }, at),
    /** Calls and starts at the window: its clerk is busy from `at`. */
    serve: (windowId: number, at = MON_0930) => {
      run({ type: 'CallNext', data: { windowId, callId: `k${++n}` } }, at);
      run({ type: 'StartService', data: { windowId } }, at);
    },
    /** What a new ticket would be told at `at`. */
    newcomer: (categoryId: string, at = MON_0930, priorityGroup: string | null = null) =>
      estimateFor(state, config, categoryId, aheadOfNew(state, categoryId, priorityGroup !== null), at, { priorityGroup }),
  };
}

/** The test hall with its windows' categories replaced (ZX 5 min, SB 10 min). */
function withWindows(windows: { categories: { id: string; weight?: number }[]; selection?: 'order' | 'weighted' }[], o: Parameters<typeof testConfig>[0] = {}): HallConfig {
  const c = structuredClone(testConfig({ ...o, windows: windows.length }));
  windows.forEach((w, i) => {
    c.windows[i]!.categories = w.categories.map((x) => ({ id: x.id, weight: x.weight ?? 1 }));
    c.windows[i]!.selection = w.selection ?? 'weighted';
  });
  return c;
}

describe('the printed band', () => {
  it('holds the minutes, is whole minutes, and is never narrower than three minutes (0–0 is never right)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 600, noNaN: true }), (minutes) => {
        const { low, high } = bandOf(minutes);
        expect(Number.isInteger(low) && Number.isInteger(high)).toBe(true);
        expect(low).toBeGreaterThanOrEqual(0);
        expect(low).toBeLessThanOrEqual(Math.round(minutes));
        expect(high).toBeGreaterThanOrEqual(Math.round(minutes));
        expect(high - low).toBeGreaterThanOrEqual(3);
      }),
    );
    expect(bandOf(0)).toEqual({ low: 0, high: 3 });
    expect(bandOf(10)).toEqual({ low: 5, high: 18 });
  });
});

describe('the estimate: a place in the projected call order', () => {
  it('is about nothing when nobody is ahead and a clerk is free', () => {
    const h = hall(withWindows([{ categories: [{ id: 'ZX' }] }]));
    h.open(1);
    // A moment for the clerk to press call (a quarter minute): about 0, between 0 and 4 minutes.
    expect(h.newcomer('ZX')).toEqual({ ahead: 0, minutes: 0, low: 0, high: 4, openWindows: 1 });
  });

  it('waits out what is left of the service in hand (at least half the mean: service times are right-skewed)', () => {
    const h = hall(withWindows([{ categories: [{ id: 'ZX' }] }]));
    h.open(1);
    h.issue('ZX');
    h.serve(1);
    // ZX takes 5 minutes: 2 in, about 3 left (and the wrap-up); 4 in, still about half of 5 (2.75).
    expect(h.newcomer('ZX', MON_0930 + 2 * MINUTE).minutes).toBe(3);
    expect(h.newcomer('ZX', MON_0930 + 4 * MINUTE).minutes).toBe(3);
    expect(h.newcomer('ZX', MON_0930 + 20 * MINUTE).minutes).toBe(3);
  });

  it('adds a handling time (call, service, wrap-up) for each one ahead, shared among the windows', () => {
    const one = hall(withWindows([{ categories: [{ id: 'ZX' }] }]));
    one.open(1);
    one.issue('ZX');
    one.serve(1);
    one.issue('ZX');
    one.issue('ZX');
    // 5.25 for the service in hand, then 2 × 5.75.
    expect(one.newcomer('ZX')).toMatchObject({ ahead: 2, minutes: 17 });
    const two = hall(withWindows([{ categories: [{ id: 'ZX' }] }, { categories: [{ id: 'ZX' }] }]));
    for (const w of [1, 2]) {
      two.open(w);
      two.issue('ZX');
      two.serve(w);
    }
    two.issue('ZX');
    two.issue('ZX');
    // Both come free at 5.25, each takes one, the newcomer goes at 11.
    expect(two.newcomer('ZX')).toMatchObject({ ahead: 2, minutes: 11 });
  });

  it("follows the windows' category order: a shared window that takes another category first serves this one later", () => {
    const sbLast = hall(withWindows([{ categories: [{ id: 'ZX' }, { id: 'SB' }], selection: 'order' }, { categories: [{ id: 'ZX' }] }]));
    const sbFirst = hall(withWindows([{ categories: [{ id: 'SB' }, { id: 'ZX' }], selection: 'order' }, { categories: [{ id: 'ZX' }] }]));
    for (const h of [sbLast, sbFirst]) {
      h.open(1);
      h.open(2);
      h.issue('ZX');
      h.issue('ZX');
    }
    // Nobody waits for SB, yet where window 1 calls consultations first the SB resident waits one out.
    expect(sbLast.newcomer('SB')).toMatchObject({ ahead: 0, minutes: 6 });
    expect(sbFirst.newcomer('SB')).toMatchObject({ ahead: 0, minutes: 0 });
  });

  it('puts a priority ticket before the normal ones, and a checked-in booking first', () => {
    const h = hall(withWindows([{ categories: [{ id: 'ZX' }] }]));
    h.open(1);
    h.issue('ZX');
    h.serve(1);
    for (let i = 0; i < 3; i++) h.issue('ZX');
    expect(h.newcomer('ZX').minutes).toBe(23);
    expect(h.newcomer('ZX', MON_0930, 'disabled').minutes).toBe(5);
    // Booked the day before (a slot that has begun cannot be booked), checked in at its start.
    h.run({ type: 'BookAppointment', data: { code: 'A1', categoryId: 'ZX', slotStart: MON_0930, slotEnd: MON_0930 + 30 * MINUTE } }, MON_0930 - 24 * 60 * MINUTE);
    const booked = h.issue('ZX', MON_0930, { appointmentCode: 'A1' });
    expect(booked?.estimate.minutes).toBe(5);
  });

  it('sees the windows come back when the regular session opens, before the day and over lunch', () => {
    const week = [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '14:00', extended: true }, { start: '14:00', end: '18:00' }];
    const all = { mon: week, tue: week, wed: week, thu: week, fri: week, sat: [], sun: [] };
    const h = hall(withWindows([{ categories: [{ id: 'ZX' }] }], { week: all }));
    const at1330 = Date.parse('2026-11-23T05:30:00Z');
    const lunch = h.newcomer('ZX', at1330);
    expect(lunch).toMatchObject({ openWindows: 0, minutes: 30 });
    expect(lunch.low).toBeLessThanOrEqual(30);
    expect(lunch.high).toBeGreaterThanOrEqual(30);
    // In a regular session nothing says when an absent clerk returns: the old rule, from now.
    h.issue('ZX');
    expect(h.newcomer('ZX', MON_0930)).toMatchObject({ openWindows: 0, minutes: 5 });
  });

  it("gives a waiting ticket its own place: the first in line before the last, the last as it was told", () => {
    const h = hall(withWindows([{ categories: [{ id: 'ZX' }] }, { categories: [{ id: 'ZX' }, { id: 'SB' }] }]));
    h.open(1);
    h.open(2);
    h.issue('ZX');
    h.serve(1);
    h.issue('ZX');
    h.serve(2);
    const told = [1, 2, 3, 4].map(() => h.issue('ZX')!);
    const now = told.map((t) => {
      const s = h.state.services.get(t.serviceId)!;
      return estimateFor(h.state, h.config, 'ZX', aheadOf(h.state, s), MON_0930, { serviceId: s.id }).minutes;
    });
    expect(now).toEqual([...now].sort((a, b) => a - b));
    expect(now[0]!).toBeLessThan(now[3]!);
    expect(now[3]).toBe(told[3]!.estimate.minutes);
  });
});

// --- properties over random halls --------------------------------------------------------------

const CATEGORIES = ['ZX', 'SB', 'MZ'] as const;
type Action =
  | { kind: 'issue'; category: (typeof CATEGORIES)[number]; priority: boolean }
  | { kind: 'open' | 'call' | 'start' | 'complete' | 'pause' | 'resume' | 'noShow'; window: number }
  | { kind: 'tick'; minutes: number };
const windowArb = fc.constantFrom(1, 2, 3);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('issue' as const), category: fc.constantFrom(...CATEGORIES), priority: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), window: windowArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('call' as const), window: windowArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('start' as const), window: windowArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noShow' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), window: windowArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 0, max: 12 }) }) },
);
const configArb = fc.constantFrom(
  testConfig({ windows: 3, requiresIdCard: false, priorityPerNormal: 2 }),
  withWindows([{ categories: [{ id: 'ZX' }, { id: 'SB' }], selection: 'order' }, { categories: [{ id: 'SB', weight: 2 }, { id: 'ZX', weight: 0.5 }] }, { categories: [{ id: 'MZ' }] }], { requiresIdCard: false }),
);

/** Plays the actions; refused commands change nothing and are skipped. */
function play(config: HallConfig, actions: Action[]): { state: HallState; now: number } {
  const state = emptyState();
  let now = MON_0930;
  let n = 0;
  let seq = 0;
  for (const a of actions) {
    let cmd: HallCommand;
    switch (a.kind) {
      case 'tick':
        now += a.minutes * MINUTE;
        continue;
      case 'issue':
        cmd = { type: 'IssueTicket', data: { ticketId: `t${++n}`, serviceId: `s${++n}`, categoryId: a.category, source: 'guide', ...(a.priority ? { priorityGroup: 'disabled' } : {}) } };
        break;
      case 'open':
        cmd = { type: 'OpenWindow', data: { windowId: a.window, staffId: `c${a.window}`, role: 'A' } };
        break;
      case 'call':
        cmd = { type: 'CallNext', data: { windowId: a.window, callId: `k${++n}` } };
        break;
      case 'start':
        cmd = { type: 'StartService', data: { windowId: a.window } };
        break;
      case 'complete':
        cmd = { type: 'CompleteService', data: { windowId: a.window } };
        break;
      case 'noShow':
        cmd = { type: 'MarkNoShow', data: { windowId: a.window } };
        break;
      case 'pause':
        cmd = { type: 'PauseWindow', data: { windowId: a.window, reason: '临时离岗' } };
        break;
      case 'resume':
        cmd = { type: 'ResumeWindow', data: { windowId: a.window } };
        break;
    }
    try {
      const events = decide(state, cmd, { config, at: now, actor: SYSTEM, seq: seq + 1 });
      seq += events.length;
      for (const e of events) evolve(state, e);
    } catch (err) {
      if (!(err instanceof HallqError)) throw err;
    }
  }
  return { state, now };
}

describe('the estimate, over random halls (fast-check)', () => {
  it('is pure and whole, holds its band, and keeps the queue order: later in line, never sooner', () => {
    fc.assert(
      fc.property(configArb, fc.array(actionArb, { maxLength: 60 }), (config, actions) => {
        const { state, now } = play(config, actions);
        const before = structuredClone(state);
        for (const c of CATEGORIES) {
          const newcomer = estimateFor(state, config, c, aheadOfNew(state, c, false), now);
          expect(estimateFor(state, config, c, aheadOfNew(state, c, false), now)).toEqual(newcomer);
          for (const e of [newcomer, estimateFor(state, config, c, aheadOfNew(state, c, true), now, { priorityGroup: 'disabled' })]) {
            expect(Number.isInteger(e.minutes) && e.minutes >= 0).toBe(true);
            expect(e.low).toBeLessThanOrEqual(e.minutes);
            expect(e.high).toBeGreaterThanOrEqual(e.minutes);
            expect(e.high - e.low).toBeGreaterThanOrEqual(3);
          }
          // Within a category and class, the later in line is never told a shorter wait, and a newcomer goes last.
          const waiting = [...(state.waiting.get(c) ?? [])].map((id) => state.services.get(id)!).sort((a, b) => a.orderKey - b.orderKey);
          for (const cls of [true, false]) {
            const line = waiting.filter((s) => isPriority(state, s) === cls).map((s) => estimateFor(state, config, c, aheadOf(state, s), now, { serviceId: s.id }).minutes);
            expect(line).toEqual([...line].sort((a, b) => a - b));
            if (!cls && line.length > 0) expect(newcomer.minutes).toBeGreaterThanOrEqual(line[line.length - 1]!);
          }
        }
        expect(state).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it('never drops when one more resident is ahead', () => {
    fc.assert(
      fc.property(configArb, fc.array(actionArb, { maxLength: 60 }), fc.constantFrom(...CATEGORIES), fc.constantFrom(...CATEGORIES), (config, actions, c, other) => {
        const { state, now } = play(config, actions);
        const before = estimateFor(state, config, c, aheadOfNew(state, c, false), now).minutes;
        try {
          const events = decide(state, { type: 'IssueTicket', data: { ticketId: 'one-more', serviceId: 'one-more-s', categoryId: other, source: 'guide' } }, { config, at: now, actor: SYSTEM, seq: 10_000 });
          for (const e of events) evolve(state, e);
        } catch (err) {
          if (!(err instanceof HallqError)) throw err;
        }
        expect(estimateFor(state, config, c, aheadOfNew(state, c, false), now).minutes).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 150 },
    );
  });
});
