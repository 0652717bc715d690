import { addDays, businessDate } from './domain/calendar.ts';
import { slotsOf } from './domain/flow.ts';
import { closeDueDays } from './day-closer.ts';
import { firstCheckInClose } from './domain/booking.ts';
import { expireRatings } from './rating-timeouts.ts';
import type { CommandHandler } from './store/handle-command.ts';

const SYSTEM = { kind: 'system', id: 'hall-jobs' } as const;

/**
 * The hub's own timed work at the handler's clock: record unrated services, the half-hour flow and
 * the congestion alarm, and close business days that are over. The live hub runs each on its own
 * timer (with the clock guard in front of the day close); the simulator calls this on its virtual
 * clock, so history is made by the same jobs as the hall.
 */
export function runDueJobs(handler: CommandHandler): void {
  expireRatings(handler);
  expireBookings(handler);
  recordDueFlowSlots(handler);
  checkCongestion(handler);
  closeDueDays(handler);
}

/**
 * Records every half-hour slot of today and yesterday that has ended and is not recorded: at its end
 * while the hub runs, or on the next start for the slots the hub was down through (from the log,
 * which memory holds for those two days). A slot is recorded once, whoever asks twice. Not the days
 * before the log's first: a hall that starts using hallq today had no hallq yesterday, and a
 * history simulated in parts (`--parts`) must not get a day of zeros from the part after it.
 */
export function recordDueFlowSlots(handler: CommandHandler): number {
  const tz = handler.config.hall.timeZone;
  const first = handler.firstEventAt();
  if (first === null) return 0;
  const since = businessDate(first, tz);
  const due = handler.readNow((state, now) => {
    const today = businessDate(now, tz);
    const out: { businessDate: string; slot: number }[] = [];
    for (const date of [addDays(today, -1), today]) {
      if (date < since) continue;
      for (const s of slotsOf(handler.config, date)) if (s.to <= now && !state.flowRecorded.has(`${date}|${s.slot}`)) out.push({ businessDate: date, slot: s.slot });
    }
    return out;
  });
  for (const d of due) handler.run({ type: 'RecordFlowSlot', data: d }, SYSTEM);
  return due.length;
}

/** Raises or clears the congestion alarm of each category against the thresholds (no event while nothing changes). */
export function checkCongestion(handler: CommandHandler): number {
  return handler.run({ type: 'CheckCongestion', data: {} }, SYSTEM).events.length;
}

/**
 * When the next booking's check-in closes, per handler, and what the bookings were when that was
 * found: a week of a city's bookings is ~10,000, and the simulator asks every virtual minute.
 * A new booking cannot be due before its slot has begun, so new bookings are looked at within
 * `RESCAN_MS` (a no-show is then recorded at most that late); ended ones go when the date turns.
 */
const nextExpiry = new WeakMap<CommandHandler, { at: number; size: number; date: string; scannedAt: number }>();
const RESCAN_MS = 5 * 60_000;

/** Ends the bookings whose check-in has closed (no-shows, or voided for lateness); a command only when one is due. */
export function expireBookings(handler: CommandHandler): number {
  const due = handler.readNow((state, now) => {
    const date = businessDate(now, handler.config.hall.timeZone);
    const known = nextExpiry.get(handler);
    if (known && now <= known.at && known.date === date && (known.size === state.appointments.size || now - known.scannedAt < RESCAN_MS)) return false;
    const at = firstCheckInClose(handler.config, state.appointments);
    nextExpiry.set(handler, { at, size: state.appointments.size, date, scannedAt: now });
    return now > at;
  });
  if (!due) return 0;
  nextExpiry.delete(handler);
  return handler.run({ type: 'ExpireAppointments', data: {} }, SYSTEM).events.length;
}
