import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HallConfig } from '../../src/config/schema.ts';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import { decide } from '../../src/domain/decide.ts';
import { HallqError } from '../../src/domain/errors.ts';
import type { HallEvent } from '../../src/domain/events.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { isPriority, selectNext } from '../../src/domain/select-next.ts';
import { referenceSelectNext } from '../support/select-next-reference.ts';
import { callOrderAt } from '../../src/domain/queries.ts';
import { emptyState, type HallState } from '../../src/domain/state.ts';
import { testConfig } from '../support/test-config.ts';

/**
 * Property tests of the engine over random command sequences (issue #2 acceptance):
 * no double calls, unique numbers, order within category and class, bounded starvation, transfers
 * keep the number, no-shows are never called again, and a refused command changes nothing.
 */

const MINUTE = 60_000;
const START = Date.parse('2026-11-23T01:00:00Z'); // Monday 09:00 in Shanghai
const SYSTEM: Actor = { kind: 'system', id: 'property-test' };
const CATEGORIES = ['ZX', 'SB', 'MZ'] as const;
const WINDOWS = [1, 2, 3, 4] as const;

type Action =
  | { kind: 'issue'; category: (typeof CATEGORIES)[number]; priority: boolean; holder: number | null }
  | { kind: 'open' | 'call' | 'recall' | 'noShow' | 'start' | 'complete' | 'pause' | 'resume' | 'close'; window: number }
  | { kind: 'transfer'; window: number; toCategory: string | null; toWindow: number | null; placement: 'front' | 'original' | 'back' }
  | { kind: 'cancel'; pick: number }
  | { kind: 'callChosen'; window: number; pick: number }
  | { kind: 'completeAndCall'; window: number }
  | { kind: 'tick'; minutes: number };

const windowArb = fc.constantFrom(...WINDOWS);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('issue' as const), category: fc.constantFrom(...CATEGORIES), priority: fc.boolean(), holder: fc.option(fc.integer({ min: 0, max: 5 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), window: windowArb }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('call' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('recall' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noShow' as const), window: windowArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('start' as const), window: windowArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('complete' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), window: windowArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      window: windowArb,
      toCategory: fc.option(fc.constantFrom(...CATEGORIES)),
      toWindow: fc.option(windowArb),
      placement: fc.constantFrom('front' as const, 'original' as const, 'back' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('callChosen' as const), window: windowArb, pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('completeAndCall' as const), window: windowArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 0, max: 25 }) }) },
);

class Run {
  state: HallState = emptyState();
  now = START;
  n = 0;
  readonly noShows = new Set<string>();
  readonly events: HallEvent[] = [];
  constructor(readonly config: HallConfig) {}

  command(a: Action): HallCommand | null {
    const id = () => `${++this.n}`;
    switch (a.kind) {
      case 'issue':
        return {
          type: 'IssueTicket',
          data: {
            ticketId: `t${id()}`,
            serviceId: `s${id()}`,
            categoryId: a.category,
            ...(a.priority ? { priorityGroup: 'disabled' } : {}),
            ...(a.holder !== null ? { holder: { hmac: `h${a.holder}`, idMasked: '3301**********0000', nameMasked: '张*', birthYear: 1990 } } : {}),
            source: 'guide',
          },
        };
      case 'open':
        return { type: 'OpenWindow', data: { windowId: a.window, staffId: `c${a.window}`, role: 'A' } };
      case 'call':
        return { type: 'CallNext', data: { windowId: a.window, callId: `call${id()}` } };
      case 'recall':
        return { type: 'Recall', data: { windowId: a.window, callId: `call${id()}` } };
      case 'noShow':
        return { type: 'MarkNoShow', data: { windowId: a.window } };
      case 'start':
        return { type: 'StartService', data: { windowId: a.window } };
      case 'complete':
        return { type: 'CompleteService', data: { windowId: a.window } };
      case 'pause':
        return { type: 'PauseWindow', data: { windowId: a.window, reason: '临时离岗' } };
      case 'resume':
        return { type: 'ResumeWindow', data: { windowId: a.window } };
      case 'close':
        return { type: 'CloseWindow', data: { windowId: a.window } };
      case 'transfer':
        return {
          type: 'TransferTicket',
          data: {
            windowId: a.window,
            newServiceId: `s${id()}`,
            ...(a.toCategory !== null ? { toCategoryId: a.toCategory } : {}),
            ...(a.toWindow !== null ? { toWindowId: a.toWindow } : {}),
            placement: a.placement,
          },
        };
      case 'cancel': {
        const ids = [...this.state.tickets.keys()];
        return ids.length === 0 ? null : { type: 'CancelTicket', data: { ticketId: ids[a.pick % ids.length]! } };
      }
      case 'callChosen': {
        // Any service, waiting or not (no-shows included): the engine must refuse all but this window's waiting ones.
        const ids = [...this.state.services.keys()];
        return ids.length === 0 ? null : { type: 'CallChosen', data: { windowId: a.window, callId: `call${id()}`, serviceId: ids[a.pick % ids.length]! } };
      }
      case 'completeAndCall':
        return { type: 'CompleteAndCallNext', data: { windowId: a.window, callId: `call${id()}` } };
      case 'tick':
        this.now += a.minutes * MINUTE;
        return null;
    }
  }

  step(a: Action): void {
    const cmd = this.command(a);
    if (!cmd) return;
    const before = fingerprint(this.state);
    let events: HallEvent[];
    try {
      events = decide(this.state, cmd, { config: this.config, at: this.now, actor: SYSTEM, seq: this.events.length + 1 });
    } catch (err) {
      expect(err).toBeInstanceOf(HallqError);
      // A refused command changes nothing.
      expect(fingerprint(this.state)).toBe(before);
      return;
    }
    expect(fingerprint(this.state)).toBe(before); // decide never mutates
    // The one-pass selection picks exactly what the plain sort-and-filter one did, for every window.
    for (const w of WINDOWS) expect(selectNext(this.state, this.config, w, this.now)).toEqual(referenceSelectNext(this.state, this.config, w, this.now));
    // The console's list is the order of calls: its head is what 叫号 calls now.
    if (cmd.type === 'CallNext') {
      const called = events.find((e) => e.type === 'ticket.called');
      const head = callOrderAt(this.state, this.config, cmd.data.windowId, this.now, 1)[0];
      expect(called?.type === 'ticket.called' ? called.data.serviceId : undefined).toBe(head?.serviceId);
    }
    if (cmd.type === 'CallChosen') {
      const chosen = this.state.services.get(cmd.data.serviceId)!;
      expect(chosen.status).toBe('waiting');
      expect(this.noShows.has(chosen.ticketId)).toBe(false);
    }
    for (const e of events) {
      if (e.type === 'ticket.called' && !e.data.recall && e.data.reason?.rule !== 'chosen') checkSelection(this.state, this.config, e, this.now);
      if (e.type === 'ticket.called') expect(this.noShows.has(e.data.ticketId), `no-show ${e.data.number} called again`).toBe(false);
      const numberBefore = e.type === 'ticket.transferred' ? this.state.tickets.get(e.data.ticketId)?.number : undefined;
      evolve(this.state, e);
      this.events.push(e);
      if (e.type === 'ticket.no_show') this.noShows.add(e.data.ticketId);
      if (e.type === 'ticket.transferred') {
        expect(this.state.tickets.get(e.data.ticketId)?.number).toBe(numberBefore);
        expect(e.data.number).toBe(numberBefore);
        expect(this.state.services.get(e.data.toServiceId)?.status).toBe('waiting');
      }
    }
    checkInvariants(this.state, this.noShows);
  }
}

function fingerprint(s: HallState): string {
  return JSON.stringify({
    t: [...s.tickets.values()],
    s: [...s.services.values()],
    w: [...s.windows.values()],
    c: [...s.counters],
    q: [...s.waiting].map(([k, v]) => [k, [...v]]),
  });
}

function checkInvariants(s: HallState, noShows: Set<string>): void {
  // No ticket is called (or served) at two windows.
  const live = new Map<string, number>();
  for (const w of s.windows.values()) {
    if (!w.currentServiceId) continue;
    const svc = s.services.get(w.currentServiceId);
    if (!svc || (svc.status !== 'called' && svc.status !== 'serving')) continue;
    expect(live.has(svc.ticketId), `ticket ${svc.ticketId} live at two windows`).toBe(false);
    live.set(svc.ticketId, w.id);
    expect(svc.windowId).toBe(w.id);
  }
  for (const svc of s.services.values()) {
    if (svc.status === 'called' || svc.status === 'serving') expect(live.get(svc.ticketId)).toBe(svc.windowId);
  }
  // Numbers are unique per prefix per business date.
  const numbers = new Set<string>();
  for (const t of s.tickets.values()) {
    const key = `${t.businessDate}|${t.number}`;
    expect(numbers.has(key), `number ${key} reused`).toBe(false);
    numbers.add(key);
  }
  // No-show is terminal.
  for (const id of noShows) expect(s.tickets.get(id)?.status).toBe('no_show');
  // The waiting index holds exactly the waiting services.
  const indexed = new Set([...s.waiting.values()].flatMap((set) => [...set]));
  for (const svc of s.services.values()) expect(indexed.has(svc.id)).toBe(svc.status === 'waiting');
}

/** The called ticket is the one the rules name, given the state just before the call. */
function checkSelection(s: HallState, config: HallConfig, e: Extract<HallEvent, { type: 'ticket.called' }>, now: number): void {
  const win = config.windows.find((w) => w.id === e.data.windowId)!;
  const served = new Set(win.categories.map((c) => c.id));
  const waiting = [...s.services.values()].filter((x) => x.status === 'waiting' && served.has(x.categoryId));
  const targeted = waiting.filter((x) => x.targetWindowId === win.id);
  const pool = waiting.filter((x) => x.targetWindowId === null);
  const chosen = s.services.get(e.data.serviceId)!;
  const rule = e.data.reason!.rule;
  expect(chosen.status).toBe('waiting');

  if (targeted.length > 0) {
    expect(rule).toBe('transferred_to_window');
    expect(chosen.orderKey).toBe(Math.min(...targeted.map((x) => x.orderKey)));
    return;
  }
  expect(chosen.targetWindowId).toBeNull();
  const maxWait = config.queue.fairness.maxWaitMin;
  const overdue = maxWait === undefined ? [] : pool.filter((x) => now - x.waitingSince > maxWait * MINUTE);
  if (overdue.length > 0) {
    // Bounded starvation: the longest-waiting overdue ticket goes before anything else in the pool.
    expect(rule).toBe('max_wait');
    expect(chosen.waitingSince).toBe(Math.min(...overdue.map((x) => x.waitingSince)));
    return;
  }
  // Within its category and priority class, the chosen one is first in line.
  const sameClass = pool.filter((x) => x.categoryId === chosen.categoryId && isPriority(s, x) === isPriority(s, chosen));
  expect(chosen.orderKey).toBe(Math.min(...sameClass.map((x) => x.orderKey)));
  const priorityWaiting = pool.some((x) => isPriority(s, x));
  const n = config.queue.fairness.priorityPerNormal;
  const streak = s.windows.get(win.id)?.priorityStreak ?? 0;
  if (isPriority(s, chosen)) {
    expect(rule).toBe('priority');
    // N:1 — after N priority calls in a row a waiting normal ticket goes first.
    if (n !== undefined) expect(streak < n || !pool.some((x) => !isPriority(s, x))).toBe(true);
  } else if (priorityWaiting) {
    expect(rule).toBe('ratio');
    expect(n !== undefined && streak >= n).toBe(true);
  }
  if (win.selection === 'order' && !isPriority(s, chosen) && !priorityWaiting) {
    const rank = (id: string) => win.categories.findIndex((c) => c.id === id);
    for (const x of pool) expect(rank(x.categoryId)).toBeGreaterThanOrEqual(rank(chosen.categoryId));
  }
}

const configs: [string, HallConfig][] = [
  ['N:1 = 2 with max wait 30 min', testConfig({ windows: 4, priorityPerNormal: 2, maxWaitMin: 30, allowChosenCall: true })],
  ['strict priority, no max wait', testConfig({ windows: 4 })],
  ['max wait only', testConfig({ windows: 4, maxWaitMin: 20, recallLimit: 0, allowChosenCall: true })],
];

describe('queue engine properties', () => {
  for (const [name, config] of configs) {
    it(`holds every invariant over random command sequences (${name})`, () => {
      fc.assert(
        fc.property(fc.array(actionArb, { minLength: 20, maxLength: 200 }), (actions) => {
          const run = new Run(config);
          for (const w of WINDOWS) run.step({ kind: 'open', window: w });
          for (const a of actions) run.step(a);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("lists a window's waiting tickets in the order its calls take them", () => {
    const config = testConfig({ windows: 4, priorityPerNormal: 2, maxWaitMin: 30, allowChosenCall: true });
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 20, maxLength: 150 }), fc.constantFrom(...WINDOWS), (actions, w) => {
        const run = new Run(config);
        for (const x of WINDOWS) run.step({ kind: 'open', window: x });
        for (const a of actions) run.step(a);
        const state = structuredClone(run.state);
        const win = state.windows.get(w);
        if (!win || win.status !== 'open') return;
        const list = callOrderAt(state, config, w, run.now, 50);
        const ctx = (seq: number) => ({ config, at: run.now, actor: SYSTEM, seq });
        let seq = run.events.length + 1;
        const apply = (events: HallEvent[]) => {
          for (const e of events) evolve(state, e);
          seq += events.length;
          return events;
        };
        if (win.currentServiceId && state.services.get(win.currentServiceId)?.status !== 'done') {
          const cur = state.services.get(win.currentServiceId)!;
          if (cur.status === 'called' || cur.status === 'serving') apply(decide(state, { type: 'CompleteService', data: { windowId: w } }, ctx(seq)));
        }
        for (const expected of list) {
          const called = apply(decide(state, { type: 'CallNext', data: { windowId: w, callId: `p${seq}` } }, ctx(seq)));
          expect(called[0]?.type === 'ticket.called' ? called[0].data.serviceId : null).toBe(expected.serviceId);
          expect(called[0]?.type === 'ticket.called' ? called[0].data.reason?.rule : null).toBe(expected.reason.rule);
          apply(decide(state, { type: 'CompleteService', data: { windowId: w } }, ctx(seq)));
        }
        if (list.length < 50) expect(decide(state, { type: 'CallNext', data: { windowId: w, callId: 'last' } }, ctx(seq))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('completes and calls next in one step exactly as completing, then calling', () => {
    const config = testConfig({ windows: 4, priorityPerNormal: 2, maxWaitMin: 30 });
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 20, maxLength: 150 }), fc.constantFrom(...WINDOWS), (actions, w) => {
        const run = new Run(config);
        for (const x of WINDOWS) run.step({ kind: 'open', window: x });
        for (const a of actions) run.step(a);
        const ctx = { config, at: run.now, actor: SYSTEM, seq: run.events.length + 1 };
        let oneStep: HallEvent[];
        try {
          oneStep = decide(run.state, { type: 'CompleteAndCallNext', data: { windowId: w, callId: 'x' } }, ctx);
        } catch (err) {
          expect(() => decide(run.state, { type: 'CompleteService', data: { windowId: w } }, ctx)).toThrow((err as Error).message);
          return;
        }
        const twoSteps = structuredClone(run.state);
        const completed = decide(twoSteps, { type: 'CompleteService', data: { windowId: w } }, ctx);
        for (const e of completed) evolve(twoSteps, e);
        const next = decide(twoSteps, { type: 'CallNext', data: { windowId: w, callId: 'x' } }, { ...ctx, seq: ctx.seq + completed.length });
        expect(oneStep).toEqual([...completed, ...next]);
      }),
      { numRuns: 100 },
    );
  });

  /** One window calling every 5 min under a flood of priority arrivals; one normal ticket among them. */
  function flood(config: HallConfig, arrivals: boolean[], intervals: number): number | null {
    const run = new Run(config);
    run.step({ kind: 'open', window: 1 });
    run.step({ kind: 'issue', category: 'ZX', priority: false, holder: null });
    const normal = [...run.state.tickets.values()][0]!;
    for (let k = 0; k < intervals; k++) {
      // At least one priority arrival per call: strict priority alone would starve the normal ticket.
      run.step({ kind: 'issue', category: 'ZX', priority: true, holder: null });
      if (arrivals[k % arrivals.length]) run.step({ kind: 'issue', category: 'SB', priority: true, holder: null });
      run.step({ kind: 'complete', window: 1 });
      run.step({ kind: 'call', window: 1 });
      const called = run.events.find((e) => e.type === 'ticket.called' && e.data.ticketId === normal.id);
      if (called && called.type === 'ticket.called') return called.data.calledAt - normal.issuedAt;
      run.step({ kind: 'tick', minutes: 5 });
    }
    return null;
  }

  it('calls a normal ticket within maxWait plus one call interval, however many priority tickets arrive', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 90 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), (maxWaitMin, arrivals) => {
        const config = testConfig({ windows: 1, maxWaitMin });
        const waited = flood(config, arrivals, 200);
        expect(waited).not.toBeNull();
        expect(waited!).toBeLessThanOrEqual((maxWaitMin + 5) * MINUTE);
      }),
      { numRuns: 60 },
    );
  });

  it('bounds the same wait by N priority calls with the N:1 rule alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), (n, arrivals) => {
        const waited = flood(testConfig({ windows: 1, priorityPerNormal: n }), arrivals, 200);
        expect(waited).not.toBeNull();
        expect(waited!).toBeLessThanOrEqual(n * 5 * MINUTE);
      }),
      { numRuns: 60 },
    );
  });

  it('starves the normal ticket under strict priority (the rules above are what prevent it)', () => {
    expect(flood(testConfig({ windows: 1 }), [true, false], 100)).toBeNull();
  });
});
