import { addDays } from '../domain/calendar.ts';
import { HallqError } from '../domain/errors.ts';
import type { PeriodRef } from './types.ts';

/**
 * The periods reports are asked for, checked: real dates, ranges the right way round, nothing that
 * has not begun, and no range longer than a report should read. Every refusal says what was wrong
 * in Chinese and English.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date `YYYY-MM-DD` (2026-02-30 is not), else a 400 naming the field. */
export function checkDate(value: string, field: string): string {
  const m = DATE.exec(value);
  const ok = m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === value && Number(m[1]) >= 2000;
  if (!ok) throw new HallqError('HQ_ERR_VALIDATION', { field }, { zh: `${field} 须为有效日期 YYYY-MM-DD`, en: `${field} must be a real date, YYYY-MM-DD` });
  return value;
}

/** Days from `from` to `to`, both counted (1 for a single day). */
export function daysIn(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export function datesIn(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * A date range: `from` ≤ `to`, `from` not after today, at most `maxDays` days. `to` may run past
 * today (this month so far): the days to come simply have no records.
 */
export function checkRange(from: string, to: string, today: string, maxDays: number): { from: string; to: string } {
  checkDate(from, 'from');
  checkDate(to, 'to');
  if (from > to) throw new HallqError('HQ_ERR_REPORT_RANGE_INVERTED', { from, to });
  if (from > today) throw new HallqError('HQ_ERR_REPORT_PERIOD_IN_FUTURE', { from, today });
  const days = daysIn(from, to);
  if (days > maxDays) throw new HallqError('HQ_ERR_REPORT_RANGE_TOO_LONG', { days, maxDays }, { zh: `最多 ${maxDays} 天`, en: `at most ${maxDays} days` });
  return { from, to };
}

/** The last date of a month (`month` 1–12). */
export function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

function notFuture(p: PeriodRef, today: string): PeriodRef {
  if (p.from > today) throw new HallqError('HQ_ERR_REPORT_PERIOD_IN_FUTURE', { period: p.key, today });
  return p;
}

/** `YYYY-MM`, not after this month. */
export function monthPeriod(month: string, today: string): PeriodRef {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  if (!m || mo < 1 || mo > 12 || y < 2000) throw new HallqError('HQ_ERR_VALIDATION', { field: 'month' }, { zh: 'month 须为 YYYY-MM', en: 'month must be YYYY-MM' });
  return notFuture({ kind: 'month', key: month, from: `${month}-01`, to: lastDayOfMonth(y, mo), label: { zh: `${y}年${mo}月`, en: month } }, today);
}

/** `YYYY-Qn`, not after this quarter. */
export function quarterPeriod(quarter: string, today: string): PeriodRef {
  const m = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!m || Number(m[1]) < 2000) throw new HallqError('HQ_ERR_VALIDATION', { field: 'quarter' }, { zh: 'quarter 须为 YYYY-Qn(n 为 1–4)', en: 'quarter must be YYYY-Qn, n from 1 to 4' });
  const y = Number(m[1]);
  const q = Number(m[2]);
  const first = (q - 1) * 3 + 1;
  const from = `${y}-${String(first).padStart(2, '0')}-01`;
  return notFuture({ kind: 'quarter', key: quarter, from, to: lastDayOfMonth(y, first + 2), label: { zh: `${y}年第${'一二三四'[q - 1]}季度`, en: `${y} Q${q}` } }, today);
}

/** `YYYY`, not after this year. */
export function yearPeriod(year: string, today: string): PeriodRef {
  if (!/^\d{4}$/.test(year) || Number(year) < 2000) throw new HallqError('HQ_ERR_VALIDATION', { field: 'year' }, { zh: 'year 须为四位年份', en: 'year must be four digits' });
  return notFuture({ kind: 'year', key: year, from: `${year}-01-01`, to: `${year}-12-31`, label: { zh: `${year}年`, en: year } }, today);
}

/** Exactly one of month, quarter or year. */
export function assessmentPeriod(q: { month?: string; quarter?: string; year?: string }, today: string): PeriodRef {
  const given = [q.month, q.quarter, q.year].filter((x) => x !== undefined).length;
  if (given !== 1) throw new HallqError('HQ_ERR_VALIDATION', { field: 'month' }, { zh: '请给出 month、quarter 或 year 之一', en: 'give one of month, quarter or year' });
  if (q.month !== undefined) return monthPeriod(q.month, today);
  if (q.quarter !== undefined) return quarterPeriod(q.quarter, today);
  return yearPeriod(q.year!, today);
}

/** ISO week of a date: its label (`2026-W48`) and its Monday. */
export function isoWeek(date: string): { label: string; monday: string } {
  const t = new Date(`${date}T00:00:00Z`);
  const dow = (t.getUTCDay() + 6) % 7; // Monday 0
  const monday = addDays(date, -dow);
  const thursday = new Date(Date.parse(`${addDays(monday, 3)}T00:00:00Z`));
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return { label: `${year}-W${String(week).padStart(2, '0')}`, monday };
}

/** `HH:MM` of a slot; the close record is `close`. */
export function slotLabel(slot: number): string {
  if (slot >= 1440) return 'close';
  return `${String(Math.floor(slot / 60)).padStart(2, '0')}:${String(slot % 60).padStart(2, '0')}`;
}
