import type { HallConfig } from '../config/schema.ts';
import { addDays } from '../domain/calendar.ts';
import type { Db } from '../store/open-db.ts';
import { dayTypeOf, isHoliday } from './day-type.ts';
import type { DayType } from './types.ts';

/**
 * The history behind a forecast: the last `historyWeeks` weeks before a reference date, holidays
 * left out, and only days the hub recorded (a day the hub never ran would read as a day nobody came).
 */
export function historyRange(config: HallConfig, ref: string): { from: string; to: string } {
  return { from: addDays(ref, -7 * config.reports.historyWeeks), to: addDays(ref, -1) };
}

/** Days in [from, to] with flow records, holidays out, oldest first. */
export function recordedDays(db: Db, config: HallConfig, from: string, to: string): string[] {
  const rows = db.prepare(`SELECT DISTINCT business_date AS d FROM flow_slots WHERE business_date BETWEEN ? AND ? AND dim = 'h' ORDER BY 1`).all(from, to) as { d: string }[];
  return rows.map((r) => r.d).filter((d) => !isHoliday(config, d));
}

export function daysOfType(config: HallConfig, days: readonly string[], type: DayType): string[] {
  return days.filter((d) => dayTypeOf(config, d) === type);
}

/** `?, ?, ?` for an IN list. */
export const placeholders = (n: number) => Array(n).fill('?').join(', ');

/** Sum of `expr` per slot over the given days and rows of one dimension (optionally some ids), divided by the number of days. */
export function meanPerSlot(db: Db, days: readonly string[], dim: 'c' | 'w' | 'h', ids: readonly string[] | null, expr: string): Map<number, number> {
  const out = new Map<number, number>();
  if (days.length === 0 || (ids !== null && ids.length === 0)) return out;
  const idFilter = ids ? `AND dim_id IN (${placeholders(ids.length)})` : '';
  const rows = db
    .prepare(`SELECT slot, SUM(${expr}) AS v FROM flow_slots WHERE business_date IN (${placeholders(days.length)}) AND dim = ? ${idFilter} GROUP BY slot`)
    .all(...days, dim, ...(ids ?? [])) as { slot: number; v: number }[];
  for (const r of rows) out.set(r.slot, r.v / days.length);
  return out;
}
