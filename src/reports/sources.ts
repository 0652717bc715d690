import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate, instantOf } from '../domain/calendar.ts';
import type { Followup } from '../domain/ratings.ts';
import type { Db } from '../store/open-db.ts';

/** Readers of the records several reports share: follow-ups and pauses of a period. */

export interface FollowupFact {
  id: string;
  serviceId: string;
  categoryId: string | null;
  windowId: number;
  staffId: string | null;
  level: number;
  openedAt: number;
  openedDate: string;
  deadline: string;
  /** When the rectification closed it. */
  closedAt: number | null;
  closedOnTime: boolean;
  overdue: boolean;
  /** What the resident said on the last call-back that asked (回访满意), or null. */
  callbackSatisfied: boolean | null;
  callbackAt: number | null;
  verifiedAt: number | null;
  steps: Followup['steps'];
}

/** Follow-ups opened on a business date in [from, to]. */
export function followupsOpened(db: Db, config: HallConfig, from: string, to: string, now: number): FollowupFact[] {
  const tz = config.hall.timeZone;
  const start = instantOf(from, 0, tz);
  const end = instantOf(addDays(to, 1), 0, tz);
  const today = businessDate(now, tz);
  // The category is the rated service's: its fact row (the service rows of finished tickets leave after a
  // day; the rating row of a follow-up stays, and names the number and the window).
  const categoryOf = db.prepare(
    `SELECT category_id AS c FROM service_facts WHERE business_date = ? AND number = ? AND window_id = ? ORDER BY idx DESC LIMIT 1`,
  );
  const rows = db
    .prepare(
      `SELECT f.data AS data, json_extract(r.data, '$.number') AS number, json_extract(r.data, '$.requestedAt') AS requestedAt FROM followups f
         LEFT JOIN ratings r ON r.service_id = json_extract(f.data, '$.serviceId')
        WHERE f.deadline >= ? AND json_extract(f.data, '$.openedAt') >= ? AND json_extract(f.data, '$.openedAt') < ?`,
    )
    // A follow-up is due on or after the day it was opened: the deadline's index skips the years before.
    .all(from, start, end) as { data: string; number: string | null; requestedAt: number | null }[];
  return rows
    .map((r) => {
      const f = JSON.parse(r.data) as Followup;
      const cat = r.number !== null && r.requestedAt !== null ? (categoryOf.get(businessDate(r.requestedAt, tz), r.number, f.windowId) as { c: string } | undefined) : undefined;
      const closing = f.steps.find((s) => s.step === 'rectification');
      const callbacks = f.steps.filter((s) => s.step === 'callback');
      const answered = callbacks.filter((s) => typeof s.satisfied === 'boolean');
      const closedAt = f.status === 'closed' && closing ? closing.at : null;
      return {
        id: f.id,
        serviceId: f.serviceId,
        categoryId: cat?.c ?? null,
        windowId: f.windowId,
        staffId: f.staffId,
        level: f.level,
        openedAt: f.openedAt,
        openedDate: businessDate(f.openedAt, tz),
        deadline: f.deadline,
        closedAt,
        closedOnTime: closedAt !== null && businessDate(closedAt, tz) <= f.deadline,
        overdue: closedAt === null && f.deadline < today,
        callbackSatisfied: answered.length > 0 ? answered.at(-1)!.satisfied! : null,
        callbackAt: callbacks.at(-1)?.at ?? null,
        verifiedAt: f.steps.filter((s) => s.step === 'verification').at(-1)?.at ?? null,
        steps: f.steps,
      };
    })
    .sort((a, b) => a.openedAt - b.openedAt);
}

export interface PauseFact {
  windowId: number;
  staffId: string | null;
  startedAt: number;
  endedAt: number | null;
  /** Minutes; a pause still running counts up to now. */
  minutes: number;
}

/** Pauses begun on a business date in [from, to] (the `pauses` projection). */
export function pausesBegun(db: Db, config: HallConfig, from: string, to: string, now: number): PauseFact[] {
  const tz = config.hall.timeZone;
  const rows = db
    .prepare(`SELECT window_id AS windowId, staff_id AS staffId, started_at AS startedAt, ended_at AS endedAt FROM pauses WHERE started_at >= ? AND started_at < ? ORDER BY started_at`)
    .all(instantOf(from, 0, tz), instantOf(addDays(to, 1), 0, tz)) as Omit<PauseFact, 'minutes'>[];
  return rows.map((r) => ({ ...r, minutes: Math.max(0, ((r.endedAt ?? Math.max(now, r.startedAt)) - r.startedAt) / 60_000) }));
}
