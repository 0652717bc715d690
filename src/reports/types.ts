/**
 * The shapes of the hall's numbers (issue #10), as the API returns them and the dashboard reads
 * them. Times are ms since the epoch; dates are business dates `YYYY-MM-DD` in the hall's zone;
 * a slot is its start in minutes after local midnight (1440: the `close` record after the last
 * session). Waits and handling times are in seconds unless a name says minutes. Rates are 0..1, or
 * null where nothing was counted.
 */

/** Chinese first, with English. */
export interface Bilingual {
  zh: string;
  en: string;
}

// --- flow (§2) ------------------------------------------------------------------------------------

export type FlowGrain = 'halfhour' | 'day' | 'week' | 'month';

export interface FlowQuery {
  from: string;
  to: string;
  by: FlowGrain;
  categoryId?: string;
  windowId?: number;
}

/** One half hour, day, ISO week or month of the flow records, for the hall, one category or one window. */
export interface FlowReportRow {
  /** `2026-11-23 09:30`, `2026-11-23`, `2026-W48` or `2026-11`; the close record is `2026-11-23 close`. */
  period: string;
  /** First and last business date covered. */
  from: string;
  to: string;
  /** Half hours only: the slot and whether it ran in an extended (延时) session. */
  slot?: number;
  extended?: boolean;
  /** Tickets issued (取号); for a window, 0 (tickets are issued to categories). */
  issued: number;
  called: number;
  /** Services completed (办结). */
  served: number;
  noShow: number;
  transfersIn: number;
  transfersOut: number;
  /** Waiting when the period's last slot ended. */
  waitingEnd: number;
  /** The most waiting at any slot's end within the period. */
  waitingPeak: number;
  waitMaxSec: number;
  /** Mean wait of those called, weighted by calls. */
  waitMeanSec: number;
  /** The real 90th percentile of the waits of services called in the period (from the service facts). */
  waitP90Sec: number;
  /** Mean handling time of services completed, weighted by completions. */
  handleMeanSec: number;
  appointments: number;
  /** Tickets issued in an extended session. */
  extendedIssued: number;
  /** Half hours: windows open and clerks signed in at the slot's end; longer periods: the most at any slot's end. */
  windowsOpen: number;
  clerks: number;
  /** Half-hour records that make up the row. */
  slots: number;
}

export interface FlowReport {
  query: FlowQuery;
  /** What the rows count: the hall, one category or one window. */
  scope: { kind: 'hall' | 'category' | 'window'; id: string | null; name: Bilingual | null };
  rows: FlowReportRow[];
  total: FlowReportRow;
}

// --- off-peak advice (§3) -------------------------------------------------------------------------

export interface QuietSlot {
  slot: number;
  /** Minutes after midnight where it ends (30 later, or a session's end). */
  until: number;
  /** `09:30–10:00` */
  label: string;
  /** Expected tickets issued in the half hour (mean over the history days of that type). */
  expected: number;
  /** Expected mean wait, minutes. */
  waitMin: number;
  extended: boolean;
  /** Whether it may be suggested: ends before tickets stop, and not an extended (延时) session, which is staffed for those who cannot come in working hours. */
  advisable: boolean;
}

/** A stretch of quiet half hours, as published: 「10:30–11:30」. */
export interface QuietPeriod {
  start: string;
  end: string;
  /** Expected tickets per half hour in it (mean). */
  expected: number;
}

export interface QuietDay {
  date: string;
  weekday: WeekdayName;
  dayType: DayType;
  label: Bilingual;
  slots: QuietSlot[];
  /** The quietest stretches of the day, in time order; empty without history. */
  quiet: QuietPeriod[];
}

export type WeekdayName = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Ordinary days by their weekday pattern; 逢场天 (market days) are their own type. */
export type DayType = 'weekday' | 'saturday' | 'sunday' | 'market';

export interface QuietTimes {
  hall: Bilingual;
  generatedAt: number;
  today: string;
  /** The history behind the expected load: the last `historyWeeks` weeks, holidays left out. */
  basis: { from: string; to: string; weeks: number; days: number };
  /** For each weekday the hall opens (market days apart), the expected load of every half hour. */
  byWeekday: { weekday: WeekdayName; label: Bilingual; days: number; slots: QuietSlot[] }[];
  /** Market days' own expected load, when the hall has them. */
  marketDay: { days: number; slots: QuietSlot[] } | null;
  /** The next `quietDaysAhead` days the hall opens (today's remaining half hours first). */
  days: QuietDay[];
}

// --- staffing (§4) --------------------------------------------------------------------------------

export interface StaffingSlot {
  slot: number;
  label: string;
  /** Forecast arrivals in the slot (tickets issued plus transfers in, for the group's categories). */
  arrivals: number;
  /** Minutes the slot runs (30, or less at a session's edge). */
  minutes: number;
  /** Offered load in Erlangs: arrivals per minute × mean handling minutes. */
  loadErlangs: number;
  /** Erlang C's answer for the service level target. */
  erlang: number;
  /** The configured minimum for the group (market days: `marketDayMin`). */
  minClerks: number;
  /** max(erlang, minClerks). */
  recommended: number;
  /** Windows usually open in this slot on days of this type (mean over the history days, rounded). */
  planned: number | null;
  /** Windows open at the slot's end, from the day's flow record (past and today only). */
  actual: number | null;
  /** `actual` where the day has been recorded, else `planned`. */
  compared: number | null;
  /** recommended − compared, when positive. */
  shortfall: number;
  short: boolean;
  /** More clerks recommended than the group has windows. */
  overCapacity: boolean;
  /** Erlang C's expected share called within the target with the recommended and the compared clerks. */
  serviceLevelRecommended: number | null;
  serviceLevelCompared: number | null;
  /** What the slot had, measured once the day is over (`achievedServiceLevel`); null before. */
  achieved: ServiceLevelAchieved | null;
}

/** A service level measured from the day's facts: walk-in waits begun, and how many were called within the target. */
export interface ServiceLevelAchieved {
  waited: number;
  within: number;
  /** within ÷ waited, to four places; null when nobody waited. */
  level: number | null;
}

export interface StaffingGroup {
  /** `1,2,7`: the windows, joined. */
  id: string;
  windows: { id: number; name: string }[];
  categories: string[];
  /** Mean handling time from history (call to end of completed services), minutes. */
  ahtMin: number;
  ahtSource: 'history' | 'config';
  ahtSamples: number;
  slots: StaffingSlot[];
  /** The group's whole day, once it is over; null before. */
  achieved: ServiceLevelAchieved | null;
}

export interface StaffingReport {
  date: string;
  dayType: DayType | null;
  /** The weekday whose sessions the date runs: its own, or the one a make-up working day (调休) names; null when closed. */
  weekday: WeekdayName | null;
  /** No hall session that day (a holiday or a closed weekday). */
  closed: boolean;
  target: { withinMin: number; target: number };
  /** The days the forecast averages: same day type, in the last `historyWeeks` weeks before the date (or today). */
  forecast: { from: string; to: string; dayType: DayType | null; days: number; fallback: DayType | null };
  groups: StaffingGroup[];
  /** The hall, per slot: the groups added up. */
  totals: { slot: number; label: string; arrivals: number; recommended: number; compared: number | null; shortfall: number; achieved: ServiceLevelAchieved | null }[];
  /** The hall's whole day, once it is over (a date before today); null before. */
  achieved: ServiceLevelAchieved | null;
}

// --- estimate accuracy (§5) -----------------------------------------------------------------------

export interface EstimateAccuracyRow {
  categoryId: string;
  name: Bilingual | null;
  /** Tickets called whose printed estimate was kept. */
  count: number;
  medianAbsErrorMin: number | null;
  /** Median of (real − estimate): positive means residents waited longer than printed. */
  medianErrorMin: number | null;
  insideBand: number;
  insideBandRate: number | null;
  /** Tickets with an estimate never called (cancelled, abandoned at close). */
  uncalled: number;
}

export interface EstimateAccuracy {
  from: string;
  to: string;
  categories: EstimateAccuracyRow[];
  total: EstimateAccuracyRow;
}

// --- assessment (§7) ------------------------------------------------------------------------------

export interface PeriodRef {
  kind: 'month' | 'quarter' | 'year';
  /** `2026-11`, `2026-Q4`, `2026` */
  key: string;
  from: string;
  to: string;
  label: Bilingual;
}

/** The work counted for a clerk or a window. */
export interface WorkFigures {
  served: number;
  handleMeanSec: number | null;
  noShows: number;
  transfers: number;
  pauses: number;
  pauseMin: number;
  /** Services of tickets taken in an extended (延时) session. */
  extendedServed: number;
  /** Tickets still called or being served at this window when the day closed. */
  abandonedAtClose: number;
  /** Ratings by level, 5 (非常满意) … 1 (非常不满意). */
  ratings: { 5: number; 4: number; 3: number; 2: number; 1: number };
  unrated: number;
  /** (非常满意 + 满意 + 基本满意) ÷ rated. */
  satisfactionRate: number | null;
  /** satisfactionRate × 100: the satisfaction part of the score. */
  satisfactionScore: number | null;
  followupsOpened: number;
  /** Closed (rectified) by their deadline. */
  followupsClosedOnTime: number;
}

export type Grade = 1 | 2 | 3;

export interface StaffAssessment extends WorkFigures {
  staffId: string;
  name: string;
  windows: number[];
  /** Days with a service, a signed-in slot or a deduction. */
  daysWorked: number;
  deductions: number;
  deductedPoints: number;
  /** Mean over the days worked of (dailyBase − that day's deductions, at least 0). */
  dailyScore: number | null;
  /** satisfactionScore × weight + dailyScore × (1 − weight); null without ratings or days. */
  total: number | null;
  rank: number | null;
}

export interface WindowAssessment extends WorkFigures {
  windowId: number;
  name: string;
  /** The window's A and B clerks who have a total in the period. */
  staff: string[];
  staffMean: number | null;
  /** The window's satisfaction score + the mean of its staff's totals. */
  total: number | null;
  rank: number | null;
  /** 一等 / 二等 / 三等: the ranked windows in three near-equal tiers. */
  grade: Grade | null;
  gradeLabel: string | null;
  /** 红旗窗口: the first-ranked window. */
  redFlag: boolean;
}

export interface AssessmentReport {
  period: PeriodRef;
  rules: { dailyBase: number; satisfactionWeight: number; grades: string };
  staff: StaffAssessment[];
  windows: WindowAssessment[];
}

/**
 * The month-end publication (月底公示, §7): the windows in rank order with their grade and the
 * 红旗窗口, as a hall screen shows it. Windows only: the clerks' own scores stay with the manager.
 */
export interface RankingPublication {
  hall: Bilingual;
  period: PeriodRef;
  /** The period has ended: what a screen may publish. A manager may preview a period still running. */
  final: boolean;
  generatedAt: number;
  /** How the grades are cut (from the assessment's rules). */
  grades: string;
  windows: RankedWindow[];
}

export interface RankedWindow {
  rank: number | null;
  windowId: number;
  name: string;
  department: string | null;
  grade: Grade | null;
  gradeLabel: string | null;
  redFlag: boolean;
  total: number | null;
  satisfactionRate: number | null;
  served: number;
}

// --- indicators (§7) ------------------------------------------------------------------------------

export interface IndicatorFigures {
  /** 接待人次: tickets taken (each resident's visit once, whatever its transfers). */
  visitors: number;
  /** 受理件: services completed at a window. */
  accepted: number;
  /** 办结件: of those, the finished: done at the window (即办件 or no case type), or 承诺件 completed since. */
  completed: number;
  /** 办结率 = 办结件 ÷ 受理件. */
  completionRate: number | null;
  rated: number;
  /** 满意率 = (非常满意 + 满意 + 基本满意) ÷ rated. */
  satisfactionRate: number | null;
  /** 承诺件 with a time limit that are completed or past their date. */
  promisedDue: number;
  promisedOnTime: number;
  /** 按期办结率 = completed by the promised date ÷ promisedDue. */
  onTimeRate: number | null;
  /** 承诺件 neither completed nor due yet. */
  promisedPending: number;
  /** Bad-rating call-backs with the resident's answer, and the satisfied ones. */
  callbacks: number;
  callbacksSatisfied: number;
  /** 回访满意率. */
  callbackSatisfactionRate: number | null;
  /** 延时服务办件量: services completed for tickets taken in an extended session. */
  extendedServed: number;
}

export interface IndicatorsReport {
  from: string;
  to: string;
  hall: IndicatorFigures;
  categories: (IndicatorFigures & { categoryId: string; name: Bilingual | null })[];
  /** What each figure means, in Chinese and English. */
  definitions: Record<keyof IndicatorFigures, Bilingual>;
}

// --- deductions -----------------------------------------------------------------------------------

export interface DeductionRow {
  id: string;
  staffId: string;
  staffName: string | null;
  businessDate: string;
  itemCode: string;
  itemName: string;
  points: number;
  note: string;
  by: string;
  at: number;
  revokedAt: number | null;
  revokeReason: string | null;
}

// --- exports (§8) ---------------------------------------------------------------------------------

export type ColumnType = 'int' | 'num' | 'pct' | 'date' | 'datetime' | 'text';

export interface TableColumn {
  key: string;
  header: string;
  type: ColumnType;
  width?: number;
}

/** One sheet of the monthly workbook, and one CSV. */
export interface ReportTable {
  /** The CSV name: summary, flow, categories, windows, staff, ratings, followups. */
  key: MonthlyTableKey;
  sheet: string;
  columns: TableColumn[];
  /** Cells by column; dates are strings, date-times ms. */
  rows: (string | number | null)[][];
}

export const MONTHLY_TABLES = ['summary', 'flow', 'categories', 'windows', 'staff', 'ratings', 'followups'] as const;
export type MonthlyTableKey = (typeof MONTHLY_TABLES)[number];

/** Each table's name: the workbook's sheet, and the dashboard's CSV button (with its English). */
export const MONTHLY_SHEETS: Record<MonthlyTableKey, Bilingual> = {
  summary: { zh: '汇总', en: 'Summary' },
  flow: { zh: '半小时人流', en: 'Half-hour flow' },
  categories: { zh: '分类统计', en: 'By category' },
  windows: { zh: '窗口统计', en: 'By window' },
  staff: { zh: '人员考核', en: 'Staff' },
  ratings: { zh: '评价明细', en: 'Ratings' },
  followups: { zh: '差评回访', en: 'Follow-ups' },
};

export interface MonthlyTables {
  hall: string;
  timeZone: string;
  period: PeriodRef;
  tables: ReportTable[];
}
