import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate } from '../domain/calendar.ts';
import { HallqError } from '../domain/errors.ts';
import { percentile } from '../domain/flow.ts';
import type { Db } from '../store/open-db.ts';
import { checkRange, isoWeek, lastDayOfMonth, slotLabel } from './period.ts';
import type { FlowQuery, FlowReport, FlowReportRow } from './types.ts';

/** The longest range a report of each grain reads: a year of half hours, ten years of days. */
export const MAX_DAYS: Record<FlowQuery['by'], number> = { halfhour: 370, day: 3700, week: 3700, month: 3700 };

interface SlotRecord {
  business_date: string;
  slot: number;
  from_at: number;
  to_at: number;
  extended: number;
  issued: number;
  called: number;
  served: number;
  no_show: number;
  transfers_in: number;
  transfers_out: number;
  waiting_end: number;
  wait_max: number;
  wait_mean: number;
  handle_mean: number;
  appointments: number;
  extended_issued: number;
  windows_open: number;
  clerks: number;
}

/** Checks a flow query against the hall: the range for its grain, a known category or window, not both. */
export function checkFlowQuery(config: HallConfig, q: FlowQuery, today: string): FlowQuery {
  checkRange(q.from, q.to, today, MAX_DAYS[q.by]);
  if (q.categoryId !== undefined && q.windowId !== undefined)
    throw new HallqError('HQ_ERR_REPORT_UNKNOWN_FILTER', { field: 'categoryId' }, { zh: '业务类别和窗口只能选一个', en: 'give a category or a window, not both' });
  if (q.categoryId !== undefined && !config.categories.some((c) => c.id === q.categoryId))
    throw new HallqError('HQ_ERR_REPORT_UNKNOWN_FILTER', { field: 'categoryId', categoryId: q.categoryId }, { zh: '没有这个业务类别', en: 'no such category' });
  if (q.windowId !== undefined && !config.windows.some((w) => w.id === q.windowId))
    throw new HallqError('HQ_ERR_REPORT_UNKNOWN_FILTER', { field: 'windowId', windowId: q.windowId }, { zh: '没有这个窗口', en: 'no such window' });
  return q;
}

/**
 * The half-hour flow (§5.2.6) by half hour, day, ISO week or month, for the hall, a category or a
 * window, read from the flow records. Counts add up; means are weighted by what they average; the
 * p90 wait is the real one, from the waits of the services called in each period.
 */
export function flowReport(db: Db, config: HallConfig, q: FlowQuery, now: number): FlowReport {
  checkFlowQuery(config, q, businessDate(now, config.hall.timeZone));
  const [dim, dimId] = q.categoryId !== undefined ? ['c', q.categoryId] : q.windowId !== undefined ? ['w', String(q.windowId)] : ['h', 'hall'];
  const records = db
    .prepare(
      `SELECT business_date, slot, from_at, to_at, extended, issued, called, served, no_show, transfers_in, transfers_out, waiting_end, wait_max, wait_mean,
              handle_mean, appointments, extended_issued, windows_open, clerks
         FROM flow_slots WHERE business_date BETWEEN ? AND ? AND dim = ? AND dim_id = ? ORDER BY business_date, slot`,
    )
    .all(q.from, q.to, dim, dimId) as SlotRecord[];
  // A window has rows only for the slots it was open or active in; the waits are those it called.
  const waits = waitsByRecord(db, q, records);

  const keyOf = (r: SlotRecord): { period: string; from: string; to: string } => {
    switch (q.by) {
      case 'halfhour':
        return { period: `${r.business_date} ${slotLabel(r.slot)}`, from: r.business_date, to: r.business_date };
      case 'day':
        return { period: r.business_date, from: r.business_date, to: r.business_date };
      case 'week': {
        const w = isoWeek(r.business_date);
        return { period: w.label, from: w.monday, to: addDays(w.monday, 6) };
      }
      case 'month':
        return { period: r.business_date.slice(0, 7), from: `${r.business_date.slice(0, 7)}-01`, to: lastDayOfMonth(Number(r.business_date.slice(0, 4)), Number(r.business_date.slice(5, 7))) };
    }
  };

  const groups = new Map<string, { key: { period: string; from: string; to: string }; records: SlotRecord[]; waits: number[][] }>();
  records.forEach((r, i) => {
    const key = keyOf(r);
    const g = groups.get(key.period) ?? (groups.set(key.period, { key, records: [], waits: [] }), groups.get(key.period)!);
    g.records.push(r);
    g.waits.push(waits[i]!);
  });
  const rows = [...groups.values()].map((g) => {
    // A week or month at the edge of the range covers only the part asked for.
    const row = combine(g.key.period, g.key.from < q.from ? q.from : g.key.from, g.key.to > q.to ? q.to : g.key.to, g.records, g.waits);
    if (q.by === 'halfhour') {
      row.slot = g.records[0]!.slot;
      row.extended = g.records[0]!.extended === 1;
    }
    return row;
  });
  const total = combine(`${q.from}/${q.to}`, q.from, q.to, records, waits);
  const scope =
    dim === 'c'
      ? { kind: 'category' as const, id: dimId, name: config.categories.find((c) => c.id === dimId)?.name ?? null }
      : dim === 'w'
        ? { kind: 'window' as const, id: dimId, name: windowName(config, Number(dimId)) }
        : { kind: 'hall' as const, id: null, name: { zh: config.hall.name, en: config.hall.nameEn ?? config.hall.name } };
  return { query: q, scope, rows, total };
}

function windowName(config: HallConfig, id: number) {
  const w = config.windows.find((x) => x.id === id);
  return w ? { zh: w.name, en: `Window ${id}` } : null;
}

/**
 * Each category's flow over a whole range (its `flowReport(…).total`), all at once: the workbook's
 * 分类统计 asked for one report per category, and each read the range's calls again (a city's month,
 * ~300,000, twenty times over).
 */
export function categoryFlowTotals(db: Db, config: HallConfig, from: string, to: string, now: number): Map<string, FlowReportRow> {
  checkFlowQuery(config, { from, to, by: 'month' }, businessDate(now, config.hall.timeZone));
  const rows = db
    .prepare(
      `SELECT dim_id AS c, business_date, slot, from_at, to_at, extended, issued, called, served, no_show, transfers_in, transfers_out, waiting_end, wait_max, wait_mean,
              handle_mean, appointments, extended_issued, windows_open, clerks
         FROM flow_slots WHERE business_date BETWEEN ? AND ? AND dim = 'c' ORDER BY dim_id, business_date, slot`,
    )
    .all(from, to) as (SlotRecord & { c: string })[];
  const records = new Map<string, SlotRecord[]>();
  for (const r of rows) (records.get(r.c) ?? (records.set(r.c, []), records.get(r.c)!)).push(r);
  const waits = new Map([...records].map(([c, list]) => [c, list.map((): number[] => [])]));
  const calls = db
    .prepare(`SELECT category_id, called_at, MAX(0, ROUND((called_at - waiting_since) / 1000.0)) FROM service_facts WHERE business_date BETWEEN ? AND ? AND called_at IS NOT NULL`)
    .raw()
    .iterate(from, to) as IterableIterator<[string, number, number]>;
  for (const [c, at, wait] of calls) {
    const list = records.get(c);
    if (!list) continue;
    const r = recordAt(list, at);
    if (r >= 0) waits.get(c)![r]!.push(wait);
  }
  const out = new Map<string, FlowReportRow>();
  for (const [c, list] of records) out.set(c, combine(`${from}/${to}`, from, to, list, waits.get(c)!));
  return out;
}

/** The record (by index, in time order, not overlapping) whose half hour holds `at`, or -1. */
function recordAt(records: readonly SlotRecord[], at: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.from_at <= at) lo = mid + 1;
    else hi = mid;
  }
  const r = lo - 1;
  return r >= 0 && at < records[r]!.to_at ? r : -1;
}

/**
 * The waits (seconds) of the services the scope called in each record's half hour [from_at, to_at),
 * by the record's place in `records` (which are in time order and do not overlap). Each call is put in
 * its half hour by a binary search, not by sorting a month of calls: a city centre's month is ~300,000
 * of them (issue #10 §10: a month report ≤ 5 s over a city year).
 */
function waitsByRecord(db: Db, q: FlowQuery, records: readonly SlotRecord[]): number[][] {
  const filter = q.categoryId !== undefined ? 'AND category_id = ?' : q.windowId !== undefined ? 'AND window_id = ?' : '';
  const args: unknown[] = [q.from, q.to];
  if (q.categoryId !== undefined) args.push(q.categoryId);
  if (q.windowId !== undefined) args.push(q.windowId);
  const out = records.map((): number[] => []);
  // Row by row: a year of a city's calls held as rows at once would be millions of objects.
  const rows = db
    .prepare(`SELECT called_at, MAX(0, ROUND((called_at - waiting_since) / 1000.0)) FROM service_facts WHERE business_date BETWEEN ? AND ? AND called_at IS NOT NULL ${filter}`)
    .raw()
    .iterate(...args) as IterableIterator<[number, number]>;
  for (const [at, wait] of rows) {
    const r = recordAt(records, at);
    if (r >= 0) out[r]!.push(wait);
  }
  return out;
}

function combine(period: string, from: string, to: string, records: SlotRecord[], waits: readonly (readonly number[])[]): FlowReportRow {
  let waitSum = 0;
  let handleSum = 0;
  const row: FlowReportRow = {
    period,
    from,
    to,
    issued: 0,
    called: 0,
    served: 0,
    noShow: 0,
    transfersIn: 0,
    transfersOut: 0,
    waitingEnd: 0,
    waitingPeak: 0,
    waitMaxSec: 0,
    waitMeanSec: 0,
    waitP90Sec: 0,
    handleMeanSec: 0,
    appointments: 0,
    extendedIssued: 0,
    windowsOpen: 0,
    clerks: 0,
    slots: records.length,
  };
  for (const r of records) {
    row.issued += r.issued;
    row.called += r.called;
    row.served += r.served;
    row.noShow += r.no_show;
    row.transfersIn += r.transfers_in;
    row.transfersOut += r.transfers_out;
    row.waitingPeak = Math.max(row.waitingPeak, r.waiting_end);
    row.waitMaxSec = Math.max(row.waitMaxSec, r.wait_max);
    waitSum += r.wait_mean * r.called;
    handleSum += r.handle_mean * r.served;
    row.appointments += r.appointments;
    row.extendedIssued += r.extended_issued;
    // The most at any slot's end: for a single half hour, its own.
    row.windowsOpen = Math.max(row.windowsOpen, r.windows_open);
    row.clerks = Math.max(row.clerks, r.clerks);
  }
  row.waitingEnd = records.at(-1)?.waiting_end ?? 0;
  row.waitMeanSec = row.called ? Math.round(waitSum / row.called) : 0;
  row.handleMeanSec = row.served ? Math.round(handleSum / row.served) : 0;
  const list = new Float64Array(waits.reduce((n, w) => n + w.length, 0));
  let at = 0;
  for (const w of waits) for (const x of w) list[at++] = x;
  row.waitP90Sec = percentile(list.sort(), 0.9);
  return row;
}
