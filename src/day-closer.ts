import { addDays, businessDate, dayEndsAt } from './domain/calendar.ts';
import type { CommandHandler } from './store/handle-command.ts';

const SYSTEM = { kind: 'system', id: 'day-closer' } as const;

/**
 * Closes the business day: tickets still waiting after the last session (plus the grace period), or
 * left over from an earlier date because the hub was off at closing, become `abandoned_at_close`.
 * Returns how many were closed.
 */
export function closeDueDays(handler: CommandHandler): number {
  const { config, state } = handler;
  const now = handler.clock.now();
  const today = businessDate(now, config.hall.timeZone);
  const end = dayEndsAt(config, today);
  const todayOver = end !== null && now >= end + config.schedule.closeGraceMin * 60_000;
  const closeUpTo = todayOver ? today : addDays(today, -1);
  let due = false;
  for (const ids of state.waiting.values()) {
    for (const id of ids) {
      const s = state.services.get(id);
      const t = s && state.tickets.get(s.ticketId);
      if (t && t.businessDate <= closeUpTo) due = true;
    }
  }
  if (!due) return 0;
  return handler.run({ type: 'CloseBusinessDay', data: { businessDate: closeUpTo } }, SYSTEM, (events) => ({ status: 200, body: events.length })).body as number;
}

export function startDayCloser(handler: CommandHandler, onError: (err: unknown) => void, everyMs = 60_000): () => void {
  const tick = () => {
    try {
      closeDueDays(handler);
    } catch (err) {
      onError(err);
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
