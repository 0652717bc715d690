import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import { decide } from '../../src/domain/decide.ts';
import { HallqError } from '../../src/domain/errors.ts';
import { evolve } from '../../src/domain/evolve.ts';
import type { HallEvent } from '../../src/domain/events.ts';
import { CLOSE_SLOT, slotsOf } from '../../src/domain/flow.ts';
import { emptyState, type HallState } from '../../src/domain/state.ts';
import { testConfig } from '../support/test-config.ts';

const MIN = 60_000;
const SYSTEM: Actor = { kind: 'system', id: 'test' };
const clerk = (w: number): Actor => ({ kind: 'staff', id: `c${w}`, role: 'clerk' });
const WEEK = {
  mon: [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '14:00', extended: true }, { start: '14:00', end: '17:45' }],
  tue: [{ start: '09:00', end: '12:00' }],
  wed: [{ start: '09:00', end: '12:00' }],
  thu: [{ start: '09:00', end: '12:00' }],
  fri: [{ start: '09:00', end: '12:00' }],
  sat: [{ start: '09:00', end: '12:00', extended: true }],
  sun: [],
};
const DATE = '2026-11-23'; // a Monday
const at = (hhmm: string) => Date.parse(`${DATE}T${hhmm}:00+08:00`);

describe('half-hour slots (§5.2.6)', () => {
  it('cuts the sessions at :00 and :30, ends with the close record at local midnight, marks extended ones', () => {
    const slots = slotsOf(testConfig({ week: WEEK }), DATE);
    expect(slots.map((s) => s.slot)).toEqual([540, 570, 600, 630, 660, 690, 720, 750, 780, 810, 840, 870, 900, 930, 960, 990, 1020, 1050, CLOSE_SLOT]);
    expect(slots.filter((s) => s.extended).map((s) => s.slot)).toEqual([720, 750, 780, 810]);
    // 17:30–17:45: the last session ends mid-slot.
    expect(slots.at(-2)!.to).toBe(at('17:45'));
    // Contiguous cover of the whole local day, whatever the server's zone (tests run at TZ=UTC).
    expect(process.env.TZ).toBe('UTC');
    expect(slots[0]!.from).toBe(at('00:00'));
    for (let i = 1; i < slots.length; i++) expect(slots[i]!.from).toBe(slots[i - 1]!.to);
    expect(slots.at(-1)!.to).toBe(Date.parse('2026-11-24T00:00:00+08:00'));
    expect(slotsOf(testConfig({ week: WEEK }), '2026-11-22')).toEqual([]); // Sunday: closed
  });
});

/** A day of random hall activity through the pure engine, with every slot recorded as the hub's timer does. */
function playDay(actions: { kind: 'issue' | 'call' | 'start' | 'complete' | 'noShow' | 'transfer'; window: number; cat: number; minutes: number }[]) {
  const config = testConfig({ windows: 2, week: WEEK, recallLimit: 0 });
  const state: HallState = emptyState();
  let seq = 0;
  const events: HallEvent[] = [];
  const run = (cmd: HallCommand, actor: Actor, when: number) => {
    try {
      const out = decide(state, cmd, { config, at: when, actor, seq: seq + 1 });
      seq += out.length;
      for (const e of out) {
        evolve(state, e);
        events.push(e);
      }
    } catch (err) {
      if (!(err instanceof HallqError)) throw err;
    }
  };
  const slots = slotsOf(config, DATE);
  let now = at('08:50');
  let n = 0;
  const recordDue = () => {
    for (const s of slots) if (s.to <= now) run({ type: 'RecordFlowSlot', data: { businessDate: DATE, slot: s.slot } }, SYSTEM, now);
  };
  for (const w of [1, 2]) run({ type: 'OpenWindow', data: { windowId: w, staffId: `c${w}`, role: 'A' } }, clerk(w), now);
  for (const a of actions) {
    now += a.minutes * MIN;
    if (now > at('23:50')) break;
    recordDue();
    const cats = ['ZX', 'SB'];
    switch (a.kind) {
      case 'issue':
        run({ type: 'IssueTicket', data: { ticketId: `t${++n}`, serviceId: `s${n}`, categoryId: cats[a.cat % 2]!, source: 'kiosk' } }, { kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' }, now);
        break;
      case 'call':
        run({ type: 'CallNext', data: { windowId: a.window, callId: `k${++n}` } }, clerk(a.window), now);
        break;
      case 'start':
        run({ type: 'StartService', data: { windowId: a.window } }, clerk(a.window), now);
        break;
      case 'complete':
        run({ type: 'CompleteService', data: { windowId: a.window } }, clerk(a.window), now);
        break;
      case 'noShow':
        run({ type: 'MarkNoShow', data: { windowId: a.window } }, clerk(a.window), now);
        break;
      case 'transfer':
        run({ type: 'TransferTicket', data: { windowId: a.window, newServiceId: `s${++n}`, toCategoryId: cats[(a.cat + 1) % 2]! } }, clerk(a.window), now);
        break;
    }
  }
  now = Date.parse('2026-11-24T00:00:30+08:00');
  recordDue();
  return { state, events, slots };
}

const action = fc.record({
  kind: fc.constantFrom('issue', 'issue', 'issue', 'call', 'start', 'complete', 'complete', 'noShow', 'transfer'),
  window: fc.constantFrom(1, 2),
  cat: fc.nat(3),
  minutes: fc.integer({ min: 0, max: 25 }),
});

describe('the flow records of a day (property)', () => {
  it('add up to the day: issued, called, served, no-shows and transfers, each slot once', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 120 }), (actions) => {
        const { events, slots } = playDay(actions);
        const records = events.filter((e): e is Extract<HallEvent, { type: 'flow.recorded' }> => e.type === 'flow.recorded');
        expect(records.map((r) => r.data.slot)).toEqual(slots.map((s) => s.slot));
        const sum = (f: (r: { issued: number; called: number; served: number; noShow: number; transfersIn: number; transfersOut: number }) => number) =>
          records.reduce((n, r) => n + r.data.categories.reduce((m, c) => m + f(c), 0), 0);
        const count = (type: HallEvent['type'], pred: (e: HallEvent) => boolean = () => true) => events.filter((e) => e.type === type && pred(e)).length;
        expect(sum((c) => c.issued)).toBe(count('ticket.issued'));
        expect(sum((c) => c.called)).toBe(count('ticket.called', (e) => e.type === 'ticket.called' && !e.data.recall));
        expect(sum((c) => c.served)).toBe(count('ticket.completed'));
        expect(sum((c) => c.noShow)).toBe(count('ticket.no_show'));
        expect(sum((c) => c.transfersOut)).toBe(count('ticket.transferred'));
        expect(sum((c) => c.transfersIn)).toBe(count('ticket.transferred'));
      }),
      { numRuns: 60 },
    );
  });

  it('never records a slot twice, and refuses one that has not ended', () => {
    const { state } = playDay([{ kind: 'issue', window: 1, cat: 0, minutes: 20 }]);
    const config = testConfig({ windows: 2, week: WEEK });
    const again = decide(state, { type: 'RecordFlowSlot', data: { businessDate: DATE, slot: 540 } }, { config, at: at('23:00'), actor: SYSTEM, seq: 1000 });
    expect(again).toEqual([]);
    expect(() => decide(emptyState(), { type: 'RecordFlowSlot', data: { businessDate: DATE, slot: 600 } }, { config, at: at('10:10'), actor: SYSTEM, seq: 1 })).toThrow(HallqError);
  });
});
