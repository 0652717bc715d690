import { addDays, businessDate, dayEndsAt, instantOf } from './domain/calendar.ts';
import type { ClockGuard } from './clock-guard.ts';
import type { CommandHandler } from './store/handle-command.ts';

const SYSTEM = { kind: 'system', id: 'day-closer' } as const;

/**
 * Closes the business day: tickets still waiting after the last session (plus the grace period), or
 * left over from an earlier date because the hub was off at closing, become `abandoned_at_close`.
 * Returns how many were closed.
 */
export function closeDueDays(handler: CommandHandler): number {
  const { config } = handler;
  const tz = config.hall.timeZone;
  const closeUpTo = handler.readNow((state, now) => {
    const today = businessDate(now, tz);
    const end = dayEndsAt(config, today);
    const todayOver = end !== null && now >= end + config.schedule.closeGraceMin * 60_000;
    const upTo = todayOver ? today : addDays(today, -1);
    // Every minute, over every ticket in memory: no copies, and one instant instead of a date per window.
    for (const t of state.tickets.values()) {
      if ((t.status === 'waiting' || t.status === 'called' || t.status === 'serving') && t.businessDate <= upTo) return upTo;
    }
    const nextDayStarts = instantOf(addDays(upTo, 1), 0, tz);
    for (const w of state.windows.values()) if (w.status !== 'closed' && w.since !== null && w.since < nextDayStarts) return upTo;
    return null;
  });
  if (closeUpTo === null) return 0;
  return handler.run({ type: 'CloseBusinessDay', data: { businessDate: closeUpTo } }, SYSTEM).events.length;
}

/**
 * Day close, personal-data retention and idempotency clean-up, every minute. Closing is irreversible
 * (the waiting queue is recorded as abandoned, windows signed out), so it waits until the clock has
 * run `dayCloseConfirmMin` without a jump: a clock that leaps a day ahead, then is corrected, closes
 * nothing. The manager can close a day by hand (`POST /api/v1/days/close`).
 */
export function startDayCloser(handler: CommandHandler, guard: ClockGuard, onError: (err: unknown) => void, everyMs = 60_000): () => void {
  let lastPrune = '';
  const confirmMs = handler.config.schedule.dayCloseConfirmMin * 60_000;
  const tick = () => {
    try {
      // Look at the clock now, not at the guard's last look: a jump this very moment must hold the close back.
      guard.check();
      if (guard.steadyForMs() >= confirmMs) closeDueDays(handler);
      // Memory lets go of the dates before yesterday once per business date (the disk's
      // housekeeping runs in small steps on its own timer: see Maintenance).
      const today = businessDate(handler.clock.now(), handler.config.hall.timeZone);
      if (today !== lastPrune) {
        handler.pruneBefore(addDays(today, -1));
        lastPrune = today;
      }
    } catch (err) {
      onError(err);
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
