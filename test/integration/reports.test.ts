import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessmentReport, EstimateAccuracy, FlowReport, IndicatorsReport, QuietTimes, RankingPublication, StaffingReport } from '../../src/reports/types.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { openDb } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeHistory, reportsConfig, type HistoryTotals } from '../support/history.ts';
import { api, login, startHub, type RunningHub } from '../support/hub.ts';
import { INTEGRATION, KIOSK, WALL } from '../support/test-config.ts';

/**
 * The hall's numbers through real HTTP on a real SQLite file: three and a half weeks of history made
 * by the real engine on a virtual clock (with the hub's own half-hour jobs), then every report asked
 * for as a manager would, and checked against what the history was made of and against each other.
 */

const config = reportsConfig();
let h: RunningHub;
let clock: FakeClock;
let totals: HistoryTotals;
let manager: string;
let clerk: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-reports-'));
  clock = new FakeClock(Date.parse('2026-09-28T08:00:00+08:00'));
  // The history is made the way the simulator will make it: the engine on a data dir the hub then opens.
  const db = openDb(join(dir, 'hallq.db'), { durability: 'generator' });
  const handler = new CommandHandler(db, config, clock);
  totals = makeHistory(handler, clock, { from: '2026-09-28', days: 24, seed: 7 });
  // The hub's housekeeping has run, as it would have each night: the projection rows of finished tickets
  // are gone, so every report below reads what stays (facts, records, follow-ups), not those rows.
  handler.runAllMaintenance();
  expect((db.prepare("SELECT COUNT(*) AS n FROM services").get() as { n: number }).n).toBeLessThan(totals.tickets / 10);
  db.close();
  h = await startHub({ config, clock, dir });
  manager = await login(h.url, 'm1');
  clerk = await login(h.url, 'c1');
}, 120_000);

afterAll(async () => {
  await h?.dispose();
});

const get = async <T>(path: string, token = manager): Promise<T> => {
  const r = await api(h.url, 'GET', path, { token });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
};

describe('flow (§2)', () => {
  it('adds up: half hours to days, days to weeks and months, to the tickets the history issued', async () => {
    const half = await get<FlowReport>('/reports/flow?from=2026-09-28&to=2026-10-21&by=halfhour');
    const days = await get<FlowReport>('/reports/flow?from=2026-09-28&to=2026-10-21&by=day');
    const weeks = await get<FlowReport>('/reports/flow?from=2026-09-28&to=2026-10-21&by=week');
    const months = await get<FlowReport>('/reports/flow?from=2026-09-28&to=2026-10-21&by=month');
    expect(half.scope.kind).toBe('hall');
    expect(days.rows.map((r) => r.period)).toEqual(totals.days);
    for (const d of days.rows) {
      const slots = half.rows.filter((r) => r.from === d.period);
      for (const k of ['issued', 'called', 'served', 'noShow', 'transfersIn', 'transfersOut', 'appointments', 'extendedIssued'] as const) {
        expect(slots.reduce((n, r) => n + r[k], 0), `${d.period} ${k}`).toBe(d[k]);
      }
      expect(Math.max(...slots.map((r) => r.waitMaxSec))).toBe(d.waitMaxSec);
      // The close record ends each day, and nobody is left waiting after it.
      expect(slots.at(-1)!.slot).toBe(1440);
      expect(d.waitingEnd).toBe(0);
    }
    for (const grain of [days, weeks, months]) {
      expect(grain.total.issued).toBe(totals.tickets);
      expect(grain.rows.reduce((n, r) => n + r.issued, 0)).toBe(totals.tickets);
      expect(grain.rows.reduce((n, r) => n + r.served, 0)).toBe(totals.served);
      expect(grain.rows.reduce((n, r) => n + r.noShow, 0)).toBe(totals.noShows);
    }
    expect(weeks.rows.map((r) => r.period)).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43']);
    expect(months.rows.map((r) => [r.period, r.from, r.to])).toEqual([
      ['2026-09', '2026-09-28', '2026-09-30'],
      ['2026-10', '2026-10-01', '2026-10-21'],
    ]);
    // The real p90 is a wait someone waited, within the range of waits.
    expect(days.total.waitP90Sec).toBeGreaterThan(0);
    expect(days.total.waitP90Sec).toBeLessThanOrEqual(days.total.waitMaxSec);
  });

  it('per category and per window, the rows add up to the hall', async () => {
    const hall = await get<FlowReport>('/reports/flow?from=2026-10-01&to=2026-10-21&by=month');
    let issued = 0;
    let served = 0;
    for (const c of config.categories) {
      const r = await get<FlowReport>(`/reports/flow?from=2026-10-01&to=2026-10-21&by=month&categoryId=${c.id}`);
      expect(r.scope).toEqual({ kind: 'category', id: c.id, name: c.name });
      issued += r.total.issued;
      served += r.total.served;
    }
    expect(issued).toBe(hall.total.issued);
    expect(served).toBe(hall.total.served);
    let windowServed = 0;
    for (const w of config.windows) windowServed += (await get<FlowReport>(`/reports/flow?from=2026-10-01&to=2026-10-21&by=month&windowId=${w.id}`)).total.served;
    expect(windowServed).toBe(hall.total.served);
  });
});

describe('indicators and assessment (§7)', () => {
  it('counts the visitors, cases, ratings and extended-hours cases the history made', async () => {
    const ind = await get<IndicatorsReport>('/reports/indicators?from=2026-09-28&to=2026-10-21');
    expect(ind.hall.visitors).toBe(totals.tickets);
    expect(ind.hall.accepted).toBe(totals.served);
    expect(ind.hall.rated).toBe(totals.rated);
    expect(ind.hall.satisfactionRate).toBeCloseTo(totals.satisfied / totals.rated, 10);
    // 承诺件 stay open until the business system says: none was completed yet.
    expect(ind.hall.completed).toBe(totals.served - totals.promised.length);
    expect(ind.hall.promisedDue + ind.hall.promisedPending).toBe(totals.promised.length);
    expect(ind.hall.onTimeRate).toBe(0);
    expect(ind.hall.extendedServed).toBeGreaterThan(0);
    expect(ind.categories.reduce((n, c) => n + c.visitors, 0)).toBe(ind.hall.visitors);
    expect(ind.categories.reduce((n, c) => n + c.accepted, 0)).toBe(ind.hall.accepted);
    for (const k of Object.keys(ind.hall)) expect(ind.definitions[k as keyof typeof ind.definitions]?.zh, k).toBeTruthy();
  });

  it('a commitment case completed by the business system counts as 办结 and on time', async () => {
    const before = await get<IndicatorsReport>('/reports/indicators?from=2026-10-21&to=2026-10-21');
    const caseNo = totals.promised.at(-1)!;
    const done = await api(h.url, 'POST', `/cases/${encodeURIComponent(caseNo)}/complete`, { token: INTEGRATION });
    expect(done.status).toBe(200);
    expect(done.body.case).toMatchObject({ caseNo, onTime: true });
    // A clerk may not; a second completion finds no open case.
    expect((await api(h.url, 'POST', `/cases/${encodeURIComponent(totals.promised.at(-2)!)}/complete`, { token: clerk })).status).toBe(403);
    expect((await api(h.url, 'POST', `/cases/${encodeURIComponent(caseNo)}/complete`, { token: manager })).status).toBe(404);
    const after = await get<IndicatorsReport>('/reports/indicators?from=2026-10-21&to=2026-10-21');
    expect(after.hall.completed).toBe(before.hall.completed + 1);
    expect(after.hall.promisedOnTime).toBe(before.hall.promisedOnTime + 1);
    expect(after.hall.onTimeRate).toBeGreaterThan(0);
  });

  it('回访满意率 from the call-backs', async () => {
    const list = (await api(h.url, 'GET', '/followups?status=all', { token: manager })).body.followups as { id: string; openedAt: number }[];
    const october = list.filter((f) => f.openedAt >= Date.parse('2026-10-01T00:00:00+08:00'));
    expect(october.length).toBeGreaterThan(2);
    const answers = [true, true, false];
    for (const [i, satisfied] of answers.entries()) {
      const r = await api(h.url, 'POST', `/followups/${october[i]!.id}`, { token: manager, body: { step: 'callback', note: '已电话回访', satisfied } });
      expect(r.status).toBe(200);
      expect(r.body.followup.satisfied).toBe(satisfied);
    }
    const ind = await get<IndicatorsReport>('/reports/indicators?from=2026-10-01&to=2026-10-21');
    expect(ind.hall.callbacks).toBe(3);
    expect(ind.hall.callbacksSatisfied).toBe(2);
    expect(ind.hall.callbackSatisfactionRate).toBeCloseTo(2 / 3, 10);
  });

  it('assesses clerks and windows: work, daily score with deductions, totals, ranking and the red flag', async () => {
    const a0 = await get<AssessmentReport>('/reports/assessment?month=2026-10');
    const ind = await get<IndicatorsReport>('/reports/indicators?from=2026-10-01&to=2026-10-31');
    expect(a0.staff.reduce((n, s) => n + s.served, 0)).toBe(ind.hall.accepted);
    expect(a0.windows.reduce((n, w) => n + w.served, 0)).toBe(ind.hall.accepted);
    const c2 = a0.staff.find((s) => s.staffId === 'c2')!;
    expect(c2.dailyScore).toBe(100);
    expect(c2.pauses).toBeGreaterThan(0);
    expect(c2.pauseMin).toBeCloseTo(c2.pauses * 10, 5);
    // The total: satisfaction score × 0.5 + daily score × 0.5.
    expect(c2.total).toBeCloseTo(c2.satisfactionScore! * 0.5 + c2.dailyScore! * 0.5, 1);

    // A deduction by the manager on one of c2's days (5 points for a complaint) lowers the daily mean.
    const rec = await api(h.url, 'POST', '/assessment/deductions', { token: manager, body: { staffId: 'c2', businessDate: '2026-10-20', itemCode: 'complaint', note: '群众投诉态度生硬' } });
    expect(rec.status).toBe(201);
    expect(rec.body.deduction).toMatchObject({ staffId: 'c2', points: 5, itemName: '被有效投诉或媒体曝光' });
    const a1 = await get<AssessmentReport>('/reports/assessment?month=2026-10');
    const c2after = a1.staff.find((s) => s.staffId === 'c2')!;
    expect(c2after.deductions).toBe(1);
    expect(c2after.dailyScore).toBeCloseTo(100 - 5 / c2.daysWorked, 2);
    const listed = await get<{ deductions: { id: string; revokedAt: number | null }[] }>('/assessment/deductions?month=2026-10');
    expect(listed.deductions.map((d) => d.id)).toEqual([rec.body.deduction.id]);
    // Revoked, it no longer counts.
    expect((await api(h.url, 'POST', `/assessment/deductions/${rec.body.deduction.id}/revoke`, { token: manager, body: { reason: '核实不属实' } })).status).toBe(200);
    const a2 = await get<AssessmentReport>('/reports/assessment?month=2026-10');
    expect(a2.staff.find((s) => s.staffId === 'c2')!.dailyScore).toBe(100);

    // Ranking: by total, the tiers, the one red flag; window total = satisfaction score + its staff's mean.
    const ranked = a2.windows.filter((w) => w.rank !== null);
    expect(ranked.map((w) => w.rank)).toEqual([...ranked.map((w) => w.rank)].sort((a, b) => a! - b!));
    expect(a2.windows.filter((w) => w.redFlag).map((w) => w.rank)).toEqual([1]);
    expect(ranked.map((w) => w.gradeLabel)).toEqual(['一等', '一等', '二等', '三等']);
    for (const w of ranked) expect(w.total).toBeCloseTo(w.satisfactionScore! + w.staffMean!, 1);
    // The B clerks did not work: no total, no rank.
    expect(a2.staff.find((s) => s.staffId === 'b1')).toMatchObject({ daysWorked: 0, total: null, rank: null });

    // A quarter and a year are the same figures over a longer period.
    const q = await get<AssessmentReport>('/reports/assessment?quarter=2026-Q4');
    expect(q.period).toMatchObject({ kind: 'quarter', from: '2026-10-01', to: '2026-12-31' });
    expect(q.staff.find((s) => s.staffId === 'c1')!.served).toBe(a2.staff.find((s) => s.staffId === 'c1')!.served);
    const y = await get<AssessmentReport>('/reports/assessment?year=2026');
    expect(y.staff.reduce((n, s) => n + s.served, 0)).toBe(totals.served);
  });

  it('publishes the window ranking of an ended month to a hall screen (月底公示), and lets a manager preview the month running', async () => {
    const sept = await get<AssessmentReport>('/reports/assessment?month=2026-09');
    const wall = await api(h.url, 'GET', '/reports/ranking?month=2026-09', { token: WALL });
    expect(wall.status).toBe(200);
    const pub = wall.body as RankingPublication;
    expect(pub.final).toBe(true);
    expect(pub.period.key).toBe('2026-09');
    // The windows in rank order, as the assessment ranks them, and nothing about a clerk.
    const ranked = sept.windows.filter((w) => w.rank !== null).sort((a, b) => a.rank! - b.rank! || a.windowId - b.windowId);
    expect(pub.windows.slice(0, ranked.length).map((w) => [w.windowId, w.rank, w.gradeLabel, w.redFlag])).toEqual(ranked.map((w) => [w.windowId, w.rank, w.gradeLabel, w.redFlag]));
    expect(pub.windows.filter((w) => w.redFlag).map((w) => w.rank)).toEqual([1]);
    expect(JSON.stringify(pub)).not.toMatch(/"staff|甲1|dailyScore/);
    // This month has not ended: a screen may not publish it yet; the manager sees a preview.
    const early = await api(h.url, 'GET', '/reports/ranking?month=2026-10', { token: WALL });
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe('HQ_ERR_RANKING_NOT_ENDED');
    expect(early.body.error.zh).toContain('月底');
    expect(early.body.error.en).toContain('month end');
    expect((await get<RankingPublication>('/reports/ranking?month=2026-10')).final).toBe(false);
    // Nobody else: a clerk, a kiosk, no token.
    expect((await api(h.url, 'GET', '/reports/ranking?month=2026-09', { token: clerk })).status).toBe(403);
    expect((await api(h.url, 'GET', '/reports/ranking?month=2026-09', { token: KIOSK })).status).toBe(403);
    expect((await api(h.url, 'GET', '/reports/ranking?month=2026-09')).status).toBe(401);
    expect((await api(h.url, 'GET', '/reports/ranking?month=2026-13', { token: WALL })).status).toBe(400);
  });

  it('the supervision window records deductions; other clerks may not', async () => {
    const c3 = await login(h.url, 'c3');
    const body = { staffId: 'c1', businessDate: '2026-10-21', itemCode: 'dress', note: '未佩戴胸牌' };
    // c3 is the A of window 3 (the recorder window) but must be signed in there.
    expect((await api(h.url, 'POST', '/assessment/deductions', { token: c3, body })).status).toBe(403);
    expect((await api(h.url, 'POST', '/windows/3/open', { token: c3, body: { role: 'A' } })).status).toBe(200);
    // A date that does not exist would be kept under no month's assessment: refused.
    const feb31 = await api(h.url, 'POST', '/assessment/deductions', { token: c3, body: { ...body, businessDate: '2026-02-31' } });
    expect(feb31.status).toBe(400);
    expect(feb31.body.error.code).toBe('HQ_ERR_VALIDATION');
    const r = await api(h.url, 'POST', '/assessment/deductions', { token: c3, body });
    expect(r.status).toBe(201);
    expect(r.body.deduction.by).toBe('c3');
    expect((await api(h.url, 'POST', '/assessment/deductions', { token: clerk, body })).status).toBe(403);
    expect((await api(h.url, 'GET', '/assessment/deductions?month=2026-10', { token: clerk })).status).toBe(403);
    expect((await api(h.url, 'GET', '/assessment/deductions?month=2026-10', { token: c3 })).status).toBe(200);
    expect((await api(h.url, 'POST', `/assessment/deductions/${r.body.deduction.id}/revoke`, { token: manager, body: { reason: '误录' } })).status).toBe(200);
    expect((await api(h.url, 'POST', '/windows/3/close', { token: c3 })).status).toBe(200);
  });
});

describe('staffing (§4), estimates (§5) and the quiet times (§3)', () => {
  it('recommends clerks per half hour and group, with the market-day minimum and the shortfall marked', async () => {
    const market = await get<StaffingReport>('/reports/staffing?date=2026-10-22');
    expect(market.dayType).toBe('market');
    expect(market.forecast).toMatchObject({ dayType: 'market', fallback: null });
    expect(market.forecast.days).toBeGreaterThan(0);
    expect(market.groups.map((g) => g.id)).toEqual(['1,2,3', '4']);
    const [shared, js] = market.groups as [StaffingReport['groups'][number], StaffingReport['groups'][number]];
    expect(shared.ahtSource).toBe('history');
    for (const s of shared.slots) {
      expect(s.recommended).toBe(Math.max(s.erlang, s.minClerks));
      expect(s.minClerks).toBe(2); // marketDayMin
      expect(s.shortfall).toBe(Math.max(0, s.recommended - (s.compared ?? s.recommended)));
      if (s.serviceLevelRecommended !== null) expect(s.serviceLevelRecommended).toBeGreaterThanOrEqual(market.target.target);
    }
    expect(js.slots.every((s) => s.minClerks === 0)).toBe(true);
    // The morning peak needs more than the lunch hour.
    const peak = shared.slots.find((s) => s.label === '09:30')!;
    const lunch = shared.slots.find((s) => s.label === '12:30')!;
    expect(peak.arrivals).toBeGreaterThan(lunch.arrivals);
    expect(peak.erlang).toBeGreaterThanOrEqual(lunch.erlang);

    const weekday = await get<StaffingReport>('/reports/staffing?date=2026-10-23');
    expect(weekday.dayType).toBe('weekday');
    expect(weekday.groups[0]!.slots.every((s) => s.minClerks === 1)).toBe(true);
    // A past day is compared with the windows its records say were open.
    const past = await get<StaffingReport>('/reports/staffing?date=2026-10-20');
    expect(past.groups[0]!.slots.every((s) => s.actual === 3 || s.actual === 0 || s.actual === 2 || s.actual === 1)).toBe(true);
    expect(past.groups[0]!.slots.some((s) => s.actual !== null)).toBe(true);
    // A holiday is closed.
    expect(await get<StaffingReport>('/reports/staffing?date=2026-10-01')).toMatchObject({ closed: true, groups: [{ slots: [] }, { slots: [] }] });
  });

  it('measures the printed estimates against the waits', async () => {
    const e = await get<EstimateAccuracy>('/reports/estimates?from=2026-09-28&to=2026-10-21');
    expect(e.total.count).toBe(totals.tickets - e.total.uncalled);
    expect(e.categories.reduce((n, c) => n + c.count, 0)).toBe(e.total.count);
    expect(e.total.insideBandRate).toBeGreaterThan(0);
    expect(e.total.insideBandRate).toBeLessThanOrEqual(1);
    expect(e.total.medianAbsErrorMin).not.toBeNull();
  });

  it('publishes the quiet times without sign-in', async () => {
    const r = await api(h.url, 'GET', '/public/quiet-times');
    expect(r.status).toBe(200);
    const q = r.body as QuietTimes;
    expect(q.basis).toMatchObject({ weeks: 8, to: '2026-10-21' });
    expect(q.byWeekday.map((w) => w.weekday)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
    expect(q.days).toHaveLength(5);
    expect(q.days[0]).toMatchObject({ date: '2026-10-22', dayType: 'market' });
    for (const d of q.days) {
      expect(d.quiet.length).toBeGreaterThan(0);
      // A quiet time is never the lunch (extended) session nor the last half hour before tickets stop.
      for (const p of d.quiet) expect(p.start >= '12:00' && p.start < '13:00').toBe(false);
      expect(d.quiet.some((p) => p.end === '17:00')).toBe(false);
    }
    // The busiest half hour is never among the quiet ones.
    const mon = q.byWeekday[0]!.slots;
    const busiest = [...mon].sort((a, b) => b.expected - a.expected)[0]!;
    const monday = q.days.find((d) => d.weekday === 'mon')!;
    expect(monday.quiet.some((p) => p.start <= busiest.label.slice(0, 5) && busiest.label.slice(0, 5) < p.end)).toBe(false);
  });
});

describe('exports (§8)', () => {
  it('builds the monthly workbook whose cells are the API’s numbers', async () => {
    const res = await fetch(`${h.url}/api/v1/reports/monthly.xlsx?month=2026-10`, { headers: { authorization: `Bearer ${manager}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '半小时人流', '分类统计', '窗口统计', '人员考核', '评价明细', '差评回访']);
    for (const ws of wb.worksheets) {
      expect(String(ws.getCell('A1').value)).toContain(config.hall.name);
      expect(String(ws.getCell('A1').value)).toContain('2026年10月');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    }

    const ind = await get<IndicatorsReport>('/reports/indicators?from=2026-10-01&to=2026-10-31');
    const summary = wb.getWorksheet('汇总')!;
    const valueOf = (name: string) => {
      for (let r = 3; r <= summary.rowCount; r++) if (summary.getCell(r, 1).value === name) return summary.getCell(r, 2).value;
      throw new Error(`no ${name}`);
    };
    expect(valueOf('接待人次')).toBe(ind.hall.visitors);
    expect(valueOf('受理件')).toBe(ind.hall.accepted);
    expect(valueOf('办结件')).toBe(ind.hall.completed);
    expect(valueOf('满意率')).toBe(Math.round(ind.hall.satisfactionRate! * 1000) / 10);
    expect(valueOf('延时服务办件量')).toBe(ind.hall.extendedServed);

    const flow = await get<FlowReport>('/reports/flow?from=2026-10-01&to=2026-10-31&by=halfhour');
    const fs = wb.getWorksheet('半小时人流')!;
    expect(fs.getRow(2).values).toContain('取号');
    expect(fs.rowCount - 2).toBe(flow.rows.length);
    const row = flow.rows.find((r) => r.issued > 3)!;
    const i = flow.rows.indexOf(row) + 3;
    expect((fs.getCell(i, 1).value as Date).toISOString().slice(0, 10)).toBe(row.from);
    expect(fs.getCell(i, 1).numFmt).toBe('yyyy-mm-dd');
    expect(fs.getCell(i, 2).value).toBe(row.period.slice(11));
    expect(fs.getCell(i, 4).value).toBe(row.issued);
    expect(fs.getCell(i, 6).value).toBe(row.served);
    expect(fs.getCell(i, 12).value).toBe(Math.round(row.waitMeanSec / 6) / 10);

    const a = await get<AssessmentReport>('/reports/assessment?month=2026-10');
    const staff = wb.getWorksheet('人员考核')!;
    for (let r = 3; r <= staff.rowCount; r++) {
      const s = a.staff.find((x) => x.staffId === staff.getCell(r, 1).value)!;
      expect(staff.getCell(r, 5).value).toBe(s.served);
      expect(staff.getCell(r, 19).value ?? null).toBe(s.satisfactionRate);
      expect(staff.getCell(r, 19).numFmt).toBe('0.0%');
      expect(staff.getCell(r, 24).value ?? null).toBe(s.total);
    }
    const windows = wb.getWorksheet('窗口统计')!;
    const red = a.windows.find((w) => w.redFlag)!;
    expect(windows.getCell(red.windowId + 2, 18).value).toBe('红旗窗口');
    expect(windows.getCell(red.windowId + 2, 15).value).toBe(red.total);

    // Rating details: as many as rated in the month, residents' names masked only, times in the hall's zone.
    const ratings = wb.getWorksheet('评价明细')!;
    const rated = a.staff.reduce((n, s) => n + s.ratings[5] + s.ratings[4] + s.ratings[3] + s.ratings[2] + s.ratings[1], 0);
    expect(ratings.rowCount - 2).toBe(rated);
    const holders = new Set<string>();
    for (let r = 3; r <= ratings.rowCount; r++) holders.add(String(ratings.getCell(r, 13).value ?? ''));
    expect([...holders].sort()).toEqual(['', '张*三']);
    // Bad-rating follow-ups: each names its number and what the resident chose, from the rating row the
    // housekeeping keeps for it.
    const fups = wb.getWorksheet('差评回访')!;
    expect(fups.rowCount - 2).toBeGreaterThan(0);
    for (let r = 3; r <= fups.rowCount; r++) {
      expect(String(fups.getCell(r, 2).value)).toMatch(/^[A-Z]\d{3}$/);
      expect(fups.getCell(r, 6).value).toBe('服务态度');
    }
    const first = ratings.getCell(3, 2).value as Date;
    expect(first.getUTCHours()).toBeGreaterThanOrEqual(9);
    expect(first.getUTCHours()).toBeLessThan(18);
  });

  it('serves the same tables as CSV with a BOM', async () => {
    const res = await fetch(`${h.url}/api/v1/reports/monthly.csv?month=2026-10&table=staff`, { headers: { authorization: `Bearer ${manager}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['工号', '姓名', '窗口', '出勤天数']);
    expect(lines).toHaveLength(1 + config.staff.filter((s) => s.role === 'clerk').length);
    const a = await get<AssessmentReport>('/reports/assessment?month=2026-10');
    const c1 = lines.find((l) => l.startsWith('c1,'))!.split(',');
    expect(Number(c1[4])).toBe(a.staff.find((s) => s.staffId === 'c1')!.served);
    expect(c1[18]).toBe(`${Math.round(a.staff.find((s) => s.staffId === 'c1')!.satisfactionRate! * 1000) / 10}%`);
  });
});

describe('who may ask, and bad questions (§7 acceptance)', () => {
  const reports = [
    '/reports/flow?from=2026-10-01&to=2026-10-21&by=day',
    '/reports/staffing?date=2026-10-22',
    '/reports/estimates?from=2026-10-01&to=2026-10-21',
    '/reports/assessment?month=2026-10',
    '/reports/indicators?from=2026-10-01&to=2026-10-21',
    '/reports/monthly.xlsx?month=2026-10',
    '/reports/monthly.csv?month=2026-10&table=summary',
  ];

  it('refuses a clerk (403), a device (403) and nobody (401), whatever the query', async () => {
    for (const path of [...reports, '/reports/flow?from=2026-10-21&to=2026-10-01']) {
      expect((await api(h.url, 'GET', path, { token: clerk })).status, path).toBe(403);
      expect((await api(h.url, 'GET', path, { token: INTEGRATION })).status, path).toBe(403);
      expect((await api(h.url, 'GET', path)).status, path).toBe(401);
    }
  });

  it('answers bad input with 400 and a message in Chinese and English', async () => {
    const cases: [string, string][] = [
      ['/reports/flow?from=2026-10-21&to=2026-10-01', 'HQ_ERR_REPORT_RANGE_INVERTED'],
      ['/reports/flow?from=2026-11-01&to=2026-11-30', 'HQ_ERR_REPORT_PERIOD_IN_FUTURE'],
      ['/reports/flow?from=2025-01-01&to=2026-10-21&by=halfhour', 'HQ_ERR_REPORT_RANGE_TOO_LONG'],
      ['/reports/flow?from=2026-10-01&to=2026-10-21&categoryId=XX', 'HQ_ERR_REPORT_UNKNOWN_FILTER'],
      ['/reports/flow?from=2026-10-01&to=2026-10-21&windowId=9', 'HQ_ERR_REPORT_UNKNOWN_FILTER'],
      ['/reports/flow?from=2026-10-01&to=2026-10-21&windowId=1&categoryId=ZX', 'HQ_ERR_REPORT_UNKNOWN_FILTER'],
      ['/reports/flow?from=2026-02-30&to=2026-10-21', 'HQ_ERR_VALIDATION'],
      ['/reports/flow?from=2026-10-01&to=2026-10-21&by=year', 'HQ_ERR_VALIDATION'],
      ['/reports/flow?from=2026-10-01', 'HQ_ERR_VALIDATION'],
      ['/reports/assessment?month=2026-11', 'HQ_ERR_REPORT_PERIOD_IN_FUTURE'],
      ['/reports/assessment?month=2026-13', 'HQ_ERR_VALIDATION'],
      ['/reports/assessment', 'HQ_ERR_VALIDATION'],
      ['/reports/assessment?month=2026-10&year=2026', 'HQ_ERR_VALIDATION'],
      ['/reports/assessment?quarter=2027-Q1', 'HQ_ERR_REPORT_PERIOD_IN_FUTURE'],
      ['/reports/indicators?from=2026-10-21&to=2026-10-01', 'HQ_ERR_REPORT_RANGE_INVERTED'],
      ['/reports/indicators?from=2000-01-01&to=2026-10-21', 'HQ_ERR_REPORT_RANGE_TOO_LONG'],
      ['/reports/estimates?from=2025-01-01&to=2026-10-21', 'HQ_ERR_REPORT_RANGE_TOO_LONG'],
      ['/reports/staffing?date=2026-13-01', 'HQ_ERR_VALIDATION'],
      ['/reports/monthly.xlsx?month=2026-12', 'HQ_ERR_REPORT_PERIOD_IN_FUTURE'],
      ['/reports/monthly.csv?month=2026-10&table=secrets', 'HQ_ERR_VALIDATION'],
      ['/assessment/deductions?month=2027-01', 'HQ_ERR_REPORT_PERIOD_IN_FUTURE'],
    ];
    for (const [path, code] of cases) {
      const r = await api(h.url, 'GET', path, { token: manager });
      expect(r.status, path).toBe(400);
      expect(r.body.error.code, path).toBe(code);
      expect(r.body.error.message, path).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    }
  });
});
