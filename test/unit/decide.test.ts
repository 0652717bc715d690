import { describe, expect, it } from 'vitest';
import type { HallConfig } from '../../src/config/schema.ts';
import { businessDate, openingAt } from '../../src/domain/calendar.ts';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import { decide } from '../../src/domain/decide.ts';
import { HallqError, type ErrorCode } from '../../src/domain/errors.ts';
import type { HallEvent } from '../../src/domain/events.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { emptyState, type HallState } from '../../src/domain/state.ts';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { testConfig } from '../support/test-config.ts';

const SYSTEM: Actor = { kind: 'system', id: 'test' };
const MON_0930 = Date.parse('2026-11-23T01:30:00Z'); // Monday 09:30 Asia/Shanghai
const holder = (hmac: string, birthYear = 1990) => ({ hmac, idMasked: '3301**********0000', nameMasked: '王*', birthYear });

/** given(commands).when(command).then(events | error), over a pure engine. */
function given(config: HallConfig, at = MON_0930) {
  const state: HallState = emptyState();
  let n = 0;
  let seq = 0;
  const run = (cmd: HallCommand, when = at) => {
    const events = decide(state, cmd, { config, at: when, actor: SYSTEM, seq: seq + 1 });
    seq += events.length;
    for (const e of events) evolve(state, e);
    return events;
  };
  const api = {
    state,
    config,
    run,
    issue: (categoryId: string, extra: Partial<Extract<HallCommand, { type: 'IssueTicket' }>['data']> = {}, when = at) =>
      run({ type: 'IssueTicket', data: { ticketId: `t${++n}`, serviceId: `s${++n}`, categoryId, source: 'kiosk', ...extra } }, when),
    open: (windowId: number) => run({ type: 'OpenWindow', data: { windowId, staffId: `c${windowId}`, role: 'A' } }),
    call: (windowId: number, when = at) => run({ type: 'CallNext', data: { windowId, callId: `k${++n}` } }, when),
    fails: (cmd: HallCommand, code: ErrorCode, when = at) => {
      let caught: unknown;
      try {
        decide(state, cmd, { config, at: when, actor: SYSTEM, seq: seq + 1 });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(HallqError);
      expect((caught as HallqError).code).toBe(code);
    },
  };
  return api;
}

const issuedNumber = (events: HallEvent[]) => (events[0]?.type === 'ticket.issued' ? events[0].data.number : null);

describe('numbering', () => {
  it('counts per prefix per business date and pads to three digits', () => {
    const g = given(testConfig());
    expect(issuedNumber(g.issue('ZX'))).toBe('A001');
    expect(issuedNumber(g.issue('SB'))).toBe('B001');
    expect(issuedNumber(g.issue('ZX'))).toBe('A002');
  });

  it('restarts at local midnight in Asia/Shanghai, whatever the server zone', () => {
    expect(process.env.TZ).toBe('UTC');
    const g = given(testConfig());
    const beforeMidnight = Date.parse('2026-11-23T15:59:59Z'); // 23:59:59 in Shanghai
    const afterMidnight = Date.parse('2026-11-23T16:00:00Z'); // 00:00 next day in Shanghai
    expect(issuedNumber(g.issue('ZX', {}, beforeMidnight))).toBe('A001');
    expect(issuedNumber(g.issue('ZX', {}, beforeMidnight))).toBe('A002');
    expect(issuedNumber(g.issue('ZX', {}, afterMidnight))).toBe('A001');
    expect(businessDate(afterMidnight, 'Asia/Shanghai')).toBe('2026-11-24');
    // UTC midnight is 08:00 in Shanghai: no reset there.
    expect(issuedNumber(g.issue('ZX', {}, Date.parse('2026-11-25T00:00:00Z')))).toBe('A001');
    expect(issuedNumber(g.issue('ZX', {}, Date.parse('2026-11-25T00:00:01Z')))).toBe('A002');
  });
});

describe('limits at the kiosk', () => {
  it('refuses past the daily quota', () => {
    const g = given(testConfig({ quota: 2 }));
    g.issue('ZX');
    g.issue('ZX');
    g.fails({ type: 'IssueTicket', data: { ticketId: 'x', serviceId: 'y', categoryId: 'ZX', source: 'kiosk' } }, 'HQ_ERR_QUOTA_REACHED');
  });

  it('allows one ticket per ID per category per day', () => {
    const g = given(testConfig());
    g.issue('SB', { holder: holder('h1') });
    g.fails({ type: 'IssueTicket', data: { ticketId: 'x', serviceId: 'y', categoryId: 'SB', holder: holder('h1'), source: 'kiosk' } }, 'HQ_ERR_ONE_PER_ID');
    expect(issuedNumber(g.issue('ZX', { holder: holder('h1') }))).toBe('A001');
    expect(issuedNumber(g.issue('SB', { holder: holder('h1') }, MON_0930 + 24 * 3600_000))).toBe('B001');
  });

  it('requires the card where the category says so', () => {
    const g = given(testConfig());
    g.fails({ type: 'IssueTicket', data: { ticketId: 'x', serviceId: 'y', categoryId: 'MZ', source: 'kiosk' } }, 'HQ_ERR_ID_CARD_REQUIRED');
  });

  it('gives the age group from the birth year, and the guide group when set', () => {
    const g = given(testConfig());
    const old = g.issue('ZX', { holder: holder('h2', 1960) });
    expect(old[0]?.type === 'ticket.issued' && old[0].data.priorityGroup).toBe('elderly');
    const young = g.issue('ZX', { holder: holder('h3', 1990) });
    expect(young[0]?.type === 'ticket.issued' && young[0].data.priorityGroup).toBe(null);
    const guided = g.issue('ZX', { priorityGroup: 'disabled' });
    expect(guided[0]?.type === 'ticket.issued' && guided[0].data.priorityBy).toBe('guide');
  });

  it('refuses when the category is closed and says when it opens', () => {
    const config = loadHallConfig('config/hall.yaml');
    const sunday = Date.parse('2026-11-22T02:00:00Z');
    const g = given(config, sunday);
    let err: HallqError | undefined;
    try {
      g.issue('ZX');
    } catch (e) {
      err = e as HallqError;
    }
    expect(err?.code).toBe('HQ_ERR_CATEGORY_CLOSED');
    expect(err?.detail?.nextOpenAt).toBe(Date.parse('2026-11-23T01:00:00Z')); // Monday 09:00
  });

  it('follows the demo hall week: lunch and Saturday are extended sessions, holidays are closed', () => {
    const config = loadHallConfig('config/hall.yaml');
    const lunch = openingAt(config, 'ZX', Date.parse('2026-11-23T04:30:00Z')); // Mon 12:30
    expect(lunch.open && lunch.session.extended).toBe(true);
    const saturday = openingAt(config, 'ZX', Date.parse('2026-11-21T02:00:00Z')); // Sat 10:00
    expect(saturday.open && saturday.session.extended).toBe(true);
    expect(openingAt(config, 'ZX', Date.parse('2026-10-01T02:00:00Z')).open).toBe(false); // National Day
    expect(openingAt(config, 'ZX', Date.parse('2026-10-10T02:00:00Z')).open).toBe(true); // make-up Saturday
    expect(openingAt(config, 'DB', Date.parse('2026-11-23T06:30:00Z')).open).toBe(false); // drop-off mornings only
    // Issuing stops 10 minutes before a session ends.
    expect(openingAt(config, 'ZX', Date.parse('2026-11-23T09:55:00Z')).open).toBe(false); // Mon 17:55
  });

  it('refuses when the estimated wait runs past closing', () => {
    const config = testConfig({ refuseIfWaitPastClose: true, week: weekOf([{ start: '09:00', end: '10:00' }]) });
    const g = given(config);
    for (let i = 0; i < 10; i++) g.issue('SB'); // 10 min each over 3 windows: 10 ahead is 33 min, past the 10:00 close
    g.fails({ type: 'IssueTicket', data: { ticketId: 'x', serviceId: 'y', categoryId: 'SB', source: 'kiosk' } }, 'HQ_ERR_WAIT_PAST_CLOSING');
  });
});

function weekOf(sessions: { start: string; end: string }[]): HallConfig['schedule']['week'] {
  return { mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions, sat: sessions, sun: sessions };
}

describe('calling', () => {
  it('turns a recall over the limit into a no-show, which is final', () => {
    const g = given(testConfig({ recallLimit: 2 }));
    g.issue('ZX');
    g.open(1);
    g.call(1);
    const recall = (): HallEvent[] => g.run({ type: 'Recall', data: { windowId: 1, callId: `r${Math.random()}` } });
    expect(recall()[0]?.type).toBe('ticket.called');
    expect(recall()[0]?.type).toBe('ticket.called');
    const third = recall();
    expect(third[0]?.type).toBe('ticket.no_show');
    expect(third[0]?.type === 'ticket.no_show' && third[0].data.reason).toBe('recall_limit');
    expect(g.call(1)).toEqual([]); // never requeued
    g.fails({ type: 'Recall', data: { windowId: 1, callId: 'z' } }, 'HQ_ERR_WINDOW_NO_CURRENT');
  });

  it('needs a reason to pause, refuses calls while paused, and will not pause over a called ticket', () => {
    const g = given(testConfig());
    g.issue('ZX');
    g.open(1);
    g.fails({ type: 'PauseWindow', data: { windowId: 1, reason: '   ' } }, 'HQ_ERR_PAUSE_REASON_REQUIRED');
    g.call(1);
    g.fails({ type: 'PauseWindow', data: { windowId: 1, reason: '午休' } }, 'HQ_ERR_WINDOW_BUSY');
    g.run({ type: 'CompleteService', data: { windowId: 1 } });
    g.run({ type: 'PauseWindow', data: { windowId: 1, reason: '外出送件' } });
    g.fails({ type: 'CallNext', data: { windowId: 1, callId: 'x' } }, 'HQ_ERR_WINDOW_PAUSED');
    g.run({ type: 'ResumeWindow', data: { windowId: 1 } });
    expect(g.state.windows.get(1)?.status).toBe('open');
  });

  it('places a transferred ticket front, at its original place, or at the back', () => {
    for (const [placement, expected] of [
      ['front', 'A001'],
      ['original', 'A001'],
      ['back', 'B001'],
    ] as const) {
      const g = given(testConfig());
      g.issue('ZX'); // A001
      g.open(1);
      g.call(1, MON_0930 + 1000);
      g.issue('SB', {}, MON_0930 + 2000); // B001 arrives after A001
      g.run({ type: 'TransferTicket', data: { windowId: 1, newServiceId: 'n1', toCategoryId: 'SB', placement } }, MON_0930 + 3000);
      const called = g.call(1, MON_0930 + 4000);
      expect(called[0]?.type === 'ticket.called' && called[0].data.number, placement).toBe(expected);
    }
  });

  it('lets the B clerk take over an open window and records whom they replaced', () => {
    const g = given(testConfig());
    g.open(1);
    const e = g.run({ type: 'OpenWindow', data: { windowId: 1, staffId: 'b1', role: 'B' } });
    expect(e[0]?.type === 'window.opened' && e[0].data.replacedStaffId).toBe('c1');
    g.fails({ type: 'OpenWindow', data: { windowId: 1, staffId: 'c2', role: 'A' } }, 'HQ_ERR_STAFF_NOT_ASSIGNED');
  });

  it('records every ticket still open at closing as abandoned_at_close, and signs windows out', () => {
    const g = given(testConfig());
    g.issue('ZX');
    g.issue('SB');
    g.open(1);
    g.call(1);
    const closed = g.run({ type: 'CloseBusinessDay', data: { businessDate: '2026-11-23' } });
    expect(closed.map((e) => e.type)).toEqual(['ticket.abandoned_at_close', 'ticket.abandoned_at_close', 'window.closed']);
    const atWindow = closed.find((e) => e.type === 'ticket.abandoned_at_close' && e.data.windowId !== null);
    expect(atWindow?.type === 'ticket.abandoned_at_close' && atWindow.data.staffId).toBe('c1');
    expect([...g.state.tickets.values()].map((t) => t.status)).toEqual(['abandoned_at_close', 'abandoned_at_close']);
    expect(g.state.windows.get(1)?.status).toBe('closed');
    expect(g.state.windows.get(1)?.currentServiceId).toBeNull();
    // A window signed in on the next day is left alone.
    g.run({ type: 'OpenWindow', data: { windowId: 2, staffId: 'c2', role: 'A' } }, MON_0930 + 24 * 3600_000);
    expect(g.run({ type: 'CloseBusinessDay', data: { businessDate: '2026-11-23' } }, MON_0930 + 24 * 3600_000)).toEqual([]);
  });

  it('lets a resident take a new number after a no-show or a cancel (过号重新取号), not while one is live', () => {
    const g = given(testConfig());
    g.issue('MZ', { holder: holder('hz') });
    g.fails({ type: 'IssueTicket', data: { ticketId: 'x', serviceId: 'y', categoryId: 'MZ', holder: holder('hz'), source: 'kiosk' } }, 'HQ_ERR_ONE_PER_ID');
    g.open(1);
    g.call(1);
    g.run({ type: 'MarkNoShow', data: { windowId: 1 } });
    expect(issuedNumber(g.issue('MZ', { holder: holder('hz') }))).toBe('C002');
    g.run({ type: 'CancelTicket', data: { ticketId: [...g.state.tickets.values()].find((t) => t.number === 'C002')!.id } });
    expect(issuedNumber(g.issue('MZ', { holder: holder('hz') }))).toBe('C003');
  });
});

describe('appointments', () => {
  it('checks in inside the slot only, once, and is called first', () => {
    const g = given(testConfig());
    const slotStart = MON_0930 + 60 * 60_000;
    g.run({ type: 'BookAppointment', data: { code: 'ABCD2345', categoryId: 'SB', slotStart, slotEnd: slotStart + 30 * 60_000, holder: holder('hx') } });
    const checkIn = (when: number, h = holder('hx')): Extract<HallCommand, { type: 'IssueTicket' }> => ({
      type: 'IssueTicket',
      data: { ticketId: `a${when}`, serviceId: `as${when}`, appointmentCode: 'ABCD2345', holder: h, source: 'kiosk' },
    });
    g.fails(checkIn(MON_0930), 'HQ_ERR_APPOINTMENT_OUTSIDE_SLOT'); // 60 min early, allowed 30
    g.fails(checkIn(slotStart, holder('other')), 'HQ_ERR_APPOINTMENT_HOLDER_MISMATCH', slotStart);
    g.issue('SB', {}, slotStart - 20 * 60_000); // a walk-in before
    g.run(checkIn(slotStart - 10 * 60_000), slotStart - 10 * 60_000);
    g.fails(checkIn(slotStart), 'HQ_ERR_APPOINTMENT_USED', slotStart);
    g.fails({ type: 'IssueTicket', data: { ticketId: 'q', serviceId: 'qq', appointmentCode: 'NOPE2345', source: 'kiosk' } }, 'HQ_ERR_APPOINTMENT_NOT_FOUND');
    g.open(2);
    const called = g.call(2, slotStart);
    expect(called[0]?.type === 'ticket.called' && called[0].data.reason?.rule).toBe('appointment');
  });
});

describe('memory pruning', () => {
  it('drops finished tickets of earlier dates and keeps unfinished ones and today', async () => {
    const { pruneFinished } = await import('../../src/domain/state.ts');
    const g = given(testConfig());
    g.issue('ZX'); // stays waiting
    g.issue('SB');
    g.open(1);
    g.call(1);
    g.run({ type: 'CompleteService', data: { windowId: 1 } });
    const today = g.issue('ZX', {}, MON_0930 + 24 * 3600_000);
    const [rated] = [...g.state.ratings.keys()];
    expect(rated).toBeDefined();
    const pruned = structuredClone(g.state);
    expect(pruneFinished(pruned, '2026-11-24')).toBe(1);
    expect([...pruned.ratings.keys()]).toEqual([rated]); // an open rating request survives a prune (its timeout must still fire)
    g.run({ type: 'ExpireRating', data: { serviceId: rated! } }, MON_0930 + 24 * 3600_000);
    expect(pruneFinished(g.state, '2026-11-24')).toBe(1);
    expect([...g.state.tickets.values()].map((t) => `${t.businessDate} ${t.number}`).sort()).toEqual(['2026-11-23 B001', '2026-11-24 A001']);
    expect(today[0]?.type).toBe('ticket.issued');
    expect(g.state.counters.has('2026-11-23|A')).toBe(false);
    expect(g.state.ratings.size).toBe(0); // the timed-out rating went with its ticket
  });
});

describe('appointment check-in by card', () => {
  it("finds the holder's own appointment in its slot, and explains when it is not", () => {
    const g = given(testConfig());
    const slotStart = MON_0930 + 60 * 60_000;
    g.run({ type: 'BookAppointment', data: { code: 'CARD2345', categoryId: 'SB', slotStart, slotEnd: slotStart + 30 * 60_000, holder: holder('hc') } });
    const byCard = (h: ReturnType<typeof holder>): HallCommand => ({ type: 'IssueTicket', data: { ticketId: `c${Math.random()}`, serviceId: `cs${Math.random()}`, holder: h, appointmentByHolder: true, source: 'kiosk' } });
    g.fails(byCard(holder('stranger')), 'HQ_ERR_APPOINTMENT_NOT_FOUND', slotStart);
    g.fails(byCard(holder('hc')), 'HQ_ERR_APPOINTMENT_OUTSIDE_SLOT', MON_0930);
    const e = g.run(byCard(holder('hc')), slotStart);
    expect(e[0]?.type === 'ticket.issued' && e[0].data.appointmentCode).toBe('CARD2345');
    expect(e[0]?.type === 'ticket.issued' && e[0].data.source).toBe('appointment');
  });
});

describe('working days', () => {
  it('counts working days across a holiday and a make-up working day', async () => {
    const { addWorkingDays, isWorkingDay } = await import('../../src/domain/calendar.ts');
    const config = loadHallConfig('config/hall.yaml');
    // National Day 2026: Oct 1–2 and 5–7 are holidays; Saturday Oct 10 is a make-up working day.
    expect(isWorkingDay(config, '2026-10-01')).toBe(false);
    expect(isWorkingDay(config, '2026-10-10')).toBe(true);
    expect(isWorkingDay(config, '2026-10-11')).toBe(false);
    // From Wed 2026-09-30: Oct 8, 9, 10 (make-up), 12, 13 …
    expect(addWorkingDays(config, '2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays(config, '2026-09-30', 3)).toBe('2026-10-10');
    expect(addWorkingDays(config, '2026-09-30', 15)).toBe('2026-10-27'); // 8 9 10 | 12–16 | 19–23 | 26 27
    // An ordinary stretch: 15 working days is three weeks.
    expect(addWorkingDays(config, '2026-11-23', 15)).toBe('2026-12-14');
  });
});

describe('issue #13: sessions that touch are one stretch for issuing', () => {
  const config = loadHallConfig('config/hall.yaml'); // 09–12, 12–14 (lunch), 14–18, stop 10 min before the end
  it('keeps issuing at 11:55 and 13:55 on a weekday, when the next session starts at that very minute', () => {
    for (const at of ['2026-11-23T03:55:00Z', '2026-11-23T05:55:00Z', '2026-11-23T03:50:00Z']) {
      const g = given(config, Date.parse(at));
      expect(issuedNumber(g.issue('ZX')), at).toMatch(/^A\d{3}$/);
    }
    const lunchEdge = openingAt(config, 'ZX', Date.parse('2026-11-23T03:55:00Z'));
    expect(lunchEdge.open && lunchEdge.closesAt).toBe(Date.parse('2026-11-23T10:00:00Z')); // the stretch ends at 18:00
  });

  it('still stops before service really stops: 17:55 on a weekday, 11:55 on Saturday, 11:50 for the mornings-only drop-off', () => {
    const g = given(config, Date.parse('2026-11-23T09:55:00Z'));
    g.fails({ type: 'IssueTicket', data: { ticketId: 'x', serviceId: 'y', categoryId: 'ZX', source: 'kiosk' } }, 'HQ_ERR_CATEGORY_CLOSED');
    expect(openingAt(config, 'ZX', Date.parse('2026-11-21T03:55:00Z')).open).toBe(false); // Sat 11:55, nothing after
    const dropOff = openingAt(config, 'DB', Date.parse('2026-11-23T03:50:00Z')); // Mon 11:50
    expect(dropOff.open).toBe(false);
    expect(!dropOff.open && dropOff.nextOpenAt).toBe(Date.parse('2026-11-24T01:00:00Z')); // Tue 09:00
  });
});

describe('issue #13: the console', () => {
  const clerk: Actor = { kind: 'staff', id: 'c1', role: 'clerk' };
  const at = (g: ReturnType<typeof given>, cmd: HallCommand, actor: Actor = clerk) => {
    const events = decide(g.state, cmd, { config: g.config, at: MON_0930, actor, seq: 1000 });
    for (const e of events) evolve(g.state, e);
    return events;
  };

  it('calls a chosen number only where the config allows it, records it as chosen, and never a no-show', () => {
    const off = given(testConfig());
    off.issue('ZX');
    off.open(1);
    const waiting = [...off.state.services.keys()][0]!;
    off.fails({ type: 'CallChosen', data: { windowId: 1, callId: 'k', serviceId: waiting } }, 'HQ_ERR_CHOSEN_CALL_DISABLED');

    const g = given(testConfig({ allowChosenCall: true }));
    g.issue('ZX'); // A001
    g.issue('ZX'); // A002
    g.open(1);
    const a002 = [...g.state.services.values()].find((s) => g.state.tickets.get(s.ticketId)?.number === 'A002')!;
    const e = at(g, { type: 'CallChosen', data: { windowId: 1, callId: 'k1', serviceId: a002.id } });
    expect(e[0]?.type === 'ticket.called' && [e[0].data.number, e[0].data.reason?.rule, e[0].data.staffId]).toEqual(['A002', 'chosen', 'c1']);
    at(g, { type: 'MarkNoShow', data: { windowId: 1 } });
    // 过号重新取号: the missed number cannot be chosen back.
    g.fails({ type: 'CallChosen', data: { windowId: 1, callId: 'k2', serviceId: a002.id } }, 'HQ_ERR_CHOSEN_NOT_WAITING');
    // Nor a number of a category the window does not serve, nor one sent to another window.
    const other = given(testConfig({ allowChosenCall: true, windows: 2 }));
    other.issue('ZX');
    other.open(1);
    other.open(2);
    other.call(1);
    other.run({ type: 'TransferTicket', data: { windowId: 1, newServiceId: 'moved', toWindowId: 2, note: '请核对户口簿' } });
    other.fails({ type: 'CallChosen', data: { windowId: 1, callId: 'k3', serviceId: 'moved' } }, 'HQ_ERR_CHOSEN_NOT_WAITING');
    // The transfer note travels with the new service, for window 2's console.
    expect(other.state.services.get('moved')?.transfer).toMatchObject({ fromWindowId: 1, note: '请核对户口簿', staffId: 'c1' });
  });

  it('completes and calls the next in one step; with nobody waiting it only completes', () => {
    const g = given(testConfig());
    g.issue('ZX');
    g.issue('ZX');
    g.open(1);
    g.call(1);
    const both = g.run({ type: 'CompleteAndCallNext', data: { windowId: 1, callId: 'n1' } });
    expect(both.map((e) => e.type)).toEqual(['ticket.completed', 'rating.requested', 'ticket.called']);
    expect(both[2]?.type === 'ticket.called' && both[2].data.number).toBe('A002');
    expect(g.run({ type: 'CompleteAndCallNext', data: { windowId: 1, callId: 'n2' } }).map((e) => e.type)).toEqual(['ticket.completed', 'rating.requested']);
    g.fails({ type: 'CompleteAndCallNext', data: { windowId: 1, callId: 'n3' } }, 'HQ_ERR_WINDOW_NO_CURRENT');
  });

  it("lists the window's queue in call order with reasons, and counts the clerk's day", async () => {
    const { callOrderAt, clerkDay } = await import('../../src/domain/queries.ts');
    const g = given(testConfig());
    g.issue('ZX');
    g.issue('SB');
    g.issue('ZX', { priorityGroup: 'disabled' });
    g.open(1);
    const list = callOrderAt(g.state, g.config, 1, MON_0930);
    expect(list.map((x) => [x.number, x.reason.rule])).toEqual([
      ['A002', 'priority'],
      ['A001', 'weighted_wait'],
      ['B001', 'arrival'],
    ]);
    at(g, { type: 'CallNext', data: { windowId: 1, callId: 'q1' } });
    at(g, { type: 'StartService', data: { windowId: 1 } });
    const done = decide(g.state, { type: 'CompleteService', data: { windowId: 1 } }, { config: g.config, at: MON_0930 + 6 * 60_000, actor: clerk, seq: 2000 });
    for (const e of done) evolve(g.state, e);
    const day = clerkDay(g.state, g.config, 'c1', MON_0930 + 7 * 60_000);
    expect(day).toMatchObject({ served: 1, meanHandlingMin: 6, noShows: 0, ratings: { rated: 0, unrated: 0 } });
  });
});

describe('issue #13: what a resident is told', () => {
  it('shows a resident refused for a second number the number they hold and where it stands', () => {
    const g = given(testConfig());
    g.issue('SB');
    g.issue('SB', { holder: holder('h9') });
    let err: HallqError | undefined;
    try {
      decide(g.state, { type: 'IssueTicket', data: { ticketId: 'x', serviceId: 'y', categoryId: 'SB', holder: holder('h9'), source: 'kiosk' } }, { config: g.config, at: MON_0930, actor: SYSTEM, seq: 99 });
    } catch (e) {
      err = e as HallqError;
    }
    expect(err?.code).toBe('HQ_ERR_ONE_PER_ID');
    expect(err?.detail).toMatchObject({ number: 'B002', status: 'waiting', ahead: 1, windowId: null });
  });

  it('probes the tiles: open, full, closed, wait past closing, and a card holder’s own refusals', async () => {
    const { probeIssue } = await import('../../src/domain/decide.ts');
    const g = given(testConfig({ quota: 1, refuseIfWaitPastClose: true, week: weekOf([{ start: '09:00', end: '10:00' }]) }));
    expect(probeIssue(g.state, g.config, MON_0930, 'ZX', 'any').ok).toBe(true);
    expect(probeIssue(g.state, g.config, MON_0930, 'MZ', 'any').ok).toBe(true); // needs a card: not "closed"
    g.issue('ZX');
    expect(probeIssue(g.state, g.config, MON_0930, 'ZX', 'any')).toMatchObject({ ok: false, code: 'HQ_ERR_QUOTA_REACHED' });
    expect(probeIssue(g.state, g.config, Date.parse('2026-11-23T03:00:00Z'), 'SB', 'any')).toMatchObject({ ok: false, code: 'HQ_ERR_CATEGORY_CLOSED' });
    for (let i = 0; i < 10; i++) g.issue('SB');
    expect(probeIssue(g.state, g.config, MON_0930, 'SB', 'any')).toMatchObject({ ok: false, code: 'HQ_ERR_WAIT_PAST_CLOSING' });
    g.issue('MZ', { holder: holder('hh') });
    expect(probeIssue(g.state, g.config, MON_0930, 'MZ', holder('hh'))).toMatchObject({ ok: false, code: 'HQ_ERR_ONE_PER_ID' });
    // A probe changes nothing.
    expect(g.state.tickets.size).toBe(12);
  });
});

describe('issue #13: estimates', () => {
  it('are damped: a few quick services (or one very slow one) do not swing them', async () => {
    const { estimateFor } = await import('../../src/domain/estimate.ts');
    const g = given(testConfig({ windows: 1 })); // ZX: 5 min configured
    for (let i = 0; i < 9; i++) g.issue('ZX');
    g.open(1);
    const before = estimateFor(g.state, g.config, 'ZX', 9).minutes;
    expect(before).toBe(45);
    for (let i = 0; i < 3; i++) {
      g.call(1, MON_0930 + i * 60_000);
      g.run({ type: 'CompleteService', data: { windowId: 1 } }, MON_0930 + i * 60_000 + 20_000); // 20 s each
    }
    const after = estimateFor(g.state, g.config, 'ZX', 9).minutes;
    expect(after).toBeGreaterThanOrEqual(before * 0.7);
    const slow = given(testConfig({ windows: 1 }));
    slow.issue('ZX');
    slow.open(1);
    slow.call(1);
    slow.run({ type: 'CompleteService', data: { windowId: 1 } }, MON_0930 + 240 * 60_000);
    expect(estimateFor(slow.state, slow.config, 'ZX', 9).minutes).toBeLessThanOrEqual(45 * 3);
  });

  it('say when no window serves the category, instead of 0 or a guess as a fact', async () => {
    const { estimateFor } = await import('../../src/domain/estimate.ts');
    const g = given(testConfig({ windows: 2 }));
    expect(estimateFor(g.state, g.config, 'ZX', 0)).toMatchObject({ minutes: 0, openWindows: 0 });
    g.open(1);
    expect(estimateFor(g.state, g.config, 'ZX', 4).openWindows).toBe(1);
    g.run({ type: 'PauseWindow', data: { windowId: 1, reason: '午间休息' } });
    expect(estimateFor(g.state, g.config, 'ZX', 4).openWindows).toBe(0);
    const issued = g.issue('ZX');
    expect(issued[0]?.type === 'ticket.issued' && issued[0].data.estimate.openWindows).toBe(0);
  });
});

describe('issue #13: ratings from the tablet pad', () => {
  it('need a reason for the two lowest levels; key pads cannot give one and are taken as they are', () => {
    const g = given(testConfig());
    g.issue('ZX');
    g.open(1);
    g.call(1);
    g.run({ type: 'CompleteService', data: { windowId: 1 } });
    const serviceId = [...g.state.ratings.keys()][0]!;
    const pad: Actor = { kind: 'device', id: 'pad-1', deviceKind: 'pad', windowId: 1 };
    const rate = (level: number, channel: 'pad' | 'hid', reasons?: string[]) =>
      decide(g.state, { type: 'RateService', data: { ratingId: 'r', followupId: 'f', serviceId, level, channel, ...(reasons ? { reasons } : {}) } }, { config: g.config, at: MON_0930, actor: pad, seq: 50 });
    expect(() => rate(1, 'pad')).toThrow(expect.objectContaining({ code: 'HQ_ERR_RATING_REASON_REQUIRED' }));
    expect(() => rate(2, 'pad', [])).toThrow(expect.objectContaining({ code: 'HQ_ERR_RATING_REASON_REQUIRED' }));
    expect(rate(1, 'pad', ['服务态度']).map((e) => e.type)).toEqual(['rating.recorded', 'followup.opened']);
    expect(rate(3, 'pad')[0]?.type).toBe('rating.recorded');
    expect(rate(1, 'hid').map((e) => e.type)).toEqual(['rating.recorded', 'followup.opened']);
  });
});

describe('issue #14: a key pad’s score that reaches the hub late, through an agent', () => {
  it('rates what was pending when it was given, at that time, and is refused if that request has expired', () => {
    const g = given(testConfig());
    g.issue('ZX');
    g.issue('ZX');
    g.open(1);
    g.call(1);
    g.run({ type: 'CompleteService', data: { windowId: 1 } });
    const first = [...g.state.ratings.values()][0]!;
    // The next resident is served and their request made a minute later; the first score arrives after that.
    const later = MON_0930 + 60_000;
    g.call(1, later);
    g.run({ type: 'CompleteService', data: { windowId: 1 } }, later);
    const second = [...g.state.ratings.values()].find((r) => r.serviceId !== first.serviceId)!;
    const pad: Actor = { kind: 'device', id: 'evaluator-1', deviceKind: 'pad', windowId: 1 };
    const rate = (givenAt: number | undefined, at: number) =>
      decide(g.state, { type: 'RateService', data: { ratingId: 'r', followupId: 'f', level: 5, channel: 'rs485', ...(givenAt !== undefined ? { givenAt } : {}) } }, { config: g.config, at, actor: pad, seq: 90 });
    const late = rate(MON_0930 + 5_000, later + 1_000)[0]!;
    expect(late.type === 'rating.recorded' && [late.data.serviceId, late.data.ratedAt]).toEqual([first.serviceId, MON_0930 + 5_000]);
    // Without a time of its own it rates the newest request, at the hub's time.
    const now = rate(undefined, later + 1_000)[0]!;
    expect(now.type === 'rating.recorded' && [now.data.serviceId, now.data.ratedAt]).toEqual([second.serviceId, later + 1_000]);
    // Given after the first request had run out and before the second was made: nothing was pending then.
    expect(first.expiresAt).toBeLessThan(later);
    expect(() => rate(first.expiresAt + 1, later + 1_000)).toThrow(expect.objectContaining({ code: 'HQ_ERR_RATING_NOT_REQUESTED' }));
    // A time in the future of the hub counts as now.
    const ahead = rate(later + 60_000, later + 1_000)[0]!;
    expect(ahead.type === 'rating.recorded' && ahead.data.ratedAt).toBe(later + 1_000);
  });
});
