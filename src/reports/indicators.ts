import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import type { Db } from '../store/open-db.ts';
import { checkRange } from './period.ts';
import { followupsOpened } from './sources.ts';
import type { Bilingual, IndicatorFigures, IndicatorsReport } from './types.ts';

export const INDICATORS_MAX_DAYS = 3700;

/** What each indicator counts (hall-rules §10: 000:291, 002:372, 002:402, 003:45). */
export const INDICATOR_DEFINITIONS: Record<keyof IndicatorFigures, Bilingual> = {
  visitors: { zh: '接待人次:期间取号的人次(一张号票计一次,转号不重复计)', en: 'Visitors: tickets taken in the period (one per ticket, transfers not counted again)' },
  accepted: { zh: '受理件:在窗口办结的服务件数', en: 'Cases accepted: services completed at a window' },
  completed: {
    zh: '办结件:受理件中已办结的件数——即办件及未标明办件类型的当场办结,承诺件在业务系统报办结后计入',
    en: 'Cases completed: of those accepted, the finished ones — on-the-spot (即办件, or no case type) at once, commitment cases (承诺件) once the business system reports them done',
  },
  completionRate: { zh: '办结率 = 办结件 ÷ 受理件', en: 'Completion rate = completed ÷ accepted' },
  rated: { zh: '评价数:期间服务中得到评价的件数(未评价不计)', en: 'Rated: services of the period that were rated (unrated ones left out)' },
  satisfactionRate: { zh: '满意率 =(非常满意 + 满意 + 基本满意)÷ 评价数', en: 'Satisfaction rate = (very satisfied + satisfied + basically satisfied) ÷ rated' },
  promisedDue: { zh: '应办结承诺件:期间受理、有承诺时限,且已办结或已过承诺日期的承诺件', en: 'Commitment cases due: accepted in the period with a time limit, completed or past their promised date' },
  promisedOnTime: { zh: '按期办结件:其中在承诺日期内办结的件数', en: 'On time: of those, completed by the promised date' },
  onTimeRate: { zh: '按期办结率 = 按期办结件 ÷ 应办结承诺件', en: 'On-time completion rate = on time ÷ due' },
  promisedPending: { zh: '在办承诺件:未办结且未到承诺日期', en: 'Commitment cases in progress: not completed, not yet due' },
  callbacks: { zh: '回访数:期间差评回访中记录了群众意见的回访', en: 'Call-backs: bad-rating follow-ups of the period whose call-back recorded the resident’s view' },
  callbacksSatisfied: { zh: '回访满意数:其中群众表示满意的', en: 'Satisfied on call-back: of those, the resident was satisfied' },
  callbackSatisfactionRate: { zh: '回访满意率 = 回访满意数 ÷ 回访数', en: 'Call-back satisfaction rate = satisfied ÷ call-backs' },
  extendedServed: { zh: '延时服务办件量:午间、周六等延时时段取号并办结的件数', en: 'Extended-hours cases: completed services of tickets taken in an extended (lunch, Saturday) session' },
};

interface Counts {
  visitors: number;
  accepted: number;
  completed: number;
  rated: number;
  satisfied: number;
  extended: number;
}

/**
 * The hall's indicators for a period (hall-rules §10), for the hall and by category: visitors,
 * cases accepted and completed, satisfaction, on-time completion of commitment cases, call-back
 * satisfaction and extended-hours cases. `definitions` says what each counts.
 */
export function indicatorsReport(db: Db, config: HallConfig, from: string, to: string, now: number): IndicatorsReport {
  const today = businessDate(now, config.hall.timeZone);
  checkRange(from, to, today, INDICATORS_MAX_DAYS);
  const rows = db
    .prepare(
      `SELECT f.category_id AS c,
              SUM(f.idx = 0) AS visitors, -- by the category the ticket was taken in: its first service's
              SUM(f.outcome = 'done') AS accepted,
              SUM(f.outcome = 'done' AND (k.case_type IS NULL OR k.case_type = 'immediate' OR k.completed_at IS NOT NULL)) AS completed,
              SUM(f.rating IS NOT NULL) AS rated,
              SUM(f.rating >= 3) AS satisfied,
              SUM(f.outcome = 'done' AND f.extended = 1) AS extended
         FROM service_facts f LEFT JOIN cases k ON k.case_no = f.case_no
        WHERE f.business_date BETWEEN ? AND ? GROUP BY f.category_id`,
    )
    .all(from, to) as (Counts & { c: string })[];
  const cases = db
    .prepare(`SELECT category_id AS c, promised_by AS by, completed_at AS doneAt, on_time AS onTime FROM cases WHERE business_date BETWEEN ? AND ? AND case_type = 'promised' AND promised_by IS NOT NULL`)
    .all(from, to) as { c: string; by: string; doneAt: number | null; onTime: number | null }[];
  const followups = followupsOpened(db, config, from, to, now);

  const build = (counts: Counts, caseRows: typeof cases, fups: typeof followups): IndicatorFigures => {
    const due = caseRows.filter((k) => k.doneAt !== null || k.by < today);
    const answered = fups.filter((f) => f.callbackSatisfied !== null);
    const satisfiedCallbacks = answered.filter((f) => f.callbackSatisfied === true).length;
    return {
      visitors: counts.visitors,
      accepted: counts.accepted,
      completed: counts.completed,
      completionRate: counts.accepted ? counts.completed / counts.accepted : null,
      rated: counts.rated,
      satisfactionRate: counts.rated ? counts.satisfied / counts.rated : null,
      promisedDue: due.length,
      promisedOnTime: due.filter((k) => k.onTime === 1).length,
      onTimeRate: due.length ? due.filter((k) => k.onTime === 1).length / due.length : null,
      promisedPending: caseRows.length - due.length,
      callbacks: answered.length,
      callbacksSatisfied: satisfiedCallbacks,
      callbackSatisfactionRate: answered.length ? satisfiedCallbacks / answered.length : null,
      extendedServed: counts.extended,
    };
  };
  const zero: Counts = { visitors: 0, accepted: 0, completed: 0, rated: 0, satisfied: 0, extended: 0 };
  const countsOf = (c: string): Counts => {
    const r = rows.find((x) => x.c === c);
    return r ?? zero;
  };
  const known = config.categories.map((c) => c.id);
  const ids = [...known, ...rows.map((r) => r.c).filter((c) => !known.includes(c)).sort()];
  const sum = (k: keyof Counts) => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
  const hallCounts: Counts = { visitors: sum('visitors'), accepted: sum('accepted'), completed: sum('completed'), rated: sum('rated'), satisfied: sum('satisfied'), extended: sum('extended') };
  return {
    from,
    to,
    hall: build(hallCounts, cases, followups),
    categories: ids.map((id) => ({
      categoryId: id,
      name: config.categories.find((c) => c.id === id)?.name ?? null,
      ...build(
        countsOf(id),
        cases.filter((k) => k.c === id),
        followups.filter((f) => f.categoryId === id),
      ),
    })),
    definitions: INDICATOR_DEFINITIONS,
  };
}
