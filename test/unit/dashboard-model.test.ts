import { describe, expect, it } from 'vitest';
import { congestionLines, publicCongestionNotice } from '../../display-ui/src/congestion.ts';
import {
  addMonths,
  defaultMonth,
  durationText,
  filenameOf,
  followupBuckets,
  heatColour,
  heatmap,
  HEAT_COLOURS,
  indicatorCards,
  liveSummary,
  monthChoices,
  monthSpan,
  nextFollowupStep,
  staffingView,
  todayCurve,
  typicalSlots,
  uploadView,
  weekdayOf,
  type FollowupItem,
  smsView,
} from '../../display-ui/src/manager/dashboard-model.ts';
import { pageOf, previousMonth } from '../../display-ui/src/ranking/ranking-state.ts';
import { emptyState } from '../../src/domain/state.ts';
import { hallView } from '../../src/read-model/hall-view.ts';
import { dayWords, quietDayLines } from '../../src/read-model/quiet-days.ts';
import { INDICATOR_DEFINITIONS } from '../../src/reports/indicators.ts';
import type { FlowReportRow, IndicatorsReport, QuietSlot, QuietTimes, RankedWindow, StaffingReport } from '../../src/reports/types.ts';
import { testConfig } from '../support/test-config.ts';
import type { FollowupStep } from '../../src/domain/ratings.ts';

/** The manager's dashboard, the ranking page and the public quiet-time lines as pure functions (no browser). */
const NOW = Date.parse('2026-12-02T02:40:00Z'); // Wed 10:40 in Shanghai
const slot = (s: number, expected: number, extra: Partial<QuietSlot> = {}): QuietSlot => ({ slot: s, until: s + 30, label: '', expected, waitMin: 0, extended: false, advisable: true, ...extra });
const quiet = (over: Partial<QuietTimes> = {}): QuietTimes => ({
  hall: { zh: '测试中心', en: 'Test' },
  generatedAt: NOW,
  today: '2026-12-02',
  basis: { from: '2026-10-07', to: '2026-12-01', weeks: 8, days: 30 },
  byWeekday: [
    { weekday: 'mon', label: { zh: '星期一', en: 'Monday' }, days: 6, slots: [slot(540, 4), slot(570, 2.25)] },
    { weekday: 'wed', label: { zh: '星期三', en: 'Wednesday' }, days: 5, slots: [slot(540, 3), slot(570, 1), slot(600, 0.5)] },
  ],
  marketDay: { days: 4, slots: [slot(540, 9), slot(570, 7)] },
  days: [],
  ...over,
});

describe('months', () => {
  it('opens on the month just ended in the first five days, else on this one', () => {
    expect(defaultMonth('2026-12-02')).toBe('2026-11');
    expect(defaultMonth('2026-12-05')).toBe('2026-11');
    expect(defaultMonth('2026-12-06')).toBe('2026-12');
    expect(defaultMonth('2027-01-03')).toBe('2026-12');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(monthChoices('2026-12-02', 3)).toEqual([
      { value: '2026-12', zh: '2026年12月' },
      { value: '2026-11', zh: '2026年11月' },
      { value: '2026-10', zh: '2026年10月' },
    ]);
  });

  it('asks for the days of a month that have begun', () => {
    expect(monthSpan('2026-11', '2026-12-02')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(monthSpan('2026-12', '2026-12-02')).toEqual({ from: '2026-12-01', to: '2026-12-02' });
    expect(monthSpan('2028-02', '2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });
});

describe('the live hall', () => {
  it('adds up the waiting, finds the longest wait on the hub’s clock, counts the windows and the congested', () => {
    const hall = hallView(emptyState(), testConfig(), NOW);
    hall.categories[0]!.waiting = 3;
    hall.categories[0]!.longestWaitingSince = NOW - 25 * 60_000 - 5_000;
    hall.categories[1]!.waiting = 1;
    hall.categories[1]!.longestWaitingSince = NOW - 4 * 60_000;
    hall.windows[0]!.status = 'open';
    hall.windows[1]!.status = 'paused';
    hall.congested = [{ categoryId: hall.categories[0]!.id, since: NOW - 60_000 }];
    const live = liveSummary(hall, NOW);
    expect(live.waiting).toBe(4);
    expect(live.longest).toEqual({ minutes: 25, categoryId: hall.categories[0]!.id, name: hall.categories[0]!.name.zh });
    expect(live.windows).toEqual({ open: 1, paused: 1, closed: hall.windows.length - 2, total: hall.windows.length });
    expect(live.congested).toBe(1);
    expect(live.categories[0]).toMatchObject({ congested: true, longestWaitMin: 25 });
    // Nobody waiting: no longest wait, whatever an old `since` says.
    expect(live.categories[2]!.longestWaitMin).toBeNull();
  });

  it('says the congestion in words: the manager’s measure and line, or the public form with the waiting count; the wall in plain words', () => {
    const hall = hallView(emptyState(), testConfig(), NOW);
    const [a, b] = hall.categories;
    a!.waiting = 21;
    hall.congested = [
      { categoryId: a!.id, since: NOW, measure: 'waiting', value: 21, threshold: 20 },
      { categoryId: b!.id, since: NOW + 60_000 },
    ];
    const lines = congestionLines(hall);
    expect(lines[0]).toEqual({ categoryId: a!.id, zh: `${a!.name.zh}：等候 21 人（预警线 20人），10:40 起`, en: `${a!.name.en}: 21 waiting (alarm at 20), since 10:40` });
    expect(lines[1]!.zh).toBe(`${b!.name.zh}，等候 0 人，10:41 起`);
    expect(publicCongestionNotice(hall)).toBe(`${a!.name.zh}等2项业务人多，请耐心等候`);
    expect(publicCongestionNotice({ ...hall, congested: [hall.congested[1]!] })).toBe(`${b!.name.zh}人多，请耐心等候`);
    expect(publicCongestionNotice({ ...hall, congested: [] })).toBeNull();
  });
});

describe('today against a usual day, and the week', () => {
  const row = (s: number, issued: number): FlowReportRow =>
    ({ period: '', from: '2026-12-02', to: '2026-12-02', slot: s, issued, called: 0, served: 0, noShow: 0, transfersIn: 0, transfersOut: 0, waitingEnd: 0, waitingPeak: 0, waitMaxSec: 0, waitMeanSec: 0, waitP90Sec: 0, handleMeanSec: 0, appointments: 0, extendedIssued: 0, windowsOpen: 0, clerks: 0, slots: 1 }) as FlowReportRow;

  it('compares the half hours recorded today with the usual weekday, and market days with market days', () => {
    const q = quiet();
    expect(weekdayOf('2026-12-02')).toBe('wed');
    expect(typicalSlots(q, '2026-12-02', 'weekday').map((s) => s.expected)).toEqual([3, 1, 0.5]);
    expect(typicalSlots(q, '2026-12-02', 'market').map((s) => s.expected)).toEqual([9, 7]);
    expect(typicalSlots(q, '2026-12-06', 'sunday')).toEqual([]);
    // A Sunday made a working day (调休) that runs as Monday is compared with the usual Monday.
    expect(typicalSlots(q, '2026-12-06', 'weekday', 'mon').map((s) => s.expected)).toEqual([4, 2.25]);
    const c = todayCurve([row(540, 5), row(570, 2), row(1440, 0)], typicalSlots(q, '2026-12-02', 'weekday'));
    expect(c).toEqual({ labels: ['09:00', '09:30', '10:00'], today: [5, 2, null], typical: [3, 1, 0.5], todaySoFar: 7, typicalSoFar: 4 });
  });

  it('lays the week out as weekday × half hour, market days on a row of their own', () => {
    const h = heatmap(quiet());
    expect(h.rows).toEqual(['周一', '周三', '逢场天']);
    expect(h.cols).toEqual(['09:00', '09:30', '10:00']);
    expect(h.cells).toContainEqual([1, 0, 2.3]);
    expect(h.cells).toContainEqual([2, 1, 0.5]);
    expect(h.max).toBe(9);
    expect(heatColour(0, 9)).toBe(HEAT_COLOURS[0]);
    expect(heatColour(9, 9)).toBe(HEAT_COLOURS.at(-1));
    expect(heatColour(1, 0)).toBe(HEAT_COLOURS[0]);
  });
});

describe('staffing, follow-ups, uploads, indicators, files', () => {
  it('marks the half hours short of clerks, and says what the comparison is', () => {
    const report = {
      date: '2026-12-02',
      dayType: 'weekday',
      closed: false,
      target: { withinMin: 15, target: 0.8 },
      forecast: { from: '', to: '', dayType: 'weekday', days: 5, fallback: null },
      groups: [{ slots: [{ actual: 2, planned: 2 }, { actual: null, planned: 3 }] }],
      totals: [
        { slot: 540, label: '09:00', arrivals: 6, recommended: 3, compared: 2, shortfall: 1 },
        { slot: 570, label: '09:30', arrivals: 3, recommended: 2, compared: 3, shortfall: 0 },
      ],
    } as unknown as StaffingReport;
    const v = staffingView(report);
    expect(v).toMatchObject({ labels: ['09:00', '09:30'], recommended: [3, 2], compared: [2, 3], shortfall: [1, null], basis: 'mixed' });
    expect(v.short).toEqual([{ label: '09:00', shortfall: 1, recommended: 3, compared: 2 }]);
  });

  it('sorts the open follow-ups into overdue, due within three days and later, and names the next step', () => {
    const f = (id: string, deadline: string, steps: FollowupStep[] = [], status: 'open' | 'closed' = 'open'): FollowupItem => ({
      id,
      ratingId: `r_${id}`,
      serviceId: `s_${id}`,
      openedAt: 0,
      windowId: 1,
      staffId: 'c1',
      level: 2,
      deadline,
      overdue: false,
      status,
      steps: steps.map((step) => ({ step, note: '', at: 0, by: 'm1' })),
      rating: null,
    });
    const b = followupBuckets([f('a', '2026-12-09'), f('b', '2026-11-30'), f('c', '2026-12-02'), f('d', '2026-12-05'), f('e', '2026-11-01', [], 'closed')], '2026-12-02');
    expect(b.overdue.map((x) => x.id)).toEqual(['b']);
    expect(b.dueSoon.map((x) => x.id)).toEqual(['c', 'd']);
    expect(b.later).toBe(1);
    expect(nextFollowupStep(f('x', '', []))).toBe('callback');
    expect(nextFollowupStep(f('x', '', ['callback']))).toBe('verification');
    expect(nextFollowupStep(f('x', '', ['callback', 'verification']))).toBe('rectification');
  });

  it('reads the upload backlog: waiting, failing, parked, or no upload at all', () => {
    expect(uploadView(null)).toMatchObject({ configured: false, zh: '未配置好差评上传' });
    const base = { backlog: 0, deadLetters: 0, oldestAgeMs: null, lastError: null, lastDeliveredAt: null, nextAttemptAt: null };
    expect(uploadView({ ...base, state: 'idle' })).toMatchObject({ tone: 'ok', zh: '已全部上传' });
    expect(uploadView({ ...base, state: 'sending', backlog: 3, oldestAgeMs: 125_000 })).toMatchObject({ tone: 'warn', backlog: 3, oldestMin: 2 });
    expect(uploadView({ ...base, state: 'backing-off', backlog: 9, lastError: { ratingId: 'r', message: 'ECONNREFUSED', at: 1 } })).toMatchObject({ tone: 'bad', lastError: 'ECONNREFUSED' });
    expect(uploadView({ ...base, state: 'idle', deadLetters: 1 }).tone).toBe('bad');
    expect([null, 0, 59, 61, 1440, 60947].map((m) => durationText(m))).toEqual(['—', '0 分钟', '59 分钟', '1 小时 1 分钟', '1 天', '42 天 7 小时']);
  });

  it('shows the indicators in the order halls report them, rates as percentages', () => {
    const hall = { visitors: 10, accepted: 9, completed: 8, completionRate: 8 / 9, rated: 5, satisfactionRate: 0.98, promisedDue: 0, promisedOnTime: 0, onTimeRate: null, promisedPending: 0, callbacks: 0, callbacksSatisfied: 0, callbackSatisfactionRate: null, extendedServed: 2 };
    const cards = indicatorCards({ from: '', to: '', hall, categories: [], definitions: INDICATOR_DEFINITIONS } as IndicatorsReport);
    expect(cards.map((c) => `${c.zh} ${c.value}`)).toEqual(['接待人次 10', '受理件 9', '办结件 8', '办结率 88.9%', '满意率 98.0%', '按期办结率 —', '回访满意率 —', '延时服务办件量 2']);
  });

  it('saves a download under the hub’s Chinese name', () => {
    expect(filenameOf(`attachment; filename="hallq-2026-11.xlsx"; filename*=UTF-8''${encodeURIComponent('青石镇便民服务中心-2026-11-月报.xlsx')}`, 'x')).toBe('青石镇便民服务中心-2026-11-月报.xlsx');
    expect(filenameOf('attachment; filename="hallq-2026-11-staff.csv"', 'x')).toBe('hallq-2026-11-staff.csv');
    expect(filenameOf(null, 'fallback.csv')).toBe('fallback.csv');
    expect(filenameOf("attachment; filename*=UTF-8''%E0%A4%A", 'fallback.csv')).toBe('fallback.csv');
  });
});

describe('the month-end publication and the public quiet times', () => {
  it('shows the month just ended, a page of windows at a time', () => {
    expect(previousMonth('2026-12-02')).toBe('2026-11');
    expect(previousMonth('2027-01-15')).toBe('2026-12');
    const windows = Array.from({ length: 9 }, (_, i) => ({ windowId: i + 1 }) as RankedWindow);
    expect(pageOf(windows, 0)).toMatchObject({ pages: 2, index: 0 });
    expect(pageOf(windows, 1).rows.map((w) => w.windowId)).toEqual([8, 9]);
    expect(pageOf(windows, 2).rows.map((w) => w.windowId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pageOf([], 5)).toEqual({ rows: [], pages: 1, index: 0 });
  });

  it('says the days in plain words: 今天, 明天, or the date and weekday; only days with quiet times', () => {
    expect(dayWords('2026-12-02', '2026-12-02')).toEqual({ zh: '今天', en: 'Today' });
    expect(dayWords('2026-12-03', '2026-12-02')).toEqual({ zh: '明天', en: 'Tomorrow' });
    expect(dayWords('2026-12-07', '2026-12-02')).toEqual({ zh: '12月7日 周一', en: 'Mon 7 Dec' });
    const day = (date: string, quietTimes: [string, string][]) => ({ date, weekday: 'mon' as const, dayType: 'weekday' as const, label: { zh: '', en: '' }, slots: [], quiet: quietTimes.map(([start, end]) => ({ start, end, expected: 1 })) });
    const q = quiet({ days: [day('2026-12-02', []), day('2026-12-03', [['10:30', '11:30'], ['15:00', '15:30'], ['16:00', '16:30']]), day('2026-12-04', [['09:00', '09:30']])] });
    expect(quietDayLines(q, 3, 2)).toEqual([
      { date: '2026-12-03', day: { zh: '明天', en: 'Tomorrow' }, periods: ['10:30–11:30', '15:00–15:30'] },
      { date: '2026-12-04', day: { zh: '12月4日 周五', en: 'Fri 4 Dec' }, periods: ['09:00–09:30'] },
    ]);
  });
});

describe('the SMS outbox on the dashboard', () => {
  const base = { channel: 'ok' as const, channelError: null, pending: 0, retrying: 0, oldestPendingAt: null, sentToday: 12, expiredToday: 0, lastError: null };
  it('is calm when everything went, and says how old the oldest waiting text is when the modem fails', () => {
    expect(smsView(null, 0)).toBeNull();
    expect(smsView(base, 0)).toMatchObject({ tone: 'ok', zh: '短信正常', sentToday: 12 });
    const down = smsView({ ...base, channel: 'down', channelError: 'CMS ERROR 38', pending: 3, retrying: 1, oldestPendingAt: 0 }, 7 * 60_000);
    expect(down).toMatchObject({ tone: 'bad', zh: '短信发送故障，稍后重试', pending: 3, oldestMin: 7, error: 'CMS ERROR 38' });
    expect(smsView({ ...base, channel: 'none', pending: 1, oldestPendingAt: 0 }, 0)).toMatchObject({ tone: 'bad', zh: '未接短信猫或短信网关，短信暂存待发' });
    expect(smsView({ ...base, expiredToday: 2 }, 0)?.tone).toBe('warn');
  });
});
