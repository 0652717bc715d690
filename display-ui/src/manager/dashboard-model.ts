import type { CategoryView, HallView } from '../../../src/read-model/hall-view.ts';
import { MONTHLY_SHEETS, MONTHLY_TABLES, type DayType, type FlowReportRow, type IndicatorFigures, type IndicatorsReport, type MonthlyTableKey, type QuietSlot, type QuietTimes, type StaffingReport, type WeekdayName } from '../../../src/reports/types.ts';
import type { UpstreamStatus } from '../../../src/upstream/worker.ts';
import type { FollowupListItem } from '../../../src/domain/ratings.ts';
import type { SmsStatusMessage } from '../../../src/realtime/protocol.ts';

/**
 * The manager's dashboard as pure functions of what the hub sends: the live hall, today's curve
 * beside the usual one, the weekly heatmap, staffing, follow-ups, the upload backlog, the months
 * and files to choose. No Vue, no fetch, no clock of the browser's: "today" and "now" are the
 * hub's (its business date and clock), so a PC with a wrong clock shows the hall's day.
 */

// --- months -------------------------------------------------------------------------------------

/** `YYYY-MM` moved by `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * The month the dashboard opens on: the current one, except in its first five days, when the
 * month just ended is what a manager closes, publishes (月底公示) and reports upward.
 */
export function defaultMonth(today: string): string {
  const month = today.slice(0, 7);
  return Number(today.slice(8, 10)) <= 5 ? addMonths(month, -1) : month;
}

/** The months to choose from, newest first: this month and the `count − 1` before it. */
export function monthChoices(today: string, count = 13): { value: string; zh: string }[] {
  const out: { value: string; zh: string }[] = [];
  for (let i = 0; i < count; i++) {
    const m = addMonths(today.slice(0, 7), -i);
    out.push({ value: m, zh: `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月` });
  }
  return out;
}

/** The days of a month that have begun: its first day to its last, or to today. */
export function monthSpan(month: string, today: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { from: `${month}-01`, to: last < today ? last : today };
}

// --- the live hall ------------------------------------------------------------------------------

export interface LiveCategory {
  id: string;
  prefix: string;
  name: { zh: string; en: string };
  waiting: number;
  estimatedWaitMin: number;
  openWindows: number;
  /** Minutes the longest-waiting ticket has waited; null when nobody waits. */
  longestWaitMin: number | null;
  congested: boolean;
  issue: CategoryView['issue'];
}

export interface LiveSummary {
  waiting: number;
  longest: { minutes: number; categoryId: string; name: string } | null;
  windows: { open: number; paused: number; closed: number; total: number };
  congested: number;
  categories: LiveCategory[];
}

export const minutesSince = (since: number, now: number): number => Math.max(0, Math.floor((now - since) / 60_000));

export function liveSummary(hall: HallView, now: number): LiveSummary {
  const congested = new Set((hall.congested ?? []).map((c) => c.categoryId));
  const categories = hall.categories.map(
    (c): LiveCategory => ({
      id: c.id,
      prefix: c.prefix,
      name: c.name,
      waiting: c.waiting,
      estimatedWaitMin: c.estimatedWaitMin,
      openWindows: c.openWindows,
      longestWaitMin: c.waiting > 0 && c.longestWaitingSince != null ? minutesSince(c.longestWaitingSince, now) : null,
      congested: congested.has(c.id),
      issue: c.issue,
    }),
  );
  let longest: LiveSummary['longest'] = null;
  for (const c of categories) if (c.longestWaitMin !== null && (longest === null || c.longestWaitMin > longest.minutes)) longest = { minutes: c.longestWaitMin, categoryId: c.id, name: c.name.zh };
  const count = (s: string) => hall.windows.filter((w) => w.status === s).length;
  return {
    waiting: categories.reduce((n, c) => n + c.waiting, 0),
    longest,
    windows: { open: count('open'), paused: count('paused'), closed: count('closed'), total: hall.windows.length },
    congested: congested.size,
    categories,
  };
}

// --- today against a usual day ------------------------------------------------------------------

const WEEKDAYS: WeekdayName[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function weekdayOf(date: string): WeekdayName {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

/**
 * The usual load of a day like `date`: market days their own, else the weekday it runs as (a make-up
 * working day 调休 runs another's: the staffing report's `weekday`); empty without history.
 */
export function typicalSlots(quiet: QuietTimes, date: string, dayType: DayType | null, runsAs: WeekdayName = weekdayOf(date)): QuietSlot[] {
  if (dayType === 'market' && quiet.marketDay) return quiet.marketDay.slots;
  return quiet.byWeekday.find((w) => w.weekday === runsAs)?.slots ?? [];
}

export function slotLabel(slot: number): string {
  return `${String(Math.floor(slot / 60)).padStart(2, '0')}:${String(slot % 60).padStart(2, '0')}`;
}

export interface TodayCurve {
  labels: string[];
  /** Tickets issued in each recorded half hour; null where the half hour is not over (or not open). */
  today: (number | null)[];
  /** The usual tickets of that half hour on such a day. */
  typical: (number | null)[];
  todaySoFar: number;
  /** The usual tickets of the half hours recorded today: what "so far" is compared with. */
  typicalSoFar: number;
}

/** Today's half-hour records beside the usual day, on one axis of half hours. */
export function todayCurve(rows: readonly FlowReportRow[], typical: readonly QuietSlot[]): TodayCurve {
  const recorded = new Map<number, number>();
  for (const r of rows) if (r.slot !== undefined && r.slot < 1440) recorded.set(r.slot, r.issued);
  const usual = new Map(typical.map((s) => [s.slot, s.expected]));
  const slots = [...new Set([...recorded.keys(), ...usual.keys()])].sort((a, b) => a - b);
  let todaySoFar = 0;
  let typicalSoFar = 0;
  for (const [slot, n] of recorded) {
    todaySoFar += n;
    typicalSoFar += usual.get(slot) ?? 0;
  }
  return {
    labels: slots.map(slotLabel),
    today: slots.map((s) => recorded.get(s) ?? null),
    typical: slots.map((s) => (usual.has(s) ? Math.round(usual.get(s)! * 10) / 10 : null)),
    todaySoFar,
    typicalSoFar: Math.round(typicalSoFar),
  };
}

// --- the week as a heatmap ----------------------------------------------------------------------

export interface Heatmap {
  rows: string[];
  cols: string[];
  /** [col, row, expected tickets]. */
  cells: [number, number, number][];
  max: number;
}

/** Weekday (and market day) × half hour: the expected tickets, from the quiet-times basis. */
export function heatmap(quiet: QuietTimes): Heatmap {
  const lines = [
    ...quiet.byWeekday.map((w) => ({ label: w.label.zh.replace('星期', '周'), slots: w.slots })),
    ...(quiet.marketDay ? [{ label: '逢场天', slots: quiet.marketDay.slots }] : []),
  ];
  const slots = [...new Set(lines.flatMap((l) => l.slots.map((s) => s.slot)))].sort((a, b) => a - b);
  const col = new Map(slots.map((s, i) => [s, i]));
  const cells: [number, number, number][] = [];
  let max = 0;
  lines.forEach((l, row) => {
    for (const s of l.slots) {
      const v = Math.round(s.expected * 10) / 10;
      cells.push([col.get(s.slot)!, row, v]);
      max = Math.max(max, v);
    }
  });
  return { rows: lines.map((l) => l.label), cols: slots.map(slotLabel), cells, max };
}

/** The heatmap's colours, quiet to busy; a cell takes the step of its share of the busiest half hour. */
export const HEAT_COLOURS = ['#e8f5e9', '#c5e5a5', '#f3d67a', '#f0a04b', '#d9603b', '#a3221a'] as const;

export function heatColour(value: number, max: number): string {
  if (max <= 0 || value <= 0) return HEAT_COLOURS[0];
  const step = Math.min(HEAT_COLOURS.length - 1, Math.ceil((value / max) * (HEAT_COLOURS.length - 1)));
  return HEAT_COLOURS[step]!;
}

// --- staffing -----------------------------------------------------------------------------------

export interface StaffingView {
  labels: string[];
  recommended: number[];
  compared: (number | null)[];
  shortfall: (number | null)[];
  /** The half hours short of clerks, in words. */
  short: { label: string; shortfall: number; recommended: number; compared: number | null }[];
  /** Whether `compared` is the day's own record (a past day or today) or the usual windows. */
  basis: 'actual' | 'planned' | 'mixed' | 'none';
}

export function staffingView(report: StaffingReport): StaffingView {
  const t = report.totals;
  const slots = report.groups.flatMap((g) => g.slots);
  const actual = slots.some((s) => s.actual !== null);
  const planned = slots.some((s) => s.actual === null && s.planned !== null);
  return {
    labels: t.map((s) => s.label),
    recommended: t.map((s) => s.recommended),
    compared: t.map((s) => s.compared),
    shortfall: t.map((s) => (s.shortfall > 0 ? s.shortfall : null)),
    short: t.filter((s) => s.shortfall > 0).map((s) => ({ label: s.label, shortfall: s.shortfall, recommended: s.recommended, compared: s.compared })),
    basis: actual && planned ? 'mixed' : actual ? 'actual' : planned ? 'planned' : 'none',
  };
}

// --- follow-ups ---------------------------------------------------------------------------------

/** A follow-up as `GET /followups` lists it (the hub's own type). */
export type FollowupItem = FollowupListItem;

/** Days from `today` to `date` (negative: past). */
export function daysBetween(today: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** Open follow-ups: the overdue, then those due within `soonDays`, then how many later. */
export function followupBuckets(list: readonly FollowupItem[], today: string, soonDays = 3): { overdue: FollowupItem[]; dueSoon: FollowupItem[]; later: number } {
  const open = list.filter((f) => f.status === 'open').sort((a, b) => a.deadline.localeCompare(b.deadline));
  const overdue = open.filter((f) => f.deadline < today);
  const dueSoon = open.filter((f) => f.deadline >= today && daysBetween(today, f.deadline) <= soonDays);
  return { overdue, dueSoon, later: open.length - overdue.length - dueSoon.length };
}

export const FOLLOWUP_STEPS = { callback: '回访', verification: '核实', rectification: '整改' } as const;

/** The step a follow-up waits for: 回访, then 核实, then 整改. */
export function nextFollowupStep(f: Pick<FollowupItem, 'steps'>): keyof typeof FOLLOWUP_STEPS {
  const done = new Set(f.steps.map((s) => s.step));
  return !done.has('callback') ? 'callback' : !done.has('verification') ? 'verification' : 'rectification';
}

// --- the 好差评 upload ----------------------------------------------------------------------------

/** The upload's status as `/health` gives it (the worker's own type; the dashboard does not read `at`). */
export type UpstreamHealth = Omit<UpstreamStatus, 'at'>;

export interface UploadView {
  configured: boolean;
  tone: 'ok' | 'warn' | 'bad';
  zh: string;
  en: string;
  backlog: number;
  deadLetters: number;
  oldestMin: number | null;
  lastError: string | null;
}

const UPLOAD_STATE = {
  idle: { zh: '已全部上传', en: 'All delivered' },
  sending: { zh: '正在上传', en: 'Sending' },
  'backing-off': { zh: '上传失败，稍后重试', en: 'Failing; retrying later' },
  stopped: { zh: '上传已停止', en: 'Stopped' },
} as const;

/** The 好差评 outbox as the manager reads it: waiting, parked, how old, the last error. */
export function uploadView(upstream: UpstreamHealth | null): UploadView {
  if (!upstream) return { configured: false, tone: 'warn', zh: '未配置好差评上传', en: 'No upload configured', backlog: 0, deadLetters: 0, oldestMin: null, lastError: null };
  const oldestMin = upstream.oldestAgeMs === null ? null : Math.floor(upstream.oldestAgeMs / 60_000);
  const failing = upstream.state === 'backing-off' || upstream.state === 'stopped';
  const state = upstream.state === 'idle' && upstream.backlog > 0 ? { zh: '待上传', en: 'Waiting' } : UPLOAD_STATE[upstream.state];
  return {
    configured: true,
    tone: failing || upstream.deadLetters > 0 ? 'bad' : upstream.backlog > 0 ? 'warn' : 'ok',
    ...state,
    backlog: upstream.backlog,
    deadLetters: upstream.deadLetters,
    oldestMin,
    lastError: upstream.lastError && failing ? upstream.lastError.message : null,
  };
}

// --- SMS ----------------------------------------------------------------------------------------

export interface SmsView {
  tone: 'ok' | 'warn' | 'bad';
  zh: string;
  en: string;
  pending: number;
  retrying: number;
  oldestMin: number | null;
  sentToday: number;
  expiredToday: number;
  error: string | null;
}

/** The SMS outbox as the manager reads it (issue #15 §2): the channel, what waits, how old, what was given up. */
export function smsView(sms: SmsStatusMessage | null, now: number): SmsView | null {
  if (!sms) return null;
  const oldestMin = sms.oldestPendingAt === null ? null : Math.max(0, Math.floor((now - sms.oldestPendingAt) / 60_000));
  const down = sms.channel === 'down' || sms.channel === 'none';
  const state =
    sms.channel === 'none'
      ? { zh: '未接短信猫或短信网关，短信暂存待发', en: 'No modem or gateway: texts wait' }
      : down
        ? { zh: '短信发送故障，稍后重试', en: 'Sending fails; retrying' }
        : sms.pending > 0
          ? { zh: '正在发送', en: 'Sending' }
          : { zh: '短信正常', en: 'SMS working' };
  return {
    tone: down || sms.retrying > 0 ? 'bad' : sms.pending > 0 || sms.expiredToday > 0 ? 'warn' : 'ok',
    ...state,
    pending: sms.pending,
    retrying: sms.retrying,
    oldestMin,
    sentToday: sms.sentToday,
    expiredToday: sms.expiredToday,
    error: sms.channelError ?? sms.lastError,
  };
}

// --- indicators ---------------------------------------------------------------------------------

const INDICATOR_ORDER: { key: keyof IndicatorFigures; zh: string; en: string; kind: 'count' | 'rate' }[] = [
  { key: 'visitors', zh: '接待人次', en: 'Visitors', kind: 'count' },
  { key: 'accepted', zh: '受理件', en: 'Cases accepted', kind: 'count' },
  { key: 'completed', zh: '办结件', en: 'Cases completed', kind: 'count' },
  { key: 'completionRate', zh: '办结率', en: 'Completion rate', kind: 'rate' },
  { key: 'satisfactionRate', zh: '满意率', en: 'Satisfaction', kind: 'rate' },
  { key: 'onTimeRate', zh: '按期办结率', en: 'On time', kind: 'rate' },
  { key: 'callbackSatisfactionRate', zh: '回访满意率', en: 'Call-back satisfaction', kind: 'rate' },
  { key: 'extendedServed', zh: '延时服务办件量', en: 'Extended-hours cases', kind: 'count' },
];

export function indicatorCards(ind: IndicatorsReport): { key: string; zh: string; en: string; value: string; definition: string }[] {
  return INDICATOR_ORDER.map((i) => {
    const v = ind.hall[i.key];
    return { key: i.key, zh: i.zh, en: i.en, value: i.kind === 'rate' ? pct(v as number | null) : String(v ?? 0), definition: ind.definitions[i.key]?.zh ?? '' };
  });
}

// --- files --------------------------------------------------------------------------------------

/** The month's CSV tables, named as the workbook names its sheets. */
export const CSV_TABLES: { key: MonthlyTableKey; zh: string; en: string }[] = MONTHLY_TABLES.map((key) => ({ key, ...MONTHLY_SHEETS[key] }));

/** The file name a download is saved as: the header's UTF-8 name, its plain one, or the fallback. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* a broken encoding: try the plain name */
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition);
  return plain ? plain[1]! : fallback;
}

// --- numbers ------------------------------------------------------------------------------------

export function pct(rate: number | null | undefined, digits = 1): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(digits)}%`;
}

export function score(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toFixed(1);
}

/** Seconds as minutes, one decimal: 6.5 分钟. */
export function minutesOf(sec: number | null | undefined): string {
  return sec === null || sec === undefined ? '—' : (sec / 60).toFixed(1);
}

/** A length of time in words: 12 分钟, 3 小时 5 分钟, 42 天 8 小时. */
export function durationText(minutes: number | null): string {
  if (minutes === null) return '—';
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return `${m} 分钟`;
  if (m < 24 * 60) return `${Math.floor(m / 60)} 小时${m % 60 ? ` ${m % 60} 分钟` : ''}`;
  const hours = Math.floor((m % (24 * 60)) / 60);
  return `${Math.floor(m / (24 * 60))} 天${hours ? ` ${hours} 小时` : ''}`;
}

/** A time of day on the hall's clock. */
export function hallHhmm(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** A date and time on the hall's clock: 12月1日 10:40. */
export function hallDateTime(ms: number, timeZone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}
