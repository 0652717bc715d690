import type { HallConfig } from '../config/schema.ts';
import type { Db } from '../store/open-db.ts';
import { followupsOpened, pausesBegun } from './sources.ts';
import type { AssessmentReport, Grade, PeriodRef, StaffAssessment, WindowAssessment, WorkFigures } from './types.ts';

/**
 * Staff and window assessment (hall-rules §10, 000:246-265), for a month, a quarter or a year:
 * - the work: services, handling time, no-shows, transfers, pauses, extended-hours services,
 *   tickets abandoned at close, ratings by level, follow-ups;
 * - the daily score: `dailyBase` less that day's deductions (not below 0), averaged over the days
 *   worked (a service, a signed-in half hour, or a deduction that day);
 * - staff total = satisfaction score × weight + mean daily score × (1 − weight), the satisfaction
 *   score being the satisfaction rate × 100;
 * - window total = the window's satisfaction score + the mean total of its A and B clerks;
 * - windows ranked by total into 一等 / 二等 / 三等 (three near-equal tiers), the first is the 红旗窗口.
 */

export const GRADE_LABELS: Record<Grade, string> = { 1: '一等', 2: '二等', 3: '三等' };

interface FactGroup {
  k: string | number;
  served: number;
  handle: number | null;
  no_show: number;
  transferred: number;
  extended: number;
  abandoned: number;
  r5: number;
  r4: number;
  r3: number;
  r2: number;
  r1: number;
  unrated: number;
}

const COUNTED = ['served', 'no_show', 'transferred', 'extended', 'abandoned', 'r5', 'r4', 'r3', 'r2', 'r1', 'unrated'] as const;

/**
 * The period's service facts summed per clerk and per window, and the days each clerk served on, in
 * one pass over the period's facts (grouped by clerk, window and date): three passes over a city
 * centre's month (~300,000 facts) were most of the assessment's time (issue #10 §10).
 */
function factsOfPeriod(db: Db, from: string, to: string): { byStaff: Map<string, FactGroup>; byWindow: Map<number, FactGroup>; days: { s: string; d: string }[] } {
  const rows = db
    .prepare(
      `SELECT staff_id AS s, window_id AS w, business_date AS d,
              SUM(outcome = 'done') AS served,
              SUM(CASE WHEN outcome = 'done' THEN ended_at - COALESCE(started_at, called_at, ended_at) END) AS handleSum,
              COUNT(CASE WHEN outcome = 'done' THEN ended_at - COALESCE(started_at, called_at, ended_at) END) AS handleN,
              SUM(outcome = 'no_show') AS no_show,
              SUM(outcome = 'transferred') AS transferred,
              SUM(outcome = 'done' AND extended = 1) AS extended,
              SUM(outcome = 'abandoned_at_close') AS abandoned,
              SUM(rating = 5) AS r5, SUM(rating = 4) AS r4, SUM(rating = 3) AS r3, SUM(rating = 2) AS r2, SUM(rating = 1) AS r1,
              SUM(unrated) AS unrated
         FROM service_facts WHERE business_date BETWEEN ? AND ? GROUP BY staff_id, window_id, business_date`,
    )
    .all(from, to) as (Omit<FactGroup, 'k' | 'handle'> & { s: string | null; w: number | null; d: string; handleSum: number | null; handleN: number })[];
  const sums = new Map<string | number, FactGroup & { handleSum: number; handleN: number }>();
  const add = (k: string | number, r: (typeof rows)[number]) => {
    let g = sums.get(k);
    if (!g) sums.set(k, (g = { k, served: 0, handle: null, no_show: 0, transferred: 0, extended: 0, abandoned: 0, r5: 0, r4: 0, r3: 0, r2: 0, r1: 0, unrated: 0, handleSum: 0, handleN: 0 }));
    for (const c of COUNTED) g[c] += r[c];
    g.handleSum += r.handleSum ?? 0;
    g.handleN += r.handleN;
  };
  const days: { s: string; d: string }[] = [];
  for (const r of rows) {
    // Staff ids and window numbers are kept apart: a staff id "3" is not window 3.
    if (r.s !== null) {
      add(`s:${r.s}`, r);
      days.push({ s: r.s, d: r.d });
    }
    if (r.w !== null) add(r.w, r);
  }
  const byStaff = new Map<string, FactGroup>();
  const byWindow = new Map<number, FactGroup>();
  for (const g of sums.values()) {
    const f: FactGroup = { ...g, handle: g.handleN ? g.handleSum / g.handleN : null };
    if (typeof g.k === 'number') byWindow.set(g.k, { ...f, k: g.k });
    else byStaff.set(g.k.slice(2), { ...f, k: g.k.slice(2) });
  }
  return { byStaff, byWindow, days };
}

function figures(f: FactGroup | undefined, pauses: { minutes: number }[], followups: { closedOnTime: boolean }[]): WorkFigures {
  const ratings = { 5: f?.r5 ?? 0, 4: f?.r4 ?? 0, 3: f?.r3 ?? 0, 2: f?.r2 ?? 0, 1: f?.r1 ?? 0 };
  const rated = ratings[5] + ratings[4] + ratings[3] + ratings[2] + ratings[1];
  const rate = rated ? (ratings[5] + ratings[4] + ratings[3]) / rated : null;
  return {
    served: f?.served ?? 0,
    handleMeanSec: f?.handle === null || f?.handle === undefined ? null : Math.round(f.handle / 1000),
    noShows: f?.no_show ?? 0,
    transfers: f?.transferred ?? 0,
    pauses: pauses.length,
    pauseMin: round(pauses.reduce((n, p) => n + p.minutes, 0), 1),
    extendedServed: f?.extended ?? 0,
    abandonedAtClose: f?.abandoned ?? 0,
    ratings,
    unrated: f?.unrated ?? 0,
    satisfactionRate: rate,
    satisfactionScore: rate === null ? null : round(rate * 100, 2),
    followupsOpened: followups.length,
    followupsClosedOnTime: followups.filter((x) => x.closedOnTime).length,
  };
}

export function assessmentReport(db: Db, config: HallConfig, period: PeriodRef, now: number): AssessmentReport {
  const { from, to } = period;
  const { dailyBase, satisfactionWeight: w } = config.assessment;
  const { byStaff, byWindow, days: servedOn } = factsOfPeriod(db, from, to);
  const pauses = pausesBegun(db, config, from, to, now);
  const followups = followupsOpened(db, config, from, to, now);

  // Days worked: a service, a half hour signed in at a window, or a deduction (an absence is a day too).
  const worked = new Map<string, Set<string>>();
  const addDay = (staff: string, date: string) => (worked.get(staff) ?? (worked.set(staff, new Set()), worked.get(staff)!)).add(date);
  for (const r of servedOn) addDay(r.s, r.d);
  for (const r of db
    .prepare(
      `SELECT DISTINCT staff_id AS s, business_date AS d FROM flow_slots WHERE business_date BETWEEN ? AND ? AND dim = 'w' AND staff_id IS NOT NULL
       UNION SELECT DISTINCT staff_id, business_date FROM deductions WHERE business_date BETWEEN ? AND ? AND revoked_at IS NULL`,
    )
    .all(from, to, from, to) as { s: string; d: string }[])
    addDay(r.s, r.d);
  const deducted = new Map<string, Map<string, { points: number; n: number }>>();
  for (const r of db
    .prepare(`SELECT staff_id AS s, business_date AS d, SUM(points) AS p, COUNT(*) AS n FROM deductions WHERE business_date BETWEEN ? AND ? AND revoked_at IS NULL GROUP BY staff_id, business_date`)
    .all(from, to) as { s: string; d: string; p: number; n: number }[]) {
    (deducted.get(r.s) ?? (deducted.set(r.s, new Map()), deducted.get(r.s)!)).set(r.d, { points: r.p, n: r.n });
  }

  const clerkIds = config.staff.filter((s) => s.role === 'clerk').map((s) => s.id);
  const seen = [...new Set([...byStaff.keys(), ...worked.keys()].map(String))].filter((id) => !clerkIds.includes(id)).sort();
  const staff: StaffAssessment[] = [...clerkIds, ...seen].map((id) => {
    const days = worked.get(id) ?? new Set<string>();
    const ded = deducted.get(id) ?? new Map<string, { points: number; n: number }>();
    const scores = [...days].map((d) => Math.max(0, dailyBase - (ded.get(d)?.points ?? 0)));
    const dailyScore = scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length, 2) : null;
    const fig = figures(
      byStaff.get(id),
      pauses.filter((p) => p.staffId === id),
      followups.filter((f) => f.staffId === id),
    );
    const total = fig.satisfactionScore !== null && dailyScore !== null ? round(fig.satisfactionScore * w + dailyScore * (1 - w), 2) : null;
    const windows = new Set(config.windows.filter((x) => x.staff.a === id || x.staff.b === id).map((x) => x.id));
    return {
      staffId: id,
      name: config.staff.find((s) => s.id === id)?.name ?? id,
      windows: [...windows].sort((a, b) => a - b),
      ...fig,
      daysWorked: days.size,
      deductions: [...ded.values()].reduce((n, x) => n + x.n, 0),
      deductedPoints: round([...ded.values()].reduce((n, x) => n + x.points, 0), 2),
      dailyScore,
      total,
      rank: null,
    };
  });
  rank(staff, (s) => s.total, (a, b) => (b.satisfactionScore ?? -1) - (a.satisfactionScore ?? -1) || (b.dailyScore ?? -1) - (a.dailyScore ?? -1) || a.staffId.localeCompare(b.staffId));

  const totalOf = new Map(staff.map((s) => [s.staffId, s.total]));
  const windows: WindowAssessment[] = config.windows.map((cw) => {
    const fig = figures(
      byWindow.get(cw.id),
      pauses.filter((p) => p.windowId === cw.id),
      followups.filter((f) => f.windowId === cw.id),
    );
    const members = [cw.staff.a, ...(cw.staff.b ? [cw.staff.b] : [])].filter((id) => totalOf.get(id) !== null && totalOf.get(id) !== undefined);
    const staffMean = members.length ? round(members.reduce((n, id) => n + totalOf.get(id)!, 0) / members.length, 2) : null;
    const total = fig.satisfactionScore !== null && staffMean !== null ? round(fig.satisfactionScore + staffMean, 2) : null;
    return { windowId: cw.id, name: cw.name, ...fig, staff: members, staffMean, total, rank: null, grade: null, gradeLabel: null, redFlag: false };
  });
  rank(windows, (x) => x.total, (a, b) => (b.satisfactionScore ?? -1) - (a.satisfactionScore ?? -1) || a.windowId - b.windowId);
  const ranked = windows.filter((x) => x.rank !== null).length;
  const tier1 = Math.ceil(ranked / 3);
  const tier2 = Math.ceil((ranked - tier1) / 2);
  for (const x of windows) {
    if (x.rank === null) continue;
    x.grade = x.rank <= tier1 ? 1 : x.rank <= tier1 + tier2 ? 2 : 3;
    x.gradeLabel = GRADE_LABELS[x.grade];
    x.redFlag = x.rank === 1;
  }
  return {
    period,
    rules: {
      dailyBase,
      satisfactionWeight: w,
      grades: '按窗口总分排名,前三分之一为一等、中间为二等、其余为三等,第一名为红旗窗口 / ranked by total: the top third 一等, the middle 二等, the rest 三等; the first is the 红旗窗口',
    },
    staff,
    windows,
  };
}

/**
 * Sorts by total (highest first; those without one last, by `tie`) and gives competition ranks:
 * equal totals share a rank (1, 1, 3).
 */
function rank<T extends { rank: number | null }>(list: T[], total: (x: T) => number | null, tie: (a: T, b: T) => number): void {
  list.sort((a, b) => {
    const ta = total(a);
    const tb = total(b);
    if (ta === null || tb === null) return ta === tb ? tie(a, b) : ta === null ? 1 : -1;
    return tb - ta || tie(a, b);
  });
  let prev: number | null = null;
  list.forEach((x, i) => {
    const t = total(x);
    if (t === null) return;
    x.rank = prev !== null && t === total(list[i - 1]!) ? list[i - 1]!.rank : i + 1;
    prev = t;
  });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
