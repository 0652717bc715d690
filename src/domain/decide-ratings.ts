import { addWorkingDays, businessDate } from './calendar.ts';
import type { CommandOf } from './commands.ts';
import type { DecideContext } from './context.ts';
import { HallqError } from './errors.ts';
import { cleanText } from './free-text.ts';
import type { HallEvent } from './events.ts';
import { BAD_LEVEL, BASE_BAD_REASONS, PROVINCE_PAGE_ACTOR, RATING_LABELS } from './ratings.ts';
import type { DeepReadonly } from './readonly.ts';
import { pendingRatingAt } from './queries.ts';
import type { ReadonlyHallState, Service, WindowState } from './state.ts';

type RService = DeepReadonly<Service>;

/** The request a pad shows when a service ends; it expires into `unrated`, never into a level. */
export function ratingRequested(state: ReadonlyHallState, w: DeepReadonly<WindowState>, s: RService, caseNo: string | null, itemCode: string | null, ctx: DecideContext): HallEvent {
  const staff = w.staffId ? ctx.config.staff.find((x) => x.id === w.staffId) : undefined;
  return {
    type: 'rating.requested',
    data: {
      serviceId: s.id,
      ticketId: s.ticketId,
      number: state.tickets.get(s.ticketId)?.number ?? '',
      windowId: w.id,
      staffId: w.staffId,
      staff: staff ? { name: staff.name, jobNo: staff.id, photo: staff.photo ?? null } : null,
      caseNo,
      itemCode,
      itemName: itemCode ? (ctx.config.ratings.items[itemCode] ?? null) : null,
      requestedAt: ctx.at,
      expiresAt: ctx.at + ctx.config.ratings.timeoutSec * 1000,
    },
  };
}

/** One rating per service, from the pad of its window, within the timeout; a bad one opens a follow-up. */
export function rateService(state: ReadonlyHallState, command: CommandOf<'RateService'>, ctx: DecideContext): HallEvent[] {
  const d = command.data;
  // Only a window's own pad rates its services: the pad is the actor, bound to its window. Where the
  // pad shows the province's page, the province records the rating and reports it (signed) for the service it names.
  const viaPage = d.channel === 'page' && ctx.actor.kind === 'system' && ctx.actor.id === PROVINCE_PAGE_ACTOR;
  if ((d.channel === 'page') !== viaPage) throw new HallqError('HQ_ERR_FORBIDDEN');
  const padWindowId = ctx.actor.kind === 'device' && ctx.actor.deviceKind === 'pad' ? ctx.actor.windowId : undefined;
  if (padWindowId === undefined && !viaPage) throw new HallqError('HQ_ERR_FORBIDDEN');
  // A score given earlier (a key pad on an agent) counts at its own time: what was pending then, if it has not expired since.
  const at = d.givenAt !== undefined && d.givenAt < ctx.at ? d.givenAt : ctx.at;
  // A pad that knows only its window (an HID pad, an RS-485 evaluator) rates the window's pending request.
  const r = d.serviceId !== undefined ? state.ratings.get(d.serviceId) : padWindowId !== undefined ? (pendingRatingAt(state, padWindowId, at) ?? undefined) : undefined;
  if (!r) throw new HallqError('HQ_ERR_RATING_NOT_REQUESTED', { windowId: padWindowId ?? null });
  if (!viaPage && r.windowId !== padWindowId) throw new HallqError('HQ_ERR_NOT_YOUR_PAD', { windowId: r.windowId });
  if (r.status === 'rated') throw new HallqError('HQ_ERR_ALREADY_RATED');
  if (r.status === 'unrated' || at > r.expiresAt) throw new HallqError('HQ_ERR_RATING_EXPIRED');
  if (!Number.isInteger(d.level) || d.level < 1 || d.level > 5) {
    throw new HallqError('HQ_ERR_VALIDATION', { field: 'level' }, { zh: '评价等级应为1至5', en: 'level must be 1 to 5' });
  }
  const offered = new Set<string>([...BASE_BAD_REASONS, ...ctx.config.ratings.extraReasons]);
  const reasons = d.level <= BAD_LEVEL ? [...new Set(d.reasons ?? [])] : [];
  const unknown = reasons.find((x) => !offered.has(x));
  if (unknown !== undefined) throw new HallqError('HQ_ERR_RATING_REASON_UNKNOWN', { reason: unknown });
  // A bad rating from the tablet pad names at least one reason: a mis-tap on 非常不满意 must not open a
  // 15-working-day follow-up against the clerk. Key pads (HID, RS-485) have no way to give one.
  if (d.level <= BAD_LEVEL && d.channel === 'pad' && reasons.length === 0) throw new HallqError('HQ_ERR_RATING_REASON_REQUIRED');
  const ticket = state.tickets.get(r.ticketId);
  const holder = ticket?.holder ? { hmac: ticket.holder.hmac, idMasked: ticket.holder.idMasked, nameMasked: ticket.holder.nameMasked } : null;
  const events: HallEvent[] = [
    {
      type: 'rating.recorded',
      data: {
        ratingId: d.ratingId,
        serviceId: r.serviceId,
        ticketId: r.ticketId,
        number: r.number,
        windowId: r.windowId,
        staffId: r.staffId,
        staffName: r.staffId ? (ctx.config.staff.find((s) => s.id === r.staffId)?.name ?? null) : null,
        caseNo: r.caseNo,
        itemCode: r.itemCode,
        itemName: r.itemCode ? (ctx.config.ratings.items[r.itemCode] ?? null) : null,
        holder,
        level: d.level,
        label: RATING_LABELS[d.level]!.zh,
        reasons,
        comment: d.level <= BAD_LEVEL ? cleanText(d.comment) : null,
        channel: d.channel,
        requestedAt: r.requestedAt,
        ratedAt: at,
      },
    },
  ];
  if (d.level <= BAD_LEVEL) {
    const today = businessDate(ctx.at, ctx.config.hall.timeZone);
    events.push({
      type: 'followup.opened',
      data: {
        followupId: d.followupId,
        ratingId: d.ratingId,
        serviceId: r.serviceId,
        windowId: r.windowId,
        staffId: r.staffId,
        level: d.level,
        deadline: addWorkingDays(ctx.config, today, ctx.config.ratings.followupWorkingDays),
        openedAt: ctx.at,
      },
    });
  }
  return events;
}

export function expireRating(state: ReadonlyHallState, command: CommandOf<'ExpireRating'>, ctx: DecideContext): HallEvent[] {
  const r = state.ratings.get(command.data.serviceId);
  if (!r || r.status !== 'requested' || ctx.at < r.expiresAt) return [];
  return [{ type: 'rating.unrated', data: { serviceId: r.serviceId, ticketId: r.ticketId, number: r.number, windowId: r.windowId, staffId: r.staffId, at: ctx.at } }];
}

/** 回访 (call-back), 核实 (verification), 整改 (rectification); the rectification closes it. */
export function recordFollowup(state: ReadonlyHallState, command: CommandOf<'RecordFollowup'>, ctx: DecideContext): HallEvent[] {
  const f = state.followups.get(command.data.followupId);
  if (!f) throw new HallqError('HQ_ERR_FOLLOWUP_NOT_FOUND');
  if (f.status === 'closed') throw new HallqError('HQ_ERR_FOLLOWUP_CLOSED');
  const note = cleanText(command.data.note);
  if (!note) throw new HallqError('HQ_ERR_VALIDATION', { field: 'note' }, { zh: '请填写处理情况', en: 'write what was done' });
  return [
    {
      type: 'followup.updated',
      data: {
        followupId: f.id,
        step: command.data.step,
        note,
        at: ctx.at,
        by: ctx.actor.id,
        closed: command.data.step === 'rectification',
        // 回访满意率: what the resident said on the call-back.
        ...(command.data.step === 'callback' && command.data.satisfied !== undefined ? { satisfied: command.data.satisfied } : {}),
      },
    },
  ];
}
