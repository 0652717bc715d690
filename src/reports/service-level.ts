import type { Db } from '../store/open-db.ts';
import { placeholders } from './history.ts';
import type { ServiceLevelAchieved } from './types.ts';

/**
 * The service level a day had, from its service facts: of the residents who began waiting in the
 * group's categories (a ticket's first service, or a transfer in), how many were called within
 * `withinMin`. Counted in the half hour the wait began (`slotStarts`: each slot's start, in order).
 *
 * Bookings are left out of the share (their clerks' time is in the load all the same): a booked
 * resident is called in the slot they chose, and most check in early, so the minutes from check-in
 * measure their punctuality, not the hall's staffing. A transfer of a booked ticket waits in the
 * queue like anyone and counts. Someone who cancelled before `withinMin` had passed was not failed by
 * anyone and is left out; one never called otherwise (cancelled later, abandoned at the close) missed.
 */
export function achievedServiceLevel(
  db: Db,
  date: string,
  categories: readonly string[],
  withinMin: number,
  slotStarts: readonly number[],
): { slots: ServiceLevelAchieved[]; day: ServiceLevelAchieved } {
  const slots = slotStarts.map(() => ({ waited: 0, within: 0 }));
  const day = { waited: 0, within: 0 };
  if (categories.length > 0 && slotStarts.length > 0) {
    const rows = db
      .prepare(
        `SELECT waiting_since AS since, called_at AS calledAt, ended_at AS endedAt, outcome FROM service_facts
          WHERE business_date = ? AND category_id IN (${placeholders(categories.length)}) AND (idx > 0 OR source <> 'appointment')`,
      )
      .all(date, ...categories) as { since: number; calledAt: number | null; endedAt: number | null; outcome: string }[];
    const limit = withinMin * 60_000;
    for (const r of rows) {
      if (r.calledAt === null && r.outcome === 'cancelled' && r.endedAt !== null && r.endedAt - r.since < limit) continue;
      const hit = r.calledAt !== null && r.calledAt - r.since <= limit ? 1 : 0;
      const s = slots[slotIndex(slotStarts, r.since)]!;
      s.waited++;
      s.within += hit;
      day.waited++;
      day.within += hit;
    }
  }
  return { slots: slots.map(levelOf), day: levelOf(day) };
}

/** The last slot that starts at or before `at` (the first one for a wait begun before it). */
function slotIndex(starts: readonly number[], at: number): number {
  let i = starts.length - 1;
  while (i > 0 && starts[i]! > at) i--;
  return i;
}

export function levelOf(c: { waited: number; within: number }): ServiceLevelAchieved {
  return { waited: c.waited, within: c.within, level: c.waited > 0 ? Math.round((c.within / c.waited) * 10_000) / 10_000 : null };
}
