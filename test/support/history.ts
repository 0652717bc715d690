import { addDays, instantOf, minutesOf, sessionsOn } from '../../src/domain/calendar.ts';
import type { Actor, HallCommand } from '../../src/domain/commands.ts';
import type { HallConfig } from '../../src/config/schema.ts';
import { runDueJobs } from '../../src/hub-jobs.ts';
import type { CommandHandler } from '../../src/store/handle-command.ts';
import { seededRandom } from '../../devices/idcard/simulator/seeded-random.ts';
import { FakeClock } from './fake-clock.ts';
import { testConfig } from './test-config.ts';

/**
 * History for the report tests, made the way the hall makes it: real commands through the real
 * handler (decide, evolve, projections, log) on a virtual clock, and the hub's own timed jobs
 * (`runDueJobs`: unrated ratings, the half-hour records, the congestion alarm, the day close).
 * Nothing is written by hand. Deterministic for a seed.
 */


const weekday = [
  { start: '09:00', end: '12:00' },
  { start: '12:00', end: '13:00', extended: true },
  { start: '13:00', end: '17:00' },
];

/**
 * The test hall with what reports need: weekday lunch and Saturday extended sessions, a market day
 * every third day, a holiday, a fourth window alone with its own category (two staffing groups),
 * window 3 as the 群众接待和咨询监督 window, and a minimum of clerks.
 */
export function reportsConfig(): HallConfig {
  const base = testConfig({ windows: 3, week: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [{ start: '09:00', end: '12:00', extended: true }], sun: [] } });
  const c = structuredClone(base);
  c.categories.push({ id: 'JS', prefix: 'F', name: { zh: '计生服务', en: 'Family planning' }, avgServiceMin: 6, requiresIdCard: false });
  c.windows.push({ ...structuredClone(c.windows[0]!), id: 4, name: '计生服务窗口', categories: [{ id: 'JS', weight: 1 }], staff: { a: 'c4', b: 'b4' } });
  const hash = c.staff[0]!.passwordHash;
  c.staff.push({ id: 'c4', name: '甲4', role: 'clerk', passwordHash: hash }, { id: 'b4', name: '乙4', role: 'clerk', passwordHash: hash });
  c.devices.tokens.push({ id: 'pad-4', kind: 'pad', windowId: 4, token: 'test-pad-token-0000000004' });
  c.schedule.holidays = ['2026-10-01', '2026-10-02', '2026-10-05'];
  c.schedule.marketDays = { everyNDays: 3, from: '2026-09-01' };
  c.schedule.stopIssuingBeforeEndMin = 10;
  c.reports.minClerks = [{ windows: [1, 2, 3], min: 1, marketDayMin: 2 }];
  c.assessment.recorderWindows = [3];
  c.ratings.followupWorkingDays = 5;
  return c;
}

export const KIOSK_ACTOR: Actor = { kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' };
const clerkOf = (windowId: number): Actor => ({ kind: 'staff', id: `c${windowId}`, role: 'clerk' });
const padOf = (windowId: number): Actor => ({ kind: 'device', id: `pad-${windowId}`, deviceKind: 'pad', windowId });

export interface HistoryOptions {
  from: string;
  days: number;
  seed: number;
  /** Tickets on an ordinary weekday (market days: twice; Saturdays: a quarter). */
  perDay?: number;
  /** Windows opened each day (default: all). */
  windows?: number[];
}

export interface HistoryTotals {
  tickets: number;
  served: number;
  rated: number;
  satisfied: number;
  noShows: number;
  transfers: number;
  pauses: number;
  promised: string[];
  days: string[];
}

/** Arrival weight of a minute of the day: a morning peak, a quiet lunch, an afternoon bump. */
function weightAt(minute: number): number {
  if (minute >= 540 && minute < 630) return 3;
  if (minute >= 720 && minute < 780) return 0.4;
  if (minute >= 810 && minute < 990) return 1.6;
  return 1;
}

/**
 * Drives `days` calendar days from `from` through the handler at the clock, minute by minute over
 * each day's sessions. The clock ends on the day after the last, at 08:00.
 */
export function makeHistory(handler: CommandHandler, clock: FakeClock, o: HistoryOptions): HistoryTotals {
  const config = handler.config;
  const tz = config.hall.timeZone;
  const r = seededRandom(o.seed);
  const totals: HistoryTotals = { tickets: 0, served: 0, rated: 0, satisfied: 0, noShows: 0, transfers: 0, pauses: 0, promised: [], days: [] };
  const windows = o.windows ?? config.windows.map((w) => w.id);
  let n = 0;
  const id = (p: string) => `${p}_${o.seed}_${n++}`;
  const apply = (c: HallCommand, a: Actor) => handler.applyForBatch(c, a);

  for (let day = 0; day < o.days; day++) {
    const date = addDays(o.from, day);
    const sessions = sessionsOn(config, date);
    if (sessions.length === 0) {
      clock.set(instantOf(date, 23 * 60, tz));
      runDueJobs(handler);
      continue;
    }
    totals.days.push(date);
    const start = Math.min(...sessions.map((s) => minutesOf(s.start)));
    const end = Math.max(...sessions.map((s) => minutesOf(s.end)));
    const market = config.schedule.marketDays?.everyNDays !== undefined && Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${config.schedule.marketDays.from}T00:00:00Z`)) / 86_400_000) % config.schedule.marketDays.everyNDays === 0;
    const isSat = new Date(`${date}T00:00:00Z`).getUTCDay() === 6;
    const expected = (o.perDay ?? 40) * (market ? 2 : isSat ? 0.25 : 1);
    const open = (m: number) => sessions.some((s) => minutesOf(s.start) <= m && m < minutesOf(s.end) - config.schedule.stopIssuingBeforeEndMin);
    let weightSum = 0;
    for (let m = start; m < end; m++) if (open(m)) weightSum += weightAt(m);

    clock.set(instantOf(date, start, tz));
    for (const w of windows) apply({ type: 'OpenWindow', data: { windowId: w, staffId: `c${w}`, role: 'A' } }, clerkOf(w));
    handler.commitBatch();
    const busyUntil = new Map<number, number>(windows.map((w) => [w, 0]));
    const pausedUntil = new Map<number, number>();
    const serving = new Map<number, { noShow: boolean }>();

    for (let m = start; m < end + 20; m++) {
      clock.set(instantOf(date, m, tz) + 1000);
      // Arrivals: Poisson-ish, one draw per minute.
      if (open(m) && r() < (expected * weightAt(m)) / weightSum) {
        const cat = r() < 0.15 ? 'JS' : r() < 0.5 ? 'ZX' : 'SB';
        const withHolder = r() < 0.5;
        try {
          apply(
            {
              type: 'IssueTicket',
              data: {
                ticketId: id('t'),
                serviceId: id('s'),
                categoryId: cat,
                source: 'kiosk',
                kioskId: 'kiosk-1',
                ...(withHolder ? { holder: { hmac: `h${n}`, idMasked: '**************1234', nameMasked: '张*三', birthYear: 1970 } } : {}),
              },
            },
            KIOSK_ACTOR,
          );
          totals.tickets++;
        } catch {
          // refused (closed, quota): a resident turned away
        }
      }
      const now = clock.now();
      for (const w of windows) {
        if ((pausedUntil.get(w) ?? 0) > now) continue;
        if (pausedUntil.has(w)) {
          apply({ type: 'ResumeWindow', data: { windowId: w } }, clerkOf(w));
          pausedUntil.delete(w);
        }
        if (busyUntil.get(w)! > now) continue;
        const current = serving.get(w);
        if (current) {
          serving.delete(w);
          const outcome = r();
          if (current.noShow) {
            apply({ type: 'MarkNoShow', data: { windowId: w } }, clerkOf(w));
            totals.noShows++;
          } else if (outcome < 0.06 && w !== 4) {
            apply({ type: 'TransferTicket', data: { windowId: w, newServiceId: id('s'), toCategoryId: 'SB' } }, clerkOf(w));
            totals.transfers++;
          } else {
            const promised = r() < 0.2;
            const caseNo = id('CASE');
            const events = apply(
              { type: 'CompleteService', data: { windowId: w, caseNo, itemCode: '330100-ZX-01', case: promised ? { type: 'promised', promisedWorkingDays: 3 } : { type: 'immediate' } } },
              clerkOf(w),
            );
            totals.served++;
            if (promised) totals.promised.push(caseNo);
            const requested = events.find((e) => e.type === 'rating.requested');
            const x = r();
            if (requested && requested.type === 'rating.requested' && x < 0.85) {
              const level = x < 0.02 ? 1 : x < 0.04 ? 2 : x < 0.1 ? 3 : x < 0.3 ? 4 : 5;
              apply({ type: 'RateService', data: { ratingId: id('r'), followupId: id('f'), serviceId: requested.data.serviceId, level, channel: 'pad', ...(level <= 2 ? { reasons: ['服务态度'] } : {}) } }, padOf(w));
              totals.rated++;
              if (level >= 3) totals.satisfied++;
            }
          }
        }
        // Now and then a pause (a clerk called away): 10 minutes.
        if (open(m) && r() < 0.004) {
          apply({ type: 'PauseWindow', data: { windowId: w, reason: '临时外出' } }, clerkOf(w));
          pausedUntil.set(w, now + 10 * 60_000);
          totals.pauses++;
          continue;
        }
        const called = apply({ type: 'CallNext', data: { windowId: w, callId: id('k') } }, clerkOf(w));
        if (called.some((e) => e.type === 'ticket.called')) {
          // 4 % never come to the window: a no-show after two minutes.
          if (r() < 0.04) {
            serving.set(w, { noShow: true });
            busyUntil.set(w, now + 2 * 60_000);
            continue;
          }
          apply({ type: 'StartService', data: { windowId: w } }, clerkOf(w));
          serving.set(w, { noShow: false });
          busyUntil.set(w, now + (2 + r() * 8) * 60_000);
        }
      }
      handler.commitBatch();
      runDueJobs(handler);
    }
    for (const w of windows) {
      if (pausedUntil.has(w)) apply({ type: 'ResumeWindow', data: { windowId: w } }, clerkOf(w));
      pausedUntil.delete(w);
    }
    handler.commitBatch();
    // The evening: the close record, the day close (signs windows out), yesterday pruned from memory.
    clock.set(instantOf(date, 23 * 60, tz));
    runDueJobs(handler);
    handler.pruneBefore(date);
  }
  clock.set(instantOf(addDays(o.from, o.days), 8 * 60, tz));
  runDueJobs(handler);
  return totals;
}
