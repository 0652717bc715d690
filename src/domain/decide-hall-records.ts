import { addWorkingDays, businessDate } from './calendar.ts';
import type { CommandOf } from './commands.ts';
import type { DecideContext } from './context.ts';
import { aheadOfNew, estimateFor } from './estimate.ts';
import { HallqError } from './errors.ts';
import type { HallEvent } from './events.ts';
import { computeFlow, slotsOf } from './flow.ts';
import { cleanText } from './free-text.ts';
import type { ReadonlyHallState } from './state.ts';

/**
 * The hall's own records: the half-hour flow, the congestion alarm, daily-assessment deductions and
 * the end of commitment cases. Pure, like the rest of `decide`.
 */

/** How late a record may be and still count as made at the slot's end (the windows then are the windows at its end). */
const LIVE_WITHIN_MS = 5 * 60_000;

export function recordFlowSlot(state: ReadonlyHallState, command: CommandOf<'RecordFlowSlot'>, ctx: DecideContext): HallEvent[] {
  const { businessDate: date, slot } = command.data;
  const s = slotsOf(ctx.config, date).find((x) => x.slot === slot);
  if (!s) throw new HallqError('HQ_ERR_VALIDATION', { field: 'slot', slot, businessDate: date }, { zh: '该日没有这个时段', en: 'no such slot on that day' });
  if (ctx.at < s.to) throw new HallqError('HQ_ERR_WRONG_STATE', { reason: 'the slot has not ended', slot, businessDate: date });
  // Once per slot: a retry after a crash, or a second timer, records nothing twice.
  if (state.flowRecorded.has(`${date}|${slot}`)) return [];
  const live = ctx.at - s.to <= LIVE_WITHIN_MS;
  const f = computeFlow(state, ctx.config, date, s, live);
  return [{ type: 'flow.recorded', data: { businessDate: date, slot, from: s.from, to: s.to, extended: s.extended, live, ...f } }];
}

type Measure = 'waiting' | 'longestWaitMin' | 'estimatedWaitMin';

/**
 * Congestion (应急处置): a category whose queue crosses a threshold (people waiting, longest wait,
 * estimated wait) raises `hall.congested`; once every measure is back below `clearAt` × its threshold
 * it clears. The gap between the two keeps a queue at the edge from flapping.
 */
export function checkCongestion(state: ReadonlyHallState, ctx: DecideContext): HallEvent[] {
  const cfg = ctx.config.reports.congestion;
  const out: HallEvent[] = [];
  for (const c of ctx.config.categories) {
    const limits = { waiting: cfg.waiting, longestWaitMin: cfg.longestWaitMin, estimatedWaitMin: cfg.estimatedWaitMin, ...cfg.categories[c.id] };
    const ids = state.waiting.get(c.id);
    const waiting = ids?.size ?? 0;
    let longest = 0;
    for (const id of ids ?? []) {
      const s = state.services.get(id);
      if (s) longest = Math.max(longest, (ctx.at - s.waitingSince) / 60_000);
    }
    // The estimate plays the queue forward: worked out only where a threshold asks for it.
    const estimated = limits.estimatedWaitMin === undefined ? 0 : estimateFor(state, ctx.config, c.id, aheadOfNew(state, c.id, false), ctx.at).minutes;
    const values: Record<Measure, number> = { waiting, longestWaitMin: Math.floor(longest), estimatedWaitMin: estimated };
    const current = state.congestion.get(c.id);
    const over = (Object.keys(values) as Measure[]).find((m) => limits[m] !== undefined && values[m] >= limits[m]!);
    if (!current && over) {
      out.push({ type: 'hall.congested', data: { categoryId: c.id, measure: over, value: values[over], threshold: limits[over]!, at: ctx.at } });
    } else if (current) {
      const stillHigh = (Object.keys(values) as Measure[]).some((m) => limits[m] !== undefined && values[m] >= limits[m]! * cfg.clearAt);
      if (!stillHigh) out.push({ type: 'hall.cleared', data: { categoryId: c.id, since: current.since, at: ctx.at } });
    }
  }
  return out;
}

/** A deduction is recorded by a manager, or by a clerk of the supervision window (群众接待和咨询监督窗口), against a clerk. */
export function recordDeduction(state: ReadonlyHallState, command: CommandOf<'RecordDeduction'>, ctx: DecideContext): HallEvent[] {
  const d = command.data;
  mayRecordDeductions(state, ctx);
  const staff = ctx.config.staff.find((s) => s.id === d.staffId);
  if (!staff || staff.role !== 'clerk') throw new HallqError('HQ_ERR_VALIDATION', { field: 'staffId' }, { zh: '只能对窗口工作人员扣分', en: 'deductions are for window clerks' });
  const item = ctx.config.assessment.items.find((i) => i.code === d.itemCode);
  if (!item) throw new HallqError('HQ_ERR_VALIDATION', { field: 'itemCode' }, { zh: '没有这个考核项目', en: 'no such assessment item' });
  const today = businessDate(ctx.at, ctx.config.hall.timeZone);
  if (d.businessDate > today) throw new HallqError('HQ_ERR_DAY_IN_FUTURE', { businessDate: d.businessDate, today });
  if (state.deductions.has(d.deductionId)) throw new HallqError('HQ_ERR_WRONG_STATE', { deductionId: d.deductionId });
  const note = cleanText(d.note);
  if (!note) throw new HallqError('HQ_ERR_VALIDATION', { field: 'note' }, { zh: '请写明扣分事由', en: 'say what happened' });
  const points = d.points ?? item.points;
  if (!(points > 0 && points <= ctx.config.assessment.dailyBase)) throw new HallqError('HQ_ERR_VALIDATION', { field: 'points' }, { zh: '扣分须大于0且不超过日基准分', en: 'points must be above 0 and at most the daily base' });
  return [{ type: 'assessment.deducted', data: { deductionId: d.deductionId, staffId: staff.id, businessDate: d.businessDate, itemCode: item.code, itemName: item.name, points, note, by: ctx.actor.id, at: ctx.at } }];
}

export function revokeDeduction(state: ReadonlyHallState, command: CommandOf<'RevokeDeduction'>, ctx: DecideContext): HallEvent[] {
  mayRecordDeductions(state, ctx);
  const d = state.deductions.get(command.data.deductionId);
  if (!d) throw new HallqError('HQ_ERR_NOT_FOUND', { deductionId: command.data.deductionId });
  if (d.revoked) throw new HallqError('HQ_ERR_WRONG_STATE', { reason: 'already revoked' });
  const reason = cleanText(command.data.reason);
  if (!reason) throw new HallqError('HQ_ERR_VALIDATION', { field: 'reason' }, { zh: '请写明撤销原因', en: 'say why it is revoked' });
  return [{ type: 'assessment.revoked', data: { deductionId: command.data.deductionId, staffId: d.staffId, reason, by: ctx.actor.id, at: ctx.at } }];
}

function mayRecordDeductions(state: ReadonlyHallState, ctx: DecideContext): void {
  const a = ctx.actor;
  if (a.kind === 'system') return;
  if (a.kind === 'staff' && (a.role === 'manager' || a.role === 'admin')) return;
  if (a.kind === 'staff' && a.role === 'clerk') {
    const atRecorderWindow = ctx.config.assessment.recorderWindows.some((w) => state.windows.get(w)?.staffId === a.id && state.windows.get(w)?.status !== 'closed');
    if (atRecorderWindow) return;
  }
  throw new HallqError('HQ_ERR_FORBIDDEN');
}

/** A commitment case is declared done by the window business system (an `integration` device) or a manager. */
export function completeCase(state: ReadonlyHallState, command: CommandOf<'CompleteCase'>, ctx: DecideContext): HallEvent[] {
  const a = ctx.actor;
  const may = a.kind === 'system' || (a.kind === 'device' && a.deviceKind === 'integration') || (a.kind === 'staff' && (a.role === 'manager' || a.role === 'admin'));
  if (!may) throw new HallqError('HQ_ERR_FORBIDDEN');
  const c = state.openCases.get(command.data.caseNo);
  if (!c) throw new HallqError('HQ_ERR_NOT_FOUND', { caseNo: command.data.caseNo, reason: 'no open commitment case with this number' });
  const today = businessDate(ctx.at, ctx.config.hall.timeZone);
  return [{ type: 'case.completed', data: { caseNo: command.data.caseNo, completedAt: ctx.at, promisedBy: c.promisedBy, onTime: c.promisedBy === null ? null : today <= c.promisedBy } }];
}

/** The promise date of a case accepted today with `workingDays` (限时办结: 10, 20 … working days). */
export function promisedBy(ctx: DecideContext, workingDays: number | undefined): string | null {
  if (workingDays === undefined) return null;
  return addWorkingDays(ctx.config, businessDate(ctx.at, ctx.config.hall.timeZone), workingDays);
}
