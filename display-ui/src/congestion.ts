import type { CongestionView, HallView } from '../../src/read-model/hall-view.ts';

/**
 * The congestion alarm (应急处置) in words, for the screens that show it: the manager's banner
 * (what crossed which threshold, since when), the console's, and the wall's plain notice for the
 * public. Times are the hall's (its zone), not the screen PC's.
 */
export interface CongestionLine {
  categoryId: string;
  zh: string;
  en: string;
}

function hhmm(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

const MEASURE = {
  waiting: { zh: (v: number) => `等候 ${v} 人`, en: (v: number) => `${v} waiting`, unitZh: '人', unitEn: '' },
  longestWaitMin: { zh: (v: number) => `最长等候 ${v} 分钟`, en: (v: number) => `longest wait ${v} min`, unitZh: '分钟', unitEn: ' min' },
  estimatedWaitMin: { zh: (v: number) => `预计等候 ${v} 分钟`, en: (v: number) => `estimated wait ${v} min`, unitZh: '分钟', unitEn: ' min' },
} as const;

/** One line per congested category, for staff: what crossed which threshold, and since when. */
export function congestionLines(hall: Pick<HallView, 'categories' | 'hall'> & { congested?: CongestionView[] }): CongestionLine[] {
  const tz = hall.hall.timeZone;
  return (hall.congested ?? []).map((c) => {
    const cat = hall.categories.find((x) => x.id === c.categoryId);
    const name = { zh: cat?.name.zh ?? c.categoryId, en: cat?.name.en ?? c.categoryId };
    const since = hhmm(c.since, tz);
    if (c.measure && c.value !== undefined && c.threshold !== undefined) {
      const m = MEASURE[c.measure];
      return {
        categoryId: c.categoryId,
        zh: `${name.zh}：${m.zh(c.value)}（预警线 ${c.threshold}${m.unitZh}），${since} 起`,
        en: `${name.en}: ${m.en(c.value)} (alarm at ${c.threshold}${m.unitEn}), since ${since}`,
      };
    }
    // The public form of the event (and a snapshot) says only which category, and since when.
    const waiting = cat ? `，${MEASURE.waiting.zh(cat.waiting)}` : '';
    return { categoryId: c.categoryId, zh: `${name.zh}${waiting}，${since} 起`, en: `${name.en}${cat ? `: ${cat.waiting} waiting` : ''}, since ${since}` };
  });
}

/** The wall's notice for residents, in plain words; null when nothing is congested. */
export function publicCongestionNotice(hall: Pick<HallView, 'categories'> & { congested?: CongestionView[] }): string | null {
  const list = hall.congested ?? [];
  if (list.length === 0) return null;
  const names = list.map((c) => hall.categories.find((x) => x.id === c.categoryId)?.name.zh ?? c.categoryId);
  return names.length === 1 ? `${names[0]}人多，请耐心等候` : `${names[0]}等${names.length}项业务人多，请耐心等候`;
}
