import { reactive } from 'vue';
import type { QuietSlot, QuietTimes, WeekdayName } from '../../../src/reports/types.ts';

/**
 * The public quiet-times page (错峰办事, /quiet): what the hub publishes at
 * /api/v1/public/quiet-times, for a resident's phone. Chinese first, English beneath.
 */
export const page = reactive({
  data: null as QuietTimes | null,
  error: null as { zh: string; en: string } | null,
  weekday: null as WeekdayName | null,
});

/** How busy a half hour is, against the busiest of its day: 0 quiet … 3 busy. */
export function level(slot: Pick<QuietSlot, 'expected'>, slots: readonly Pick<QuietSlot, 'expected'>[]): 0 | 1 | 2 | 3 {
  const max = Math.max(0, ...slots.map((s) => s.expected));
  if (max <= 0) return 0;
  const r = slot.expected / max;
  return r < 0.25 ? 0 : r < 0.5 ? 1 : r < 0.8 ? 2 : 3;
}

export const LEVEL_TEXT = [
  { zh: '空闲', en: 'quiet' },
  { zh: '较少', en: 'light' },
  { zh: '较多', en: 'busy' },
  { zh: '繁忙', en: 'peak' },
] as const;

/** Bar width in percent of the busiest half hour of the list (at least a sliver, so zero still shows). */
export function barWidth(slot: Pick<QuietSlot, 'expected'>, slots: readonly Pick<QuietSlot, 'expected'>[]): number {
  const max = Math.max(0, ...slots.map((s) => s.expected));
  return max <= 0 ? 2 : Math.max(2, Math.round((slot.expected / max) * 100));
}

/** The weekday tab to show first: today's pattern if the hall opens today, else the first. */
export function firstWeekday(data: QuietTimes): WeekdayName | null {
  const today = data.days.find((d) => d.date === data.today)?.weekday;
  return today ?? data.byWeekday[0]?.weekday ?? null;
}

export async function load(): Promise<void> {
  try {
    const res = await fetch('/api/v1/public/quiet-times');
    const body = await res.json();
    if (!res.ok) {
      page.error = { zh: body.error?.zh ?? '暂时无法获取', en: body.error?.en ?? 'Not available now' };
      return;
    }
    page.data = body as QuietTimes;
    page.error = null;
    page.weekday ??= firstWeekday(page.data);
  } catch {
    page.error = { zh: '网络连接中断，请稍后刷新', en: 'No connection; refresh in a moment' };
  }
}

export function startQuietPage(): void {
  void load();
  // The hub recomputes at most every ten minutes.
  setInterval(() => void load(), 10 * 60_000);
}
