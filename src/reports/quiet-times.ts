import type { HallConfig, Session, WeekdayKey } from '../config/schema.ts';
import { addDays, businessDate, isWorkingDay, localTime, minutesOf, sessionsOn } from '../domain/calendar.ts';
import type { Db } from '../store/open-db.ts';
import { DAY_TYPE_LABELS, dayTypeOf, isMarketDay, WEEKDAY_LABELS, weekdayPattern } from './day-type.ts';
import { historyRange, meanPerSlot, recordedDays } from './history.ts';
import { slotLabel } from './period.ts';
import type { QuietDay, QuietPeriod, QuietSlot, QuietTimes } from './types.ts';

/**
 * Off-peak advice (错峰办事, §5.2.6: 即时告知群众错时办事时段). For each weekday and half hour the
 * expected load is the mean of the tickets taken in that half hour over the last `historyWeeks`
 * weeks (holidays out; market days are their own pattern). The quiet times of the next
 * `quietDaysAhead` working days are their `quietSlotsPerDay` least busy half hours, joined where
 * they touch.
 */

const WEEK: WeekdayKey[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The hall's own sessions cut at every :00 and :30 (what residents are told about). */
export function hallHalfHours(sessions: readonly Session[], stopIssuingBeforeEndMin: number): Omit<QuietSlot, 'expected' | 'waitMin'>[] {
  const out: Omit<QuietSlot, 'expected' | 'waitMin'>[] = [];
  for (const s of [...sessions].sort((a, b) => minutesOf(a.start) - minutesOf(b.start))) {
    const start = minutesOf(s.start);
    const end = minutesOf(s.end);
    for (let a = start; a < end; ) {
      const b = Math.min(end, a - (a % 30) + 30);
      const extended = s.extended ?? false;
      out.push({ slot: a, until: b, label: `${slotLabel(a)}–${b >= 1440 ? '24:00' : slotLabel(b)}`, extended, advisable: !extended && b <= end - stopIssuingBeforeEndMin });
      a = b;
    }
  }
  return out;
}

/**
 * The quietest stretches of one day: the `count` half hours with the lowest expected load among
 * those that may be suggested (ties: the shorter expected wait, then the earlier), in time order,
 * touching ones joined into one stretch.
 */
export function pickQuietSlots(slots: readonly QuietSlot[], count: number): QuietPeriod[] {
  const chosen = slots
    .filter((s) => s.advisable)
    .sort((a, b) => a.expected - b.expected || a.waitMin - b.waitMin || a.slot - b.slot)
    .slice(0, Math.max(0, count))
    .sort((a, b) => a.slot - b.slot);
  const out: { from: number; to: number; loads: number[] }[] = [];
  for (const s of chosen) {
    const last = out.at(-1);
    if (last && last.to === s.slot) {
      last.to = s.until;
      last.loads.push(s.expected);
    } else out.push({ from: s.slot, to: s.until, loads: [s.expected] });
  }
  return out.map((p) => ({ start: slotLabel(p.from), end: p.to >= 1440 ? '24:00' : slotLabel(p.to), expected: round1(p.loads.reduce((a, b) => a + b, 0) / p.loads.length) }));
}

interface Pattern {
  days: number;
  issued: Map<number, number>;
  wait: Map<number, number>;
}

function patternOf(db: Db, days: string[]): Pattern {
  const issued = meanPerSlot(db, days, 'h', null, 'issued');
  const waited = meanPerSlot(db, days, 'h', null, 'wait_mean * called');
  const called = meanPerSlot(db, days, 'h', null, 'called');
  const wait = new Map<number, number>();
  for (const [slot, w] of waited) {
    const n = called.get(slot) ?? 0;
    wait.set(slot, n > 0 ? w / n / 60 : 0);
  }
  return { days: days.length, issued, wait };
}

function fill(slots: Omit<QuietSlot, 'expected' | 'waitMin'>[], p: Pattern): QuietSlot[] {
  return slots.map((s) => ({ ...s, expected: round1(p.issued.get(s.slot) ?? 0), waitMin: round1(p.wait.get(s.slot) ?? 0) }));
}

export function quietTimes(db: Db, config: HallConfig, now: number): QuietTimes {
  const tz = config.hall.timeZone;
  const today = businessDate(now, tz);
  const stop = config.schedule.stopIssuingBeforeEndMin;
  const range = historyRange(config, today);
  const recorded = recordedDays(db, config, range.from, range.to);
  const ordinary = recorded.filter((d) => dayTypeOf(config, d) !== null && !isMarketDay(config, d));
  const market = recorded.filter((d) => dayTypeOf(config, d) === 'market');
  const byPattern = new Map<WeekdayKey, Pattern>();
  for (const w of WEEK) byPattern.set(w, patternOf(db, ordinary.filter((d) => weekdayPattern(config, d) === w)));
  const marketPattern = config.schedule.marketDays ? patternOf(db, market) : null;
  const anyWeekday = patternOf(db, ordinary.filter((d) => dayTypeOf(config, d) === 'weekday'));

  const byWeekday = WEEK.filter((w) => config.schedule.week[w].length > 0).map((w) => ({
    weekday: w,
    label: WEEKDAY_LABELS[w],
    days: byPattern.get(w)!.days,
    slots: fill(hallHalfHours(config.schedule.week[w], stop), byPattern.get(w)!),
  }));

  const days: QuietDay[] = [];
  const nowMin = localTime(now, tz).minutes;
  for (let i = 0, date = today; i < 60 && days.length < config.reports.quietDaysAhead; i++, date = addDays(date, 1)) {
    const type = dayTypeOf(config, date);
    if (type === null || !isWorkingDay(config, date)) continue;
    const w = weekdayPattern(config, date);
    let pattern = type === 'market' && marketPattern && marketPattern.days > 0 ? marketPattern : byPattern.get(w)!;
    if (pattern.days === 0) pattern = anyWeekday;
    let slots = fill(hallHalfHours(sessionsOn(config, date), stop), pattern);
    if (date === today) slots = slots.filter((s) => s.slot >= nowMin);
    if (slots.length === 0) continue;
    days.push({
      date,
      weekday: w,
      dayType: type,
      label: { zh: `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 ${WEEKDAY_LABELS[w].zh}${type === 'market' ? `(${DAY_TYPE_LABELS.market.zh})` : ''}`, en: `${WEEKDAY_LABELS[w].en} ${date.slice(5)}${type === 'market' ? ' (market day)' : ''}` },
      slots,
      // Without history there is nothing to advise: no stretch is named.
      quiet: pattern.days > 0 ? pickQuietSlots(slots, config.reports.quietSlotsPerDay) : [],
    });
  }
  return {
    hall: { zh: config.hall.name, en: config.hall.nameEn ?? config.hall.name },
    generatedAt: now,
    today,
    basis: { from: range.from, to: range.to, weeks: config.reports.historyWeeks, days: recorded.length },
    byWeekday,
    marketDay: marketPattern ? { days: marketPattern.days, slots: fill(hallHalfHours(config.schedule.week[WEEK.find((w) => w !== 'sat' && w !== 'sun' && config.schedule.week[w].length > 0) ?? 'mon'], stop), marketPattern) } : null,
    days,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
