import { addDays } from '../domain/calendar.ts';
import type { QuietTimes } from '../reports/types.ts';

/**
 * The quiet times (错峰办事) as the public screens say them (the wall, the kiosk): plain words
 * for elderly residents, 「今天」「明天」 or the date and weekday, then the times. From the
 * published `QuietTimes` (`/api/v1/public/quiet-times`); shared by display-ui and kiosk-ui.
 */
export interface QuietDayLine {
  date: string;
  day: { zh: string; en: string };
  periods: string[];
}

const WEEKDAY = [
  { zh: '周日', en: 'Sun' },
  { zh: '周一', en: 'Mon' },
  { zh: '周二', en: 'Tue' },
  { zh: '周三', en: 'Wed' },
  { zh: '周四', en: 'Thu' },
  { zh: '周五', en: 'Fri' },
  { zh: '周六', en: 'Sat' },
] as const;
const MONTH_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** 「今天」, 「明天」, or 「12月3日 周三」 (English: Today, Tomorrow, Wed 3 Dec). */
export function dayWords(date: string, today: string): { zh: string; en: string } {
  if (date === today) return { zh: '今天', en: 'Today' };
  if (date === addDays(today, 1)) return { zh: '明天', en: 'Tomorrow' };
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const w = WEEKDAY[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
  return { zh: `${m}月${d}日 ${w.zh}`, en: `${w.en} ${d} ${MONTH_EN[m - 1]}` };
}

/** The next days that have quiet times, at most `maxDays`, each with at most `maxPeriods`. */
export function quietDayLines(data: QuietTimes, maxDays = 3, maxPeriods = 2): QuietDayLine[] {
  return data.days
    .filter((d) => d.quiet.length > 0)
    .slice(0, maxDays)
    .map((d) => ({ date: d.date, day: dayWords(d.date, data.today), periods: d.quiet.slice(0, maxPeriods).map((q) => `${q.start}–${q.end}`) }));
}
