import type { HallConfig, Session, WeekdayKey } from '../config/schema.ts';

/**
 * Local time in the hall's zone. Everything date-like in the hub (business date, sessions, closing)
 * goes through here, so the server's own TZ never matters.
 */
export interface LocalTime {
  /** Business date, `YYYY-MM-DD` in the hall's zone. */
  date: string;
  weekday: WeekdayKey;
  /** Minutes since local midnight. */
  minutes: number;
  year: number;
}

const WEEKDAYS: Record<string, WeekdayKey> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(ms: number, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) out[p.type] = p.value;
  return out;
}

/**
 * Local time by arithmetic on the zone's offset, which is looked up (with Intl) once per quarter hour
 * of UTC and kept: every zone's offset is a multiple of 15 minutes and changes at a whole local
 * minute, so a transition never falls inside a quarter hour. The day closer asks for the date of
 * every open window's sign-in each minute, and the simulator asks millions of times: a formatter
 * call each time (about 15 µs) was most of a simulated minute.
 */
const QUARTER = 900_000;
const offsetCache = new Map<string, Map<number, number>>();

function cachedOffset(ms: number, timeZone: string): number {
  let zone = offsetCache.get(timeZone);
  if (!zone) offsetCache.set(timeZone, (zone = new Map()));
  const q = Math.floor(ms / QUARTER);
  let off = zone.get(q);
  if (off === undefined) {
    if (zone.size > 100_000) zone.clear();
    zone.set(q, (off = offsetAt(q * QUARTER, timeZone)));
  }
  return off;
}

const WEEKDAY_KEYS: WeekdayKey[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function localTime(ms: number, timeZone: string): LocalTime {
  const local = new Date(ms + cachedOffset(ms, timeZone));
  const year = local.getUTCFullYear();
  return {
    date: `${String(year).padStart(4, '0')}-${String(local.getUTCMonth() + 1).padStart(2, '0')}-${String(local.getUTCDate()).padStart(2, '0')}`,
    weekday: WEEKDAY_KEYS[local.getUTCDay()]!,
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
    year,
  };
}

/** The same answer from the formatter itself (tests compare the two). */
export function localTimeByIntl(ms: number, timeZone: string): LocalTime {
  const p = parts(ms, timeZone);
  const weekday = WEEKDAYS[p.weekday ?? ''];
  if (!weekday) throw new Error(`unexpected weekday ${p.weekday}`);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday,
    minutes: Number(p.hour) * 60 + Number(p.minute),
    year: Number(p.year),
  };
}

export function businessDate(ms: number, timeZone: string): string {
  return localTime(ms, timeZone).date;
}

/** Offset of the zone from UTC at an instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const instants = new Map<string, number>();

/** The instant of local `date` at `minutes` past midnight in the hall's zone. */
export function instantOf(date: string, minutes: number, timeZone: string): number {
  const key = `${timeZone}|${date}|${minutes}`;
  let v = instants.get(key);
  if (v === undefined) {
    if (instants.size > 4096) instants.clear();
    instants.set(key, (v = computeInstant(date, minutes, timeZone)));
  }
  return v;
}

function computeInstant(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 0, minutes);
  const guess = naive - offsetAt(naive, timeZone);
  // A second pass settles instants near a DST change; Asia/Shanghai has none.
  return naive - offsetAt(guess, timeZone);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

const weekdays = new Map<string, WeekdayKey>();

function weekdayOf(date: string): WeekdayKey {
  let w = weekdays.get(date);
  if (w === undefined) {
    const [y, m, d] = date.split('-').map(Number);
    w = WEEKDAY_KEYS[new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay()] ?? 'sun';
    if (weekdays.size > 10_000) weekdays.clear();
    weekdays.set(date, w);
  }
  return w;
}

const clockMinutes = new Map<string, number>();

export function minutesOf(hhmm: string): number {
  let v = clockMinutes.get(hhmm);
  if (v === undefined) {
    const [h, m] = hhmm.split(':').map(Number);
    v = (h ?? 0) * 60 + (m ?? 0);
    if (clockMinutes.size > 10_000) clockMinutes.clear();
    clockMinutes.set(hhmm, v);
  }
  return v;
}

/** The weekday whose sessions a date runs: its own, or the one a make-up working day (调休) names. */
export function weekdayPattern(config: HallConfig, date: string): WeekdayKey {
  return config.schedule.workdays?.find((w) => w.date === date)?.as ?? weekdayOf(date);
}

/** Sessions of a category (or of the hall when no category is given) on a local date. */
export function sessionsOn(config: HallConfig, date: string, categoryId?: string): Session[] {
  if (config.schedule.holidays?.includes(date)) return [];
  const weekday = weekdayPattern(config, date);
  const category = categoryId ? config.categories.find((c) => c.id === categoryId) : undefined;
  const week = category?.week ?? config.schedule.week;
  return week[weekday];
}

export type Opening =
  | { open: true; session: Session; date: string; closesAt: number; issuingUntil: number }
  | { open: false; nextOpenAt: number | null };

/**
 * Whether a category takes new tickets at `at`: inside a session and before the stop-issuing margin.
 * Sessions that touch (one ends at the minute the next starts, e.g. 09:00–12:00, 12:00–14:00 lunch,
 * 14:00–18:00) are one stretch of service for issuing: the margin applies only where service really
 * stops, not at 11:50 before a lunch session that opens at 12:00. When closed, says when it opens
 * next (within two weeks). `closesAt` is the end of the stretch, `issuingUntil` the stop-issuing margin before it.
 */
export function openingAt(config: HallConfig, categoryId: string, at: number): Opening {
  const tz = config.hall.timeZone;
  const now = localTime(at, tz);
  const stop = config.schedule.stopIssuingBeforeEndMin;
  const today = sessionsOn(config, now.date, categoryId);
  for (const s of today) {
    const start = minutesOf(s.start);
    const end = minutesOf(s.end);
    if (now.minutes < start || now.minutes >= end) continue;
    const stretchEnd = stretchEndOf(today, end);
    if (now.minutes < stretchEnd - stop) {
      return { open: true, session: s, date: now.date, closesAt: instantOf(now.date, stretchEnd, tz), issuingUntil: instantOf(now.date, stretchEnd - stop, tz) };
    }
  }
  for (let day = 0; day < 15; day++) {
    const date = addDays(now.date, day);
    const sessions = sessionsOn(config, date, categoryId);
    for (const s of sessions) {
      const start = minutesOf(s.start);
      // A session that merely continues the stretch the hall is in now does not "open" it again.
      if (day === 0 && sessions.some((p) => minutesOf(p.end) === start && minutesOf(p.start) <= now.minutes)) continue;
      if (day > 0 || start > now.minutes) return { open: false, nextOpenAt: instantOf(date, start, tz) };
    }
  }
  return { open: false, nextOpenAt: null };
}

/** The end (minutes) of the run of touching sessions that contains a session ending at `end`. */
export function stretchEndOf(sessions: readonly Session[], end: number): number {
  let e = end;
  for (let guard = 0; guard < sessions.length; guard++) {
    const next = sessions.find((s) => minutesOf(s.start) === e && minutesOf(s.end) > e);
    if (!next) break;
    e = minutesOf(next.end);
  }
  return e;
}

/** End of the last session of the day across the hall and all categories, or null on a closed day. */
export function dayEndsAt(config: HallConfig, date: string): number | null {
  let last = -1;
  const scopes: (string | undefined)[] = [undefined, ...config.categories.map((c) => c.id)];
  for (const id of scopes) for (const s of sessionsOn(config, date, id)) last = Math.max(last, minutesOf(s.end));
  return last < 0 ? null : instantOf(date, last, config.hall.timeZone);
}

/** A working day: a weekday with no holiday, or a make-up working day (调休). */
export function isWorkingDay(config: HallConfig, date: string): boolean {
  if (config.schedule.holidays?.includes(date)) return false;
  if (config.schedule.workdays?.some((w) => w.date === date)) return true;
  const day = weekdayOf(date);
  return day !== 'sat' && day !== 'sun';
}

/** The date `n` working days after `date` (the deadline of a follow-up opened on `date`). */
export function addWorkingDays(config: HallConfig, date: string, n: number): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(config, d)) left--;
  }
  return d;
}
