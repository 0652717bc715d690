import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import { RATING_LABELS } from '../domain/ratings.ts';
import type { Db } from '../store/open-db.ts';
import { assessmentReport } from './assessment.ts';
import { estimateAccuracy } from './estimates.ts';
import { categoryFlowTotals, flowReport } from './flow-report.ts';
import { INDICATOR_DEFINITIONS, indicatorsReport } from './indicators.ts';
import { monthPeriod } from './period.ts';
import { followupsOpened } from './sources.ts';
import { MONTHLY_SHEETS, MONTHLY_TABLES, type FlowReportRow, type MonthlyTableKey, type MonthlyTables, type PeriodRef, type ReportTable, type TableColumn, type WorkFigures } from './types.ts';

/**
 * The month's tables (§8), the same for the workbook and the CSVs: 汇总, 半小时人流, 分类统计,
 * 窗口统计, 人员考核, 评价明细 (residents' names masked), 差评回访. Each number is the one the API
 * gives for the month; minutes are seconds ÷ 60 to 0.1.
 */

type Cell = ReportTable['rows'][number][number];

/** A column with the cell it takes from each row: a sheet's headers and its cells cannot drift apart. */
interface Column<R> extends TableColumn {
  cell: (r: R) => Cell;
}

const col = <R>(key: string, header: string, type: TableColumn['type'], cell: (r: R) => Cell, width?: number): Column<R> => ({ key, header, type, ...(width ? { width } : {}), cell });

function table<R>(key: MonthlyTableKey, rows: readonly R[], columns: Column<R>[]): ReportTable {
  return { key, sheet: MONTHLY_SHEETS[key].zh, columns: columns.map(({ cell: _cell, ...c }) => c), rows: rows.map((r) => columns.map((c) => c.cell(r))) };
}

const min = (sec: number | null | undefined) => (sec === null || sec === undefined ? null : Math.round(sec / 6) / 10);
const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
const yesNo = (b: boolean | null) => (b === null ? '' : b ? '是' : '否');

/** Wait and handling minutes, for rows that have (or may lack) a flow total. */
const flowMinutes = <R>(flow: (r: R) => FlowReportRow | null): Column<R>[] => [
  col('waitMean', '平均等候(分)', 'num', (r) => min(flow(r)?.waitMeanSec), 12),
  col('waitP90', 'P90等候(分)', 'num', (r) => min(flow(r)?.waitP90Sec), 12),
  col('handleMean', '平均办理(分)', 'num', (r) => min(flow(r)?.handleMeanSec), 12),
];

/** The work a window and a clerk are counted for (`WorkFigures`), in the same columns on both sheets. */
const work = <R extends WorkFigures>(): Column<R>[] => [
  col('served', '办结', 'int', (r) => r.served),
  col('handleMean', '平均办理(分)', 'num', (r) => min(r.handleMeanSec), 12),
  col('noShows', '过号', 'int', (r) => r.noShows),
  col('transfers', '转出', 'int', (r) => r.transfers),
  col('pauses', '暂停次数', 'int', (r) => r.pauses),
  col('pauseMin', '暂停时长(分)', 'num', (r) => r.pauseMin, 12),
  col('extendedServed', '延时办件', 'int', (r) => r.extendedServed),
  col('abandoned', '收尾未办结', 'int', (r) => r.abandonedAtClose, 11),
];

const satisfaction = <R extends WorkFigures>(): Column<R>[] => [
  col('satisfactionRate', '满意率', 'pct', (r) => r.satisfactionRate),
  col('satisfactionScore', '满意度得分', 'num', (r) => r.satisfactionScore, 11),
];

/** What the month's tables read, each at most once, and only when a table asks (a CSV is one table). */
function sourcesOf(db: Db, config: HallConfig, period: PeriodRef, now: number) {
  const { from, to } = period;
  const once = <T>(f: () => T): (() => T) => {
    let v: { value: T } | null = null;
    return () => (v ??= { value: f() }).value;
  };
  // By id, once: the rating rows of a city's month (~260,000) each name a clerk and a category.
  const staffNames = new Map(config.staff.map((s) => [s.id, s.name]));
  const categoryNames = new Map(config.categories.map((c) => [c.id, c.name.zh]));
  return {
    db,
    config,
    from,
    to,
    now,
    indicators: once(() => indicatorsReport(db, config, from, to, now)),
    assessment: once(() => assessmentReport(db, config, period, now)),
    flow: once(() => flowReport(db, config, { from, to, by: 'halfhour' }, now)),
    estimates: once(() => estimateAccuracy(db, config, from, to, now)),
    categoryFlow: once(() => categoryFlowTotals(db, config, from, to, now)),
    staffName: (id: string | null) => (id === null ? '' : (staffNames.get(id) ?? id)),
    categoryName: (id: string) => categoryNames.get(id) ?? id,
  };
}

type Sources = ReturnType<typeof sourcesOf>;

/** A category with no flow record in the period: its report, all zeros (as `flowReport` gives it). */
function emptyFlow(s: Sources, categoryId: string): FlowReportRow {
  return flowReport(s.db, s.config, { from: s.from, to: s.to, by: 'month', categoryId }, s.now).total;
}

const TABLES: Record<MonthlyTableKey, (s: Sources) => ReportTable> = {
  summary: (s) => {
    const h = s.indicators().hall;
    const flow = s.flow().total;
    const est = s.estimates().total;
    const rows: [string, Cell, string, string][] = [
      ['接待人次', h.visitors, '人次', INDICATOR_DEFINITIONS.visitors.zh],
      ['受理件', h.accepted, '件', INDICATOR_DEFINITIONS.accepted.zh],
      ['办结件', h.completed, '件', INDICATOR_DEFINITIONS.completed.zh],
      ['办结率', pct(h.completionRate), '%', INDICATOR_DEFINITIONS.completionRate.zh],
      ['评价数', h.rated, '件', INDICATOR_DEFINITIONS.rated.zh],
      ['满意率', pct(h.satisfactionRate), '%', INDICATOR_DEFINITIONS.satisfactionRate.zh],
      ['应办结承诺件', h.promisedDue, '件', INDICATOR_DEFINITIONS.promisedDue.zh],
      ['按期办结率', pct(h.onTimeRate), '%', INDICATOR_DEFINITIONS.onTimeRate.zh],
      ['回访满意率', pct(h.callbackSatisfactionRate), '%', INDICATOR_DEFINITIONS.callbackSatisfactionRate.zh],
      ['延时服务办件量', h.extendedServed, '件', INDICATOR_DEFINITIONS.extendedServed.zh],
      ['平均等候', min(flow.waitMeanSec), '分钟', '叫号时已等候时间的平均值'],
      ['90%等候不超过', min(flow.waitP90Sec), '分钟', '期间叫号的等候时间的第90百分位'],
      ['平均办理', min(flow.handleMeanSec), '分钟', '办结服务的办理时长平均值'],
      ['过号', flow.noShow, '人次', '叫号未到、记为过号'],
      ['预计等候误差中位数', est.medianAbsErrorMin, '分钟', '号票上预计等候与实际等候之差的绝对值的中位数'],
      ['落入预计区间比例', pct(est.insideBandRate), '%', '实际等候落在号票所印区间内的比例'],
    ];
    return table('summary', rows, [col('name', '指标', 'text', (r) => r[0], 22), col('value', '数值', 'num', (r) => r[1], 12), col('unit', '单位', 'text', (r) => r[2], 8), col('definition', '说明', 'text', (r) => r[3], 80)]);
  },

  flow: (s) =>
    table<FlowReportRow>(
      'flow',
      s.flow().rows,
      [
        col('date', '日期', 'date', (r) => r.from, 12),
        col('slot', '时段', 'text', (r) => (r.slot === 1440 ? '收尾' : r.period.slice(11)), 8),
        col('extended', '延时', 'text', (r) => (r.extended ? '是' : '否'), 6),
        col('issued', '取号', 'int', (r) => r.issued),
        col('called', '叫号', 'int', (r) => r.called),
        col('served', '办结', 'int', (r) => r.served),
        col('noShow', '过号', 'int', (r) => r.noShow),
        col('transfersIn', '转入', 'int', (r) => r.transfersIn),
        col('transfersOut', '转出', 'int', (r) => r.transfersOut),
        col('waitingEnd', '时段末等候', 'int', (r) => r.waitingEnd, 11),
        col('waitMax', '最长等候(分)', 'num', (r) => min(r.waitMaxSec), 12),
        ...flowMinutes<FlowReportRow>((r) => r),
        col('appointments', '预约', 'int', (r) => r.appointments),
        col('extendedIssued', '延时取号', 'int', (r) => r.extendedIssued),
        col('windowsOpen', '开放窗口', 'int', (r) => r.windowsOpen),
        col('clerks', '在岗人员', 'int', (r) => r.clerks),
      ],
    ),

  categories: (s) => {
    const est = s.estimates();
    const rows = s.indicators().categories.map((c) => ({
      ...c,
      // A category the config no longer has still counts, but has no flow records of its own to read.
      flow: s.config.categories.some((x) => x.id === c.categoryId) ? (s.categoryFlow().get(c.categoryId) ?? emptyFlow(s, c.categoryId)) : null,
      est: est.categories.find((x) => x.categoryId === c.categoryId),
    }));
    return table('categories', rows, [
      col('id', '编码', 'text', (c) => c.categoryId, 8),
      col('name', '业务类别', 'text', (c) => c.name?.zh ?? c.categoryId, 18),
      col('visitors', '接待人次', 'int', (c) => c.visitors),
      col('accepted', '受理件', 'int', (c) => c.accepted),
      col('completed', '办结件', 'int', (c) => c.completed),
      col('completionRate', '办结率', 'pct', (c) => c.completionRate),
      col('noShow', '过号', 'int', (c) => c.flow?.noShow ?? null),
      col('transfersOut', '转出', 'int', (c) => c.flow?.transfersOut ?? null),
      ...flowMinutes<(typeof rows)[number]>((c) => c.flow),
      col('rated', '评价数', 'int', (c) => c.rated),
      col('satisfactionRate', '满意率', 'pct', (c) => c.satisfactionRate),
      col('extendedServed', '延时办件', 'int', (c) => c.extendedServed),
      col('estError', '预计误差中位数(分)', 'num', (c) => c.est?.medianAbsErrorMin ?? null, 16),
      col('estInside', '落入预计区间', 'pct', (c) => c.est?.insideBandRate ?? null, 12),
    ]);
  },

  windows: (s) =>
    table(
      'windows',
      [...s.assessment().windows].sort((a, b) => a.windowId - b.windowId),
      [
        col('id', '窗口号', 'int', (w) => w.windowId, 8),
        col('name', '窗口名称', 'text', (w) => w.name, 22),
        ...work(),
        col('rated', '评价数', 'int', (w) => rated(w.ratings)),
        ...satisfaction(),
        col('staffMean', '人员平均分', 'num', (w) => w.staffMean, 11),
        col('total', '窗口总分', 'num', (w) => w.total),
        col('rank', '名次', 'int', (w) => w.rank, 6),
        col('grade', '等次', 'text', (w) => w.gradeLabel ?? '', 6),
        col('redFlag', '红旗窗口', 'text', (w) => (w.redFlag ? '红旗窗口' : ''), 9),
      ],
    ),

  staff: (s) =>
    table(
      'staff',
      s.assessment().staff,
      [
        col('id', '工号', 'text', (x) => x.staffId, 8),
        col('name', '姓名', 'text', (x) => x.name, 10),
        col('windows', '窗口', 'text', (x) => x.windows.join('、'), 8),
        col('days', '出勤天数', 'int', (x) => x.daysWorked),
        ...work(),
        ...([5, 4, 3, 2, 1] as const).map((level) => col<WorkFigures>(`r${level}`, RATING_LABELS[level]!.zh, 'int', (x) => x.ratings[level], level === 1 ? 11 : undefined)),
        col('unrated', '未评价', 'int', (x) => x.unrated),
        ...satisfaction(),
        col('deductions', '扣分次数', 'int', (x) => x.deductions),
        col('deductedPoints', '扣分', 'num', (x) => x.deductedPoints),
        col('dailyScore', '日常考核均分', 'num', (x) => x.dailyScore, 12),
        col('total', '综合得分', 'num', (x) => x.total),
        col('rank', '名次', 'int', (x) => x.rank, 6),
        col('followups', '差评回访', 'int', (x) => x.followupsOpened),
        col('followupsOnTime', '按期整改', 'int', (x) => x.followupsClosedOnTime),
      ],
    ),

  ratings: (s) => {
    const { config } = s;
    const rows = s.db
      .prepare(
        `SELECT f.business_date AS date, f.rated_at AS ratedAt, f.number AS number, f.category_id AS category, f.window_id AS windowId, f.staff_id AS staffId,
                f.case_no AS caseNo, f.item_code AS itemCode, f.rating AS level, f.rating_reasons AS reasons,
                f.holder_masked AS holder
           FROM service_facts f
          WHERE f.business_date BETWEEN ? AND ? AND f.rating IS NOT NULL ORDER BY f.rated_at`,
      )
      .all(s.from, s.to) as { date: string; ratedAt: number; number: string; category: string; windowId: number | null; staffId: string | null; caseNo: string | null; itemCode: string | null; level: number; reasons: string | null; holder: string | null }[];
    return table('ratings', rows, [
      col('date', '日期', 'date', (r) => r.date, 12),
      col('ratedAt', '评价时间', 'datetime', (r) => r.ratedAt, 17),
      col('number', '号码', 'text', (r) => r.number, 8),
      col('category', '业务类别', 'text', (r) => s.categoryName(r.category), 16),
      col('window', '窗口', 'int', (r) => r.windowId, 6),
      col('staffId', '工号', 'text', (r) => r.staffId ?? '', 8),
      col('staff', '工作人员', 'text', (r) => s.staffName(r.staffId), 10),
      col('caseNo', '办件编号', 'text', (r) => r.caseNo ?? '', 16),
      col('item', '事项', 'text', (r) => (r.itemCode ? (config.ratings.items[r.itemCode] ?? r.itemCode) : ''), 20),
      col('level', '等级', 'int', (r) => r.level, 6),
      col('label', '评价', 'text', (r) => RATING_LABELS[r.level]?.zh ?? '', 11),
      col('reasons', '原因', 'text', (r) => r.reasons?.replaceAll(',', '、') ?? '', 20),
      // Only the masked form is ever kept; a name purged after the retention period stays empty.
      col('holder', '评价人(脱敏)', 'text', (r) => r.holder ?? '', 12),
    ]);
  },

  followups: (s) => {
    const ratingOf = s.db.prepare(`SELECT json_extract(data, '$.number') AS number, json_extract(data, '$.comment') AS comment, json_extract(data, '$.reasons') AS reasons FROM ratings WHERE service_id = ?`);
    const rows = followupsOpened(s.db, s.config, s.from, s.to, s.now).map((f) => ({ ...f, rating: ratingOf.get(f.serviceId) as { number: string | null; comment: string | null; reasons: string | null } | undefined }));
    return table('followups', rows, [
      col('openedAt', '差评时间', 'datetime', (f) => f.openedAt, 17),
      col('number', '号码', 'text', (f) => f.rating?.number ?? '', 8),
      col('window', '窗口', 'int', (f) => f.windowId, 6),
      col('staff', '工作人员', 'text', (f) => s.staffName(f.staffId), 10),
      col('label', '评价', 'text', (f) => RATING_LABELS[f.level]?.zh ?? String(f.level), 11),
      col('reasons', '原因', 'text', (f) => (f.rating?.reasons ? (JSON.parse(f.rating.reasons) as string[]).join('、') : ''), 20),
      col('comment', '群众意见', 'text', (f) => f.rating?.comment ?? '', 30),
      col('deadline', '整改期限', 'date', (f) => f.deadline, 12),
      col('callbackAt', '回访时间', 'datetime', (f) => f.callbackAt, 17),
      col('satisfied', '回访满意', 'text', (f) => yesNo(f.callbackSatisfied), 9),
      col('verifiedAt', '核实时间', 'datetime', (f) => f.verifiedAt, 17),
      col('closedAt', '整改时间', 'datetime', (f) => f.closedAt, 17),
      col('status', '状态', 'text', (f) => (f.closedAt !== null ? '已整改' : f.overdue ? '已逾期' : '办理中'), 8),
      col('onTime', '按期整改', 'text', (f) => (f.closedAt !== null ? yesNo(f.closedOnTime) : f.overdue ? '否' : ''), 9),
    ]);
  },
};

/**
 * The month's tables, all of them (the workbook) or only `only` (a CSV): a CSV of the ratings
 * does not build the assessment or read the month's flow.
 */
export function monthlyTables(db: Db, config: HallConfig, month: string, now: number, only?: MonthlyTableKey): MonthlyTables {
  const period = monthPeriod(month, businessDate(now, config.hall.timeZone));
  const s = sourcesOf(db, config, period, now);
  return { hall: config.hall.name, timeZone: config.hall.timeZone, period, tables: (only ? [only] : MONTHLY_TABLES).map((k) => TABLES[k](s)) };
}

function rated(r: WorkFigures['ratings']): number {
  return r[5] + r[4] + r[3] + r[2] + r[1];
}

export type { PeriodRef };
