import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import { RATING_LABELS } from '../domain/ratings.ts';
import type { Db } from '../store/open-db.ts';
import { assessmentReport } from './assessment.ts';
import { estimateAccuracy } from './estimates.ts';
import { flowReport } from './flow-report.ts';
import { INDICATOR_DEFINITIONS, indicatorsReport } from './indicators.ts';
import { monthPeriod } from './period.ts';
import { followupsOpened } from './sources.ts';
import type { MonthlyTables, PeriodRef, ReportTable, TableColumn } from './types.ts';

/**
 * The month's tables (§8), the same for the workbook and the CSVs: 汇总, 半小时人流, 分类统计,
 * 窗口统计, 人员考核, 评价明细 (residents' names masked), 差评回访. Each number is the one the API
 * gives for the month; minutes are seconds ÷ 60 to 0.1.
 */

const col = (key: string, header: string, type: TableColumn['type'], width?: number): TableColumn => ({ key, header, type, ...(width ? { width } : {}) });
const min = (sec: number | null) => (sec === null ? null : Math.round(sec / 6) / 10);
const yesNo = (b: boolean | null) => (b === null ? '' : b ? '是' : '否');

export function monthlyTables(db: Db, config: HallConfig, month: string, now: number): MonthlyTables {
  const period = monthPeriod(month, businessDate(now, config.hall.timeZone));
  const { from, to } = period;
  const ind = indicatorsReport(db, config, from, to, now);
  const assess = assessmentReport(db, config, period, now);
  const flow = flowReport(db, config, { from, to, by: 'halfhour' }, now);
  const est = estimateAccuracy(db, config, from, to, now);
  const h = ind.hall;
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

  const summary: ReportTable = {
    key: 'summary',
    sheet: '汇总',
    columns: [col('name', '指标', 'text', 22), col('value', '数值', 'num', 12), col('unit', '单位', 'text', 8), col('definition', '说明', 'text', 80)],
    rows: [
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
      ['平均等候', min(flow.total.waitMeanSec), '分钟', '叫号时已等候时间的平均值'],
      ['90%等候不超过', min(flow.total.waitP90Sec), '分钟', '期间叫号的等候时间的第90百分位'],
      ['平均办理', min(flow.total.handleMeanSec), '分钟', '办结服务的办理时长平均值'],
      ['过号', flow.total.noShow, '人次', '叫号未到、记为过号'],
      ['预计等候误差中位数', est.total.medianAbsErrorMin, '分钟', '号票上预计等候与实际等候之差的绝对值的中位数'],
      ['落入预计区间比例', pct(est.total.insideBandRate), '%', '实际等候落在号票所印区间内的比例'],
    ],
  };

  const flowTable: ReportTable = {
    key: 'flow',
    sheet: '半小时人流',
    columns: [
      col('date', '日期', 'date', 12),
      col('slot', '时段', 'text', 8),
      col('extended', '延时', 'text', 6),
      col('issued', '取号', 'int'),
      col('called', '叫号', 'int'),
      col('served', '办结', 'int'),
      col('noShow', '过号', 'int'),
      col('transfersIn', '转入', 'int'),
      col('transfersOut', '转出', 'int'),
      col('waitingEnd', '时段末等候', 'int', 11),
      col('waitMax', '最长等候(分)', 'num', 12),
      col('waitMean', '平均等候(分)', 'num', 12),
      col('waitP90', 'P90等候(分)', 'num', 12),
      col('handleMean', '平均办理(分)', 'num', 12),
      col('appointments', '预约', 'int'),
      col('extendedIssued', '延时取号', 'int'),
      col('windowsOpen', '开放窗口', 'int'),
      col('clerks', '在岗人员', 'int'),
    ],
    rows: flow.rows.map((r) => [
      r.from,
      r.slot === 1440 ? '收尾' : r.period.slice(11),
      r.extended ? '是' : '否',
      r.issued,
      r.called,
      r.served,
      r.noShow,
      r.transfersIn,
      r.transfersOut,
      r.waitingEnd,
      min(r.waitMaxSec),
      min(r.waitMeanSec),
      min(r.waitP90Sec),
      min(r.handleMeanSec),
      r.appointments,
      r.extendedIssued,
      r.windowsOpen,
      r.clerks,
    ]),
  };

  const categories: ReportTable = {
    key: 'categories',
    sheet: '分类统计',
    columns: [
      col('id', '编码', 'text', 8),
      col('name', '业务类别', 'text', 18),
      col('visitors', '接待人次', 'int'),
      col('accepted', '受理件', 'int'),
      col('completed', '办结件', 'int'),
      col('completionRate', '办结率', 'pct'),
      col('noShow', '过号', 'int'),
      col('transfersOut', '转出', 'int'),
      col('waitMean', '平均等候(分)', 'num', 12),
      col('waitP90', 'P90等候(分)', 'num', 12),
      col('handleMean', '平均办理(分)', 'num', 12),
      col('rated', '评价数', 'int'),
      col('satisfactionRate', '满意率', 'pct'),
      col('extendedServed', '延时办件', 'int'),
      col('estError', '预计误差中位数(分)', 'num', 16),
      col('estInside', '落入预计区间', 'pct', 12),
    ],
    rows: ind.categories.map((c) => {
      const f = config.categories.some((x) => x.id === c.categoryId) ? flowReport(db, config, { from, to, by: 'month', categoryId: c.categoryId }, now).total : null;
      const e = est.categories.find((x) => x.categoryId === c.categoryId);
      return [
        c.categoryId,
        c.name?.zh ?? c.categoryId,
        c.visitors,
        c.accepted,
        c.completed,
        c.completionRate,
        f?.noShow ?? null,
        f?.transfersOut ?? null,
        f ? min(f.waitMeanSec) : null,
        f ? min(f.waitP90Sec) : null,
        f ? min(f.handleMeanSec) : null,
        c.rated,
        c.satisfactionRate,
        c.extendedServed,
        e?.medianAbsErrorMin ?? null,
        e?.insideBandRate ?? null,
      ];
    }),
  };

  const windows: ReportTable = {
    key: 'windows',
    sheet: '窗口统计',
    columns: [
      col('id', '窗口号', 'int', 8),
      col('name', '窗口名称', 'text', 22),
      col('served', '办结', 'int'),
      col('handleMean', '平均办理(分)', 'num', 12),
      col('noShows', '过号', 'int'),
      col('transfers', '转出', 'int'),
      col('pauses', '暂停次数', 'int'),
      col('pauseMin', '暂停时长(分)', 'num', 12),
      col('extendedServed', '延时办件', 'int'),
      col('abandoned', '收尾未办结', 'int', 11),
      col('rated', '评价数', 'int'),
      col('satisfactionRate', '满意率', 'pct'),
      col('satisfactionScore', '满意度得分', 'num', 11),
      col('staffMean', '人员平均分', 'num', 11),
      col('total', '窗口总分', 'num'),
      col('rank', '名次', 'int', 6),
      col('grade', '等次', 'text', 6),
      col('redFlag', '红旗窗口', 'text', 9),
    ],
    rows: [...assess.windows]
      .sort((a, b) => a.windowId - b.windowId)
      .map((w) => [
        w.windowId,
        w.name,
        w.served,
        min(w.handleMeanSec),
        w.noShows,
        w.transfers,
        w.pauses,
        w.pauseMin,
        w.extendedServed,
        w.abandonedAtClose,
        rated(w.ratings),
        w.satisfactionRate,
        w.satisfactionScore,
        w.staffMean,
        w.total,
        w.rank,
        w.gradeLabel ?? '',
        w.redFlag ? '红旗窗口' : '',
      ]),
  };

  const staff: ReportTable = {
    key: 'staff',
    sheet: '人员考核',
    columns: [
      col('id', '工号', 'text', 8),
      col('name', '姓名', 'text', 10),
      col('windows', '窗口', 'text', 8),
      col('days', '出勤天数', 'int'),
      col('served', '办结', 'int'),
      col('handleMean', '平均办理(分)', 'num', 12),
      col('noShows', '过号', 'int'),
      col('transfers', '转出', 'int'),
      col('pauses', '暂停次数', 'int'),
      col('pauseMin', '暂停时长(分)', 'num', 12),
      col('extendedServed', '延时办件', 'int'),
      col('abandoned', '收尾未办结', 'int', 11),
      col('r5', RATING_LABELS[5]!.zh, 'int'),
      col('r4', RATING_LABELS[4]!.zh, 'int'),
      col('r3', RATING_LABELS[3]!.zh, 'int'),
      col('r2', RATING_LABELS[2]!.zh, 'int'),
      col('r1', RATING_LABELS[1]!.zh, 'int', 11),
      col('unrated', '未评价', 'int'),
      col('satisfactionRate', '满意率', 'pct'),
      col('satisfactionScore', '满意度得分', 'num', 11),
      col('deductions', '扣分次数', 'int'),
      col('deductedPoints', '扣分', 'num'),
      col('dailyScore', '日常考核均分', 'num', 12),
      col('total', '综合得分', 'num'),
      col('rank', '名次', 'int', 6),
      col('followups', '差评回访', 'int'),
      col('followupsOnTime', '按期整改', 'int'),
    ],
    rows: assess.staff.map((s) => [
      s.staffId,
      s.name,
      s.windows.join('、'),
      s.daysWorked,
      s.served,
      min(s.handleMeanSec),
      s.noShows,
      s.transfers,
      s.pauses,
      s.pauseMin,
      s.extendedServed,
      s.abandonedAtClose,
      s.ratings[5],
      s.ratings[4],
      s.ratings[3],
      s.ratings[2],
      s.ratings[1],
      s.unrated,
      s.satisfactionRate,
      s.satisfactionScore,
      s.deductions,
      s.deductedPoints,
      s.dailyScore,
      s.total,
      s.rank,
      s.followupsOpened,
      s.followupsClosedOnTime,
    ]),
  };

  const catName = (id: string) => config.categories.find((c) => c.id === id)?.name.zh ?? id;
  const staffName = (id: string | null) => (id === null ? '' : (config.staff.find((s) => s.id === id)?.name ?? id));
  const ratingRows = db
    .prepare(
      `SELECT f.business_date AS date, f.rated_at AS ratedAt, f.number AS number, f.category_id AS category, f.window_id AS windowId, f.staff_id AS staffId,
              f.case_no AS caseNo, f.item_code AS itemCode, f.rating AS level, f.rating_reasons AS reasons,
              f.holder_masked AS holder
         FROM service_facts f
        WHERE f.business_date BETWEEN ? AND ? AND f.rating IS NOT NULL ORDER BY f.rated_at`,
    )
    .all(from, to) as { date: string; ratedAt: number; number: string; category: string; windowId: number | null; staffId: string | null; caseNo: string | null; itemCode: string | null; level: number; reasons: string | null; holder: string | null }[];
  const ratings: ReportTable = {
    key: 'ratings',
    sheet: '评价明细',
    columns: [
      col('date', '日期', 'date', 12),
      col('ratedAt', '评价时间', 'datetime', 17),
      col('number', '号码', 'text', 8),
      col('category', '业务类别', 'text', 16),
      col('window', '窗口', 'int', 6),
      col('staffId', '工号', 'text', 8),
      col('staff', '工作人员', 'text', 10),
      col('caseNo', '办件编号', 'text', 16),
      col('item', '事项', 'text', 20),
      col('level', '等级', 'int', 6),
      col('label', '评价', 'text', 11),
      col('reasons', '原因', 'text', 20),
      col('holder', '评价人(脱敏)', 'text', 12),
    ],
    rows: ratingRows.map((r) => [
      r.date,
      r.ratedAt,
      r.number,
      catName(r.category),
      r.windowId,
      r.staffId ?? '',
      staffName(r.staffId),
      r.caseNo ?? '',
      r.itemCode ? (config.ratings.items[r.itemCode] ?? r.itemCode) : '',
      r.level,
      RATING_LABELS[r.level]?.zh ?? '',
      r.reasons?.replaceAll(',', '、') ?? '',
      // Only the masked form is ever kept; a name purged after the retention period stays empty.
      r.holder ?? '',
    ]),
  };

  const fups = followupsOpened(db, config, from, to, now);
  const ratingOf = db.prepare(`SELECT json_extract(data, '$.number') AS number, json_extract(data, '$.comment') AS comment, json_extract(data, '$.reasons') AS reasons FROM ratings WHERE service_id = ?`);
  const followups: ReportTable = {
    key: 'followups',
    sheet: '差评回访',
    columns: [
      col('openedAt', '差评时间', 'datetime', 17),
      col('number', '号码', 'text', 8),
      col('window', '窗口', 'int', 6),
      col('staff', '工作人员', 'text', 10),
      col('label', '评价', 'text', 11),
      col('reasons', '原因', 'text', 20),
      col('comment', '群众意见', 'text', 30),
      col('deadline', '整改期限', 'date', 12),
      col('callbackAt', '回访时间', 'datetime', 17),
      col('satisfied', '回访满意', 'text', 9),
      col('verifiedAt', '核实时间', 'datetime', 17),
      col('closedAt', '整改时间', 'datetime', 17),
      col('status', '状态', 'text', 8),
      col('onTime', '按期整改', 'text', 9),
    ],
    rows: fups.map((f) => {
      const r = ratingOf.get(f.serviceId) as { number: string | null; comment: string | null; reasons: string | null } | undefined;
      const reasons = r?.reasons ? (JSON.parse(r.reasons) as string[]).join('、') : '';
      return [
        f.openedAt,
        r?.number ?? '',
        f.windowId,
        staffName(f.staffId),
        RATING_LABELS[f.level]?.zh ?? String(f.level),
        reasons,
        r?.comment ?? '',
        f.deadline,
        f.callbackAt,
        yesNo(f.callbackSatisfied),
        f.verifiedAt,
        f.closedAt,
        f.closedAt !== null ? '已整改' : f.overdue ? '已逾期' : '办理中',
        f.closedAt !== null ? yesNo(f.closedOnTime) : f.overdue ? '否' : '',
      ];
    }),
  };

  return { hall: config.hall.name, timeZone: config.hall.timeZone, period, tables: [summary, flowTable, categories, windows, staff, ratings, followups] };
}

function rated(r: { 5: number; 4: number; 3: number; 2: number; 1: number }): number {
  return r[5] + r[4] + r[3] + r[2] + r[1];
}

export type { PeriodRef };
