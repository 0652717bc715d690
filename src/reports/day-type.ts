import type { HallConfig, WeekdayKey } from '../config/schema.ts';
import { sessionsOn, weekdayPattern } from '../domain/calendar.ts';
import type { Bilingual, DayType } from './types.ts';
import { daysIn } from './period.ts';

/**
 * What kind of day a date is, for forecasts: 逢场天 (market days, hall-rules §4) are their own type;
 * other days go by the weekday whose sessions they run (a make-up working day 调休 runs the named
 * weekday's). A day without a hall session (a holiday, a Sunday) has no type.
 */

export const WEEKDAY_LABELS: Record<WeekdayKey, Bilingual> = {
  mon: { zh: '星期一', en: 'Monday' },
  tue: { zh: '星期二', en: 'Tuesday' },
  wed: { zh: '星期三', en: 'Wednesday' },
  thu: { zh: '星期四', en: 'Thursday' },
  fri: { zh: '星期五', en: 'Friday' },
  sat: { zh: '星期六', en: 'Saturday' },
  sun: { zh: '星期日', en: 'Sunday' },
};

// The weekday a date runs as is the calendar's: the sessions the hub keeps go by the same rule.
export { weekdayPattern };

export function isHoliday(config: HallConfig, date: string): boolean {
  return config.schedule.holidays?.includes(date) ?? false;
}

/**
 * 逢场天: a listed date, or every `everyNDays` days counted from `from` (from 1970-01-01 when no
 * `from` is given). A holiday is never a market day for the hall.
 */
export function isMarketDay(config: HallConfig, date: string): boolean {
  const m = config.schedule.marketDays;
  if (!m || isHoliday(config, date)) return false;
  if (m.dates?.includes(date)) return true;
  if (m.everyNDays === undefined) return false;
  const since = daysIn(m.from ?? '1970-01-01', date) - 1;
  return since >= 0 && since % m.everyNDays === 0;
}

/** Whether the hall itself holds a session that day. */
export function hallOpens(config: HallConfig, date: string): boolean {
  return sessionsOn(config, date).length > 0;
}

export function dayTypeOf(config: HallConfig, date: string): DayType | null {
  if (isHoliday(config, date) || !hallOpens(config, date)) return null;
  if (isMarketDay(config, date)) return 'market';
  const w = weekdayPattern(config, date);
  return w === 'sat' ? 'saturday' : w === 'sun' ? 'sunday' : 'weekday';
}

export const DAY_TYPE_LABELS: Record<DayType, Bilingual> = {
  weekday: { zh: '工作日', en: 'Weekday' },
  saturday: { zh: '周六', en: 'Saturday' },
  sunday: { zh: '周日', en: 'Sunday' },
  market: { zh: '逢场天', en: 'Market day' },
};
