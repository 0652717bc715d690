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
  // Row by row into per-category lists of numbers: a city centre's year is 3.6 million tickets, which
  // as row objects would be half a gigabyte in the report thread.
  const rows = db
    .prepare(
      `SELECT category_id, est_min, est_low, est_high, called_at, waiting_since
         FROM service_facts WHERE business_date BETWEEN ? AND ? AND idx = 0 AND est_min IS NOT NULL`,
    )
    .raw()
    .iterate(from, to) as IterableIterator<[string, number, number, number, number | null, number]>;
  const by = new Map<string, Errors>();
  for (const [c, est, lo, hi, calledAt, since] of rows) {
    let e = by.get(c);
    if (!e) by.set(c, (e = { abs: [], signed: [], inside: 0, uncalled: 0 }));
    if (calledAt === null) {
      e.uncalled++;
      continue;
    }
    const waited = Math.max(0, calledAt - since) / 60_000;
    e.abs.push(Math.abs(waited - est));
    e.signed.push(waited - est);
    if (waited >= lo && waited <= hi) e.inside++;
  }
  const known = config.categories.map((c) => c.id);
  const ids = [...known.filter((id) => by.has(id)), ...[...by.keys()].filter((id) => !known.includes(id)).sort()];
  const all = [...by.values()];
  const total: Errors = { abs: all.flatMap((e) => e.abs), signed: all.flatMap((e) => e.signed), inside: all.reduce((n, e) => n + e.inside, 0), uncalled: all.reduce((n, e) => n + e.uncalled, 0) };
  return {
    from,
    to,
    categories: ids.map((id) => accuracy(id, config.categories.find((c) => c.id === id)?.name ?? null, by.get(id)!)),
    total: accuracy('*', { zh: '全部', en: 'All' }, total),
  };
}

/** One category's errors (minutes, called tickets only) and counts. */
interface Errors {
  abs: number[];
  signed: number[];
  inside: number;
  uncalled: number;
}

function accuracy(categoryId: string, name: EstimateAccuracyRow['name'], e: Errors): EstimateAccuracyRow {
  const count = e.abs.length;
  return {
    categoryId,
    name,
    count,
    medianAbsErrorMin: median(e.abs),
    medianErrorMin: median(e.signed),
    insideBand: e.inside,
    insideBandRate: count ? e.inside / count : null,
    uncalled: e.uncalled,
  };
}

/** The median (mean of the middle two for an even count), to 0.1 minute; null for none. */
export function median(list: number[]): number | null {
  if (list.length === 0) return null;
  const s = Float64Array.from(list).sort();
  const mid = s.length >> 1;
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 10) / 10;
}
