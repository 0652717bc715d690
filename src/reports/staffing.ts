import type { HallConfig, WindowConfig } from '../config/schema.ts';
import { businessDate, instantOf, minutesOf, sessionsOn } from '../domain/calendar.ts';
import { CLOSE_SLOT, slotsOf } from '../domain/flow.ts';
import type { Db } from '../store/open-db.ts';
import { dayTypeOf, weekdayPattern } from './day-type.ts';
import { clerksNeeded, serviceLevel } from './erlang.ts';
import { achievedServiceLevel, levelOf } from './service-level.ts';
import { daysOfType, historyRange, meanPerSlot, placeholders, recordedDays } from './history.ts';
import { checkDate, slotLabel } from './period.ts';
import type { DayType, ServiceLevelAchieved, StaffingGroup, StaffingReport, StaffingSlot } from './types.ts';

/**
 * Staffing (合理排班, §5.2.6 and hall-rules §4): Erlang C per half hour for each group of windows
 * that share categories, from the forecast arrivals of the day's type and the mean handling time in
 * history, against the configured service level; then the configured minimum of clerks on top.
 */

/** Windows that share a category serve one queue: the groups are the connected sets of windows. */
export function staffingGroups(config: HallConfig): { windows: WindowConfig[]; categories: string[] }[] {
  const parent = new Map<number, number>(config.windows.map((w) => [w.id, w.id]));
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const byCategory = new Map<string, number>();
  for (const w of config.windows) {
    for (const c of w.categories) {
      const other = byCategory.get(c.id);
      if (other === undefined) byCategory.set(c.id, w.id);
      else parent.set(find(w.id), find(other));
    }
  }
  const groups = new Map<number, WindowConfig[]>();
  for (const w of config.windows) {
    const root = find(w.id);
    groups.set(root, [...(groups.get(root) ?? []), w]);
  }
  return [...groups.values()]
    .map((windows) => ({
      windows: [...windows].sort((a, b) => a.id - b.id),
      categories: config.categories.filter((c) => windows.some((w) => w.categories.some((x) => x.id === c.id))).map((c) => c.id),
    }))
    .sort((a, b) => a.windows[0]!.id - b.windows[0]!.id);
}

/** The configured minimum of a group on a day of that type: the `minClerks` entries whose first window is in it, added up. */
export function groupMinimum(config: HallConfig, windowIds: readonly number[], dayType: DayType | null): number {
  let min = 0;
  for (const e of config.reports.minClerks) {
    if (!windowIds.includes(e.windows[0]!)) continue;
    min += dayType === 'market' ? (e.marketDayMin ?? e.min) : e.min;
  }
  return min;
}

/** Mean handling time (call to end of completed services) over the days, in minutes, and how many services. */
export function handlingTime(db: Db, days: readonly string[], categories: readonly string[]): { minutes: number; samples: number } {
  if (days.length === 0 || categories.length === 0) return { minutes: 0, samples: 0 };
  const r = db
    .prepare(
      `SELECT COUNT(*) AS n, AVG(ended_at - called_at) AS ms FROM service_facts
        WHERE business_date IN (${placeholders(days.length)}) AND category_id IN (${placeholders(categories.length)}) AND outcome = 'done' AND called_at IS NOT NULL AND ended_at >= called_at`,
    )
    .get(...days, ...categories) as { n: number; ms: number | null };
  return { minutes: r.ms === null ? 0 : r.ms / 60_000, samples: r.n };
}

export function staffingReport(db: Db, config: HallConfig, date: string, now: number): StaffingReport {
  checkDate(date, 'date');
  const tz = config.hall.timeZone;
  const today = businessDate(now, tz);
  const { withinMin, target } = config.reports.serviceLevel;
  const dayType = dayTypeOf(config, date);
  const ref = date < today ? date : today;
  const range = historyRange(config, ref);
  const recorded = recordedDays(db, config, range.from, range.to);
  let basisType: DayType | null = dayType;
  let days = dayType ? daysOfType(config, recorded, dayType) : [];
  let fallback: DayType | null = null;
  // A first market day or Saturday has no history of its own: the weekdays stand in, and the reply says so.
  if (dayType && dayType !== 'weekday' && days.length === 0) {
    days = daysOfType(config, recorded, 'weekday');
    fallback = 'weekday';
    basisType = 'weekday';
  }
  const slots = dayType ? slotsOf(config, date).filter((s) => s.slot !== CLOSE_SLOT) : [];
  // A day that is over has the service level it actually had, beside what was recommended for it.
  const over = date < today;
  const slotStarts = slots.map((s) => instantOf(date, s.slot, tz));
  const dateRecorded = date <= today ? new Set((db.prepare(`SELECT slot FROM flow_slots WHERE business_date = ? AND dim = 'h'`).all(date) as { slot: number }[]).map((r) => r.slot)) : new Set<number>();

  const groups: StaffingGroup[] = staffingGroups(config).map((g) => {
    const windowIds = g.windows.map((w) => w.id);
    const winKeys = windowIds.map(String);
    const arrivals = meanPerSlot(db, days, 'c', g.categories, 'issued + transfers_in');
    const planned = meanPerSlot(db, days, 'w', winKeys, 'windows_open');
    const actual = new Map<number, number>();
    if (dateRecorded.size > 0) {
      const rows = db
        .prepare(`SELECT slot, SUM(windows_open) AS n FROM flow_slots WHERE business_date = ? AND dim = 'w' AND dim_id IN (${placeholders(winKeys.length)}) GROUP BY slot`)
        .all(date, ...winKeys) as { slot: number; n: number }[];
      for (const r of rows) actual.set(r.slot, r.n);
    }
    const history = handlingTime(db, recorded, g.categories);
    const configured = g.categories.map((id) => config.categories.find((c) => c.id === id)!.avgServiceMin);
    const ahtMin = history.samples > 0 ? history.minutes : configured.reduce((a, b) => a + b, 0) / configured.length;
    const minimum = groupMinimum(config, windowIds, dayType);
    const sessions = g.categories.map((id) => sessionsOn(config, date, id).map((s) => [minutesOf(s.start), minutesOf(s.end)] as const));
    const achieved = over ? achievedServiceLevel(db, date, g.categories, withinMin, slotStarts) : null;

    const out: StaffingSlot[] = slots.map((s, i) => {
      const open = sessions.some((list) => list.some(([a, b]) => a <= s.slot && s.slot < b));
      const minutes = Math.max(1, (s.to - instantOf(date, s.slot, tz)) / 60_000);
      const expected = open ? (arrivals.get(s.slot) ?? 0) : 0;
      const rate = expected / minutes;
      const erlang = open ? clerksNeeded(rate, ahtMin, withinMin, target) : 0;
      const min = open ? minimum : 0;
      const recommended = Math.max(erlang, min);
      const plannedN = days.length > 0 ? Math.round(planned.get(s.slot) ?? 0) : null;
      const actualN = dateRecorded.has(s.slot) ? (actual.get(s.slot) ?? 0) : null;
      const compared = actualN ?? plannedN;
      const shortfall = compared === null ? 0 : Math.max(0, recommended - compared);
      const sl = (n: number | null) => (n === null || rate <= 0 ? null : round(serviceLevel(n, rate, ahtMin, withinMin), 4));
      return {
        slot: s.slot,
        label: slotLabel(s.slot),
        arrivals: round(expected, 2),
        minutes: Math.round(minutes),
        loadErlangs: round(rate * ahtMin, 3),
        erlang,
        minClerks: min,
        recommended,
        planned: plannedN,
        actual: actualN,
        compared,
        shortfall,
        short: shortfall > 0,
        overCapacity: recommended > g.windows.length,
        serviceLevelRecommended: sl(recommended),
        serviceLevelCompared: sl(compared),
        achieved: achieved?.slots[i] ?? null,
      };
    });
    return {
      id: windowIds.join(','),
      windows: g.windows.map((w) => ({ id: w.id, name: w.name })),
      categories: g.categories,
      ahtMin: round(ahtMin, 2),
      ahtSource: history.samples > 0 ? 'history' : 'config',
      ahtSamples: history.samples,
      slots: out,
      achieved: achieved?.day ?? null,
    };
  });

  const totals = slots.map((s, i) => {
    const per = groups.map((g) => g.slots[i]!);
    const compared = per.every((x) => x.compared === null) ? null : per.reduce((n, x) => n + (x.compared ?? 0), 0);
    return {
      slot: s.slot,
      label: slotLabel(s.slot),
      arrivals: round(per.reduce((n, x) => n + x.arrivals, 0), 2),
      recommended: per.reduce((n, x) => n + x.recommended, 0),
      compared,
      shortfall: per.reduce((n, x) => n + x.shortfall, 0),
      achieved: over ? sumLevels(per.map((x) => x.achieved)) : null,
    };
  });
  return {
    date,
    dayType,
    weekday: dayType ? weekdayPattern(config, date) : null,
    closed: dayType === null,
    target: { withinMin, target },
    forecast: { from: range.from, to: range.to, dayType: basisType, days: days.length, fallback },
    groups,
    totals,
    achieved: over ? sumLevels(groups.map((g) => g.achieved)) : null,
  };
}

/** Groups share no category, so their counts add up. */
function sumLevels(list: readonly (ServiceLevelAchieved | null)[]): ServiceLevelAchieved {
  let waited = 0;
  let within = 0;
  for (const x of list) {
    waited += x?.waited ?? 0;
    within += x?.within ?? 0;
  }
  return levelOf({ waited, within });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
