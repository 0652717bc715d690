import { reactive } from 'vue';
import { call, deviceTokenFromUrl, HubError } from '../../../src/api/browser-client.ts';
import type { HallView } from '../../../src/read-model/hall-view.ts';
import type { RankedWindow, RankingPublication } from '../../../src/reports/types.ts';
import { addMonths } from '../manager/dashboard-model.ts';

/**
 * The month-end publication (月底公示) on a hall screen: `/display/ranking.html?month=YYYY-MM&token=…`
 * with the wall's screen token (kept on the machine after the first visit), or in a manager's
 * browser with their session. Without `month` it shows the month just ended, on the hub's calendar.
 * Many windows are shown a page at a time, as the wall shows its queues.
 */
export const ROWS_PER_PAGE = 7;
export const PAGE_MS = 10_000;

export const ranking = reactive({
  /** The hall's name, from the public hall view (shown even when the ranking is refused). */
  hall: '',
  data: null as RankingPublication | null,
  error: null as { zh: string; en: string } | null,
  page: 0,
});

/** The month before `today`'s: what a month-end publication shows by default. */
export function previousMonth(today: string): string {
  return addMonths(today.slice(0, 7), -1);
}

/** The windows of page `page` (pages turn round). */
export function pageOf(windows: readonly RankedWindow[], page: number, perPage = ROWS_PER_PAGE): { rows: RankedWindow[]; pages: number; index: number } {
  const pages = Math.max(1, Math.ceil(windows.length / perPage));
  const index = ((page % pages) + pages) % pages;
  return { rows: windows.slice(index * perPage, index * perPage + perPage), pages, index };
}

async function load(token: string | null): Promise<void> {
  try {
    const hall = await call<HallView>('GET', '/hall', null);
    ranking.hall = hall.hall.name;
    const month = new URLSearchParams(location.search).get('month') ?? previousMonth(hall.businessDate);
    ranking.data = await call<RankingPublication>('GET', `/reports/ranking?month=${encodeURIComponent(month)}`, token);
    ranking.error = null;
  } catch (err) {
    if (err instanceof HubError && (err.status === 401 || err.status === 403)) {
      ranking.error = { zh: '本页须用大厅屏的令牌打开（地址后加 ?token=…），或由管理人员登录后打开', en: "Open this page with the hall screen's token (?token=…), or signed in as a manager" };
    } else ranking.error = err instanceof HubError ? { zh: err.body.zh, en: err.body.en } : { zh: '暂时无法获取排名', en: 'The ranking is not available now' };
  }
}

export function startRankingPage(): void {
  const token = deviceTokenFromUrl('hallq.screen.token');
  void load(token);
  // A screen left on for days picks up the new month's publication.
  setInterval(() => void load(token), 30 * 60_000);
  setInterval(() => (ranking.page += 1), PAGE_MS);
}
