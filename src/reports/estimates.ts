import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import type { Db } from '../store/open-db.ts';
import { checkRange } from './period.ts';
import type { EstimateAccuracy, EstimateAccuracyRow } from './types.ts';

export const ESTIMATES_MAX_DAYS = 370;

/**
 * Wait estimates, measured (§5): each ticket keeps the estimate printed at issue with its band; when
 * it is called, its real wait (issue to first call) is set against it. Per category of issue: the
 * median absolute error, the median signed error, and the share of waits inside the printed band.
 */
export function estimateAccuracy(db: Db, config: HallConfig, from: string, to: string, now: number): EstimateAccuracy {
  checkRange(from, to, businessDate(now, config.hall.timeZone), ESTIMATES_MAX_DAYS);
  const rows = db
    .prepare(
      `SELECT category_id AS c, est_min AS est, est_low AS lo, est_high AS hi, called_at AS calledAt, waiting_since AS since
         FROM service_facts WHERE business_date BETWEEN ? AND ? AND idx = 0 AND est_min IS NOT NULL`,
    )
    .all(from, to) as { c: string; est: number; lo: number; hi: number; calledAt: number | null; since: number }[];
  const by = new Map<string, typeof rows>();
  for (const r of rows) (by.get(r.c) ?? (by.set(r.c, []), by.get(r.c)!)).push(r);
  const known = config.categories.map((c) => c.id);
  const ids = [...known.filter((id) => by.has(id)), ...[...by.keys()].filter((id) => !known.includes(id)).sort()];
  return {
    from,
    to,
    categories: ids.map((id) => accuracy(id, config.categories.find((c) => c.id === id)?.name ?? null, by.get(id)!)),
    total: accuracy('*', { zh: '全部', en: 'All' }, rows),
  };
}

function accuracy(categoryId: string, name: EstimateAccuracyRow['name'], rows: { est: number; lo: number; hi: number; calledAt: number | null; since: number }[]): EstimateAccuracyRow {
  const abs: number[] = [];
  const signed: number[] = [];
  let inside = 0;
  let uncalled = 0;
  for (const r of rows) {
    if (r.calledAt === null) {
      uncalled++;
      continue;
    }
    const waited = Math.max(0, r.calledAt - r.since) / 60_000;
    abs.push(Math.abs(waited - r.est));
    signed.push(waited - r.est);
    if (waited >= r.lo && waited <= r.hi) inside++;
  }
  const count = abs.length;
  return {
    categoryId,
    name,
    count,
    medianAbsErrorMin: median(abs),
    medianErrorMin: median(signed),
    insideBand: inside,
    insideBandRate: count ? inside / count : null,
    uncalled,
  };
}

/** The median (mean of the middle two for an even count), to 0.1 minute; null for none. */
export function median(list: number[]): number | null {
  if (list.length === 0) return null;
  const s = [...list].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 10) / 10;
}
