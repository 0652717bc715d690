import type { HallConfig } from '../config/schema.ts';
import { appointmentsOfHolder } from './appointment-index.ts';
import { checkInClosesAt, slotFor, suspendedUntil } from './booking.ts';
import { businessDate, instantOf, localTime, minutesOf, openingAt, sessionsOn } from './calendar.ts';
import type { Actor, CommandOf, HallCommand } from './commands.ts';
import type { DecideContext } from './context.ts';
import { HallqError, type ErrorCode } from './errors.ts';
import { cleanText } from './free-text.ts';
import { FRONT_OFFSET } from './order.ts';
import { aheadOf, aheadOfNew, estimateFor } from './estimate.ts';
import type { Estimate, HallEvent, SelectionReason } from './events.ts';
import { expireRating, rateService, ratingRequested, recordFollowup } from './decide-ratings.ts';
import { selectNext } from './select-next.ts';
import { liveServiceAt, numberOf as ticketNumber } from './queries.ts';
import { checkCongestion, completeCase, promisedBy, recordDeduction, recordFlowSlot, revokeDeduction } from './decide-hall-records.ts';
import type { DeepReadonly } from './readonly.ts';
import { appointmentStatus, closedWindow, FINAL_SERVICE_STATUSES, formatNumber, type Holder, type ReadonlyHallState, type Service, type WindowState } from './state.ts';

type HallState = ReadonlyHallState;
type ServiceView = DeepReadonly<Service>;
type WindowView = DeepReadonly<WindowState>;

export type { DecideContext } from './context.ts';

const MINUTE = 60_000;

/**
 * The engine: state + command + clock → events, or a `HallqError` and no change. Pure: it never
 * touches its inputs, the disk or the wall clock. Every hall rule is here, who may act included, so
 * an HTTP route, a keypad and a timer differ only in the actor they pass.
 */
export function decide(state: HallState, command: HallCommand, ctx: DecideContext): HallEvent[] {
  if (WINDOW_COMMANDS.has(command.type)) mayActAtWindow(state, ctx.config, ctx.actor, (command.data as { windowId: number }).windowId, command.type);
  switch (command.type) {
    case 'IssueTicket':
      return issueTicket(state, command, ctx);
    case 'BookAppointment':
      return bookAppointment(state, command, ctx);
    case 'CancelTicket':
      return cancelTicket(state, command, ctx);
    case 'CancelOwnTicket':
      return cancelOwnTicket(state, command, ctx);
    case 'CancelAppointment':
      return cancelAppointment(state, command, ctx);
    case 'ExpireAppointments':
      return expireAppointments(state, ctx);
    case 'OpenWindow':
      return openWindow(state, command, ctx);
    case 'CloseWindow': {
      const w = windowOf(state, ctx, command.data.windowId);
      if (w.status === 'closed') throw new HallqError('HQ_ERR_WINDOW_CLOSED', { windowId: w.id });
      if (busy(state, w)) throw new HallqError('HQ_ERR_WINDOW_BUSY', { windowId: w.id });
      return [{ type: 'window.closed', data: { windowId: w.id, staffId: w.staffId, at: ctx.at } }];
    }
    case 'CallNext':
      return callNext(state, command, ctx);
    case 'CallChosen':
      return callChosen(state, command, ctx);
    case 'CompleteAndCallNext':
      return completeAndCallNext(state, command, ctx);
    case 'Recall':
      return recall(state, command, ctx);
    case 'MarkNoShow': {
      const { w, s } = current(state, ctx, command.data.windowId, ['called']);
      return [{ type: 'ticket.no_show', data: { ticketId: s.ticketId, serviceId: s.id, number: numberOf(state, s), windowId: w.id, staffId: w.staffId, reason: 'clerk', at: ctx.at } }];
    }
    case 'StartService': {
      const { w, s } = current(state, ctx, command.data.windowId, ['called']);
      return [{ type: 'ticket.started', data: { ticketId: s.ticketId, serviceId: s.id, number: numberOf(state, s), windowId: w.id, staffId: w.staffId, startedAt: ctx.at } }];
    }
    case 'CompleteService':
      return complete(state, command.data, ctx).events;
    case 'TransferTicket':
      return transfer(state, command, ctx);
    case 'PauseWindow': {
      const w = openWindowOf(state, ctx, command.data.windowId);
      const reason = cleanText(command.data.reason);
      if (!reason) throw new HallqError('HQ_ERR_PAUSE_REASON_REQUIRED');
      if (busy(state, w)) throw new HallqError('HQ_ERR_WINDOW_BUSY', { windowId: w.id });
      return [{ type: 'window.paused', data: { windowId: w.id, staffId: w.staffId, reason, at: ctx.at } }];
    }
    case 'ResumeWindow': {
      const w = windowOf(state, ctx, command.data.windowId);
      if (w.status !== 'paused') throw new HallqError('HQ_ERR_WINDOW_NOT_PAUSED', { windowId: w.id });
      return [{ type: 'window.resumed', data: { windowId: w.id, staffId: w.staffId, at: ctx.at } }];
    }
    case 'TogglePause': {
      const w = windowOf(state, ctx, command.data.windowId);
      if (w.status === 'paused') return decide(state, { type: 'ResumeWindow', data: { windowId: w.id } }, ctx);
      return decide(state, { type: 'PauseWindow', data: { windowId: w.id, reason: command.data.reason } }, ctx);
    }
    case 'CloseBusinessDay':
      return closeBusinessDay(state, command, ctx);
    case 'RateService':
      return rateService(state, command, ctx);
    case 'ExpireRating':
      return expireRating(state, command, ctx);
    case 'RecordFollowup':
      return recordFollowup(state, command, ctx);
    case 'UpdateNotices':
      return [{ type: 'notice.updated', data: { notices: command.data.notices.map((n) => n.trim()).filter(Boolean) } }];
    case 'RecordClockJump':
      return [{ type: 'clock.jumped', data: { ...command.data, at: ctx.at } }];
    case 'RecordFlowSlot':
      return recordFlowSlot(state, command, ctx);
    case 'CheckCongestion':
      return checkCongestion(state, ctx);
    case 'RecordDeduction':
      return recordDeduction(state, command, ctx);
    case 'RevokeDeduction':
      return revokeDeduction(state, command, ctx);
    case 'CompleteCase':
      return completeCase(state, command, ctx);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** What a kiosk may learn before it asks for a ticket: would one be issued now, and if not, why. */
export type IssueProbe = { ok: true; estimate: Estimate } | { ok: false; code: ErrorCode; detail: Record<string, unknown> | undefined };

/**
 * Runs the issue rules of `decide` without issuing: the tile states of the kiosk (open, full, closed,
 * wait past closing) and the categories a card holder may take. With `holder: 'any'` the card rule
 * is taken as met (a tile says "needs your card", not "closed"). Pure.
 */
export function probeIssue(state: HallState, config: HallConfig, at: number, categoryId: string, holder: Holder | 'any' | null): IssueProbe {
  const data: CommandOf<'IssueTicket'>['data'] = { ticketId: 'probe', serviceId: 'probe', categoryId, source: 'kiosk', ...(holder && holder !== 'any' ? { holder } : {}) };
  try {
    const events = issueTicket(state, { type: 'IssueTicket', data }, { config, at, actor: { kind: 'system', id: 'probe' }, seq: 0 }, holder === 'any');
    const issued = events[0];
    return issued?.type === 'ticket.issued' ? { ok: true, estimate: issued.data.estimate } : { ok: false, code: 'HQ_ERR_INTERNAL', detail: undefined };
  } catch (err) {
    if (err instanceof HallqError) return { ok: false, code: err.code, detail: err.detail };
    throw err;
  }
}

function issueTicket(state: HallState, command: CommandOf<'IssueTicket'>, ctx: DecideContext, assumeCard = false): HallEvent[] {
  const { config, at } = ctx;
  const d = command.data;
  let categoryId = d.categoryId;
  let source: 'kiosk' | 'guide' | 'appointment' | 'sms' = d.source;
  let appointmentCode: string | null = null;

  let code = d.appointmentCode;
  if (code === undefined && d.appointmentByHolder) {
    if (!d.holder) throw new HallqError('HQ_ERR_ID_CARD_REQUIRED');
    code = appointmentOfHolder(state, config, d.holder.hmac, at);
  }
  let late: HallEvent | null = null;
  if (code !== undefined) {
    const appt = state.appointments.get(code);
    if (!appt) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
    const status = appointmentStatus(appt);
    if (status === 'checked_in' || status === 'late') throw new HallqError('HQ_ERR_APPOINTMENT_USED');
    if (status === 'cancelled') throw new HallqError('HQ_ERR_APPOINTMENT_CANCELLED');
    if (status === 'missed') throw new HallqError('HQ_ERR_APPOINTMENT_VOID');
    const opensAt = appt.slotStart - config.queue.appointmentEarlyMin * MINUTE;
    if (at < opensAt) throw new HallqError('HQ_ERR_APPOINTMENT_OUTSIDE_SLOT', { slotStart: appt.slotStart, slotEnd: appt.slotEnd, checkInFrom: opensAt });
    if (appt.holderHmac && d.holder && appt.holderHmac !== d.holder.hmac) throw new HallqError('HQ_ERR_APPOINTMENT_HOLDER_MISMATCH');
    categoryId = appt.categoryId;
    source = 'appointment';
    const graceEnds = appt.slotStart + config.booking.graceMin * MINUTE;
    if (at <= graceEnds) appointmentCode = appt.code;
    else if (config.booking.late === 'void' || at > checkInClosesAt(config, appt)) throw new HallqError('HQ_ERR_APPOINTMENT_VOID', { slotStart: appt.slotStart, graceMin: config.booking.graceMin });
    // Late where the hall gives a normal ticket: a walk-in's number, under a walk-in's rules, at the back.
    else late = { type: 'appointment.late', data: { code: appt.code, ticketId: d.ticketId, at } };
  }
  if (categoryId === undefined) throw new HallqError('HQ_ERR_VALIDATION', { field: 'categoryId' }, { zh: '请选择业务类别', en: 'choose a category' });
  const category = config.categories.find((c) => c.id === categoryId);
  if (!category) throw new HallqError('HQ_ERR_CATEGORY_UNKNOWN', { categoryId });

  const date = businessDate(at, config.hall.timeZone);
  let extended = false;
  if (!appointmentCode) {
    const opening = openingAt(config, category.id, at);
    if (!opening.open) throw new HallqError('HQ_ERR_CATEGORY_CLOSED', { categoryId, nextOpenAt: opening.nextOpenAt });
    extended = opening.session.extended ?? false;
    const issued = state.issued.get(`${date}|${category.id}`) ?? 0;
    if (category.dailyQuota !== undefined && issued >= category.dailyQuota) {
      throw new HallqError('HQ_ERR_QUOTA_REACHED', { categoryId, dailyQuota: category.dailyQuota });
    }
    if (category.requiresIdCard && !d.holder && !assumeCard) throw new HallqError('HQ_ERR_ID_CARD_REQUIRED', { categoryId });
  }
  if (d.holder && config.queue.onePerIdPerCategoryPerDay) {
    const previous = state.tickets.get(state.holderKeys.get(`${date}|${category.id}|${d.holder.hmac}`) ?? '');
    if (previous && !FINAL_SERVICE_STATUSES.has(previous.status)) {
      // The resident has the card in hand: say which number they hold and where it stands (no one else sees this).
      const s = state.services.get(previous.currentServiceId);
      const ahead = s ? aheadOf(state, s) : 0;
      throw new HallqError('HQ_ERR_ONE_PER_ID', {
        categoryId,
        number: previous.number,
        status: previous.status,
        ahead,
        windowId: s && s.status !== 'waiting' ? s.windowId : null,
        estimatedWaitMin: s?.status === 'waiting' ? estimateFor(state, config, s.categoryId, ahead, at, { serviceId: s.id }).minutes : 0,
      });
    }
  }

  let priorityGroup: string | null = null;
  let priorityBy: 'age' | 'guide' | null = null;
  if (d.priorityGroup !== undefined) {
    // Only the guide desk (or the hub itself) sets a priority group; a kiosk gets age priority from the card alone.
    const guideDesk = ctx.actor.kind === 'system' || (ctx.actor.kind === 'staff' && ctx.actor.role !== 'clerk');
    if (!guideDesk) throw new HallqError('HQ_ERR_PRIORITY_GROUP_NOT_ALLOWED');
    if (!config.priorityGroups.some((g) => g.id === d.priorityGroup)) throw new HallqError('HQ_ERR_PRIORITY_GROUP_UNKNOWN', { priorityGroup: d.priorityGroup });
    priorityGroup = d.priorityGroup;
    priorityBy = 'guide';
  } else if (d.holder) {
    // Age from the birth year alone: the hub keeps no birth date (DESIGN §5).
    const age = localTime(at, config.hall.timeZone).year - d.holder.birthYear;
    const group = config.priorityGroups.find((g) => g.source === 'age' && g.minAge !== undefined && age >= g.minAge);
    if (group) {
      priorityGroup = group.id;
      priorityBy = 'age';
    }
  }

  const estimate = estimateFor(state, config, category.id, aheadOfNew(state, category.id, priorityGroup !== null), at, { priorityGroup, appointmentCode });
  if (!appointmentCode && config.schedule.refuseIfWaitPastClose) {
    const lastEnd = Math.max(-1, ...sessionsOn(config, date, category.id).map((s) => minutesOf(s.end)));
    const closesAt = lastEnd >= 0 ? instantOf(date, lastEnd, config.hall.timeZone) : at;
    if (at + estimate.minutes * MINUTE > closesAt) {
      throw new HallqError('HQ_ERR_WAIT_PAST_CLOSING', { categoryId, estimatedWaitMin: estimate.minutes, closesAt });
    }
  }

  const serial = (state.counters.get(`${date}|${category.prefix}`) ?? 0) + 1;
  return [
    ...(late ? [late] : []),
    {
      type: 'ticket.issued',
      data: {
        ticketId: d.ticketId,
        serviceId: d.serviceId,
        number: formatNumber(category.prefix, serial),
        prefix: category.prefix,
        serial,
        businessDate: date,
        categoryId: category.id,
        orderKey: late ? ctx.seq + 1 : ctx.seq,
        priorityGroup,
        priorityBy,
        holder: d.holder ?? null,
        phoneMasked: d.phoneMasked ?? null,
        appointmentCode,
        source,
        kioskId: d.kioskId ?? null,
        issuedAt: at,
        extended,
        estimate,
      },
    },
  ];
}

/** The holder's unused appointment whose check-in window is open now (or the nearest, to explain why not). */
function appointmentOfHolder(state: HallState, config: HallConfig, hmac: string, at: number): string {
  const early = config.queue.appointmentEarlyMin * MINUTE;
  const mine = appointmentsOfHolder(state.appointments, hmac).filter((a) => appointmentStatus(a) === 'booked');
  if (mine.length === 0) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
  const open = mine.find((a) => at >= a.slotStart - early && at <= a.slotEnd);
  if (open) return open.code;
  return mine.sort((a, b) => Math.abs(a.slotStart - at) - Math.abs(b.slotStart - at))[0]!.code;
}

function bookAppointment(state: HallState, command: CommandOf<'BookAppointment'>, ctx: DecideContext): HallEvent[] {
  const d = command.data;
  const { config, at } = ctx;
  if (d.slotEnd !== undefined && !(d.slotEnd > d.slotStart)) throw new HallqError('HQ_ERR_APPOINTMENT_SLOT_INVALID');
  const slot = slotFor(state, config, d.categoryId, d.slotStart, at);
  if (d.slotEnd !== undefined && d.slotEnd !== slot.end) throw new HallqError('HQ_ERR_BOOKING_NOT_A_SLOT', { categoryId: d.categoryId, slotStart: d.slotStart });
  if (state.appointments.has(d.code)) throw new HallqError('HQ_ERR_WRONG_STATE', { code: d.code });
  const hmac = d.holder?.hmac;
  if (hmac) {
    const suspended = suspendedUntil(state, config, hmac, at);
    if (suspended) {
      const until = localTime(suspended.until, config.hall.timeZone).date;
      const { limit, withinDays } = config.booking.noShows;
      throw new HallqError('HQ_ERR_BOOKING_SUSPENDED', { until: suspended.until, untilDate: until, noShows: limit, withinDays }, {
        zh: `${withinDays}天内${limit}次预约未到，${until}前不能预约，可到大厅现场取号`,
        en: `${limit} missed bookings within ${withinDays} days; no booking before ${until}, but you may take a number in the hall`,
      });
    }
    if (config.booking.onePerIdPerCategoryPerDay) {
      const day = localTime(d.slotStart, config.hall.timeZone).date;
      for (const a of appointmentsOfHolder(state.appointments, hmac)) {
        if (a.categoryId !== d.categoryId || appointmentStatus(a) !== 'booked') continue;
        if (localTime(a.slotStart, config.hall.timeZone).date === day) throw new HallqError('HQ_ERR_BOOKING_ONE_PER_ID', { categoryId: d.categoryId, date: day });
      }
    }
  }
  return [
    {
      type: 'appointment.booked',
      data: {
        code: d.code,
        categoryId: d.categoryId,
        slotStart: slot.start,
        slotEnd: slot.end,
        holderHmac: hmac ?? null,
        nameMasked: d.holder?.nameMasked ?? null,
        phoneMasked: d.phoneMasked ?? null,
        bookedAt: at,
        idMasked: d.holder?.idMasked ?? null,
        channel: d.channel ?? 'staff',
        byDevice: ctx.actor.kind === 'device' ? ctx.actor.id : null,
      },
    },
  ];
}

/**
 * Who may cancel a booking: staff at the guide desk or above; the provincial app, its own bookings;
 * the resident on the public page, with the code and the last four characters of the ID number (a
 * wrong four reads as "no such booking", so the page tells a guesser nothing).
 */
function cancelAppointment(state: HallState, command: CommandOf<'CancelAppointment'>, ctx: DecideContext): HallEvent[] {
  const d = command.data;
  const a = state.appointments.get(d.code);
  const actor = ctx.actor;
  let by: 'staff' | 'public' | 'integration';
  if (actor.kind === 'staff') {
    if (actor.role === 'clerk') throw new HallqError('HQ_ERR_FORBIDDEN');
    by = 'staff';
  } else if (actor.kind === 'device') {
    if (actor.deviceKind !== 'booking') throw new HallqError('HQ_ERR_FORBIDDEN');
    if (!a || a.byDevice !== actor.id) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
    by = 'integration';
  } else {
    by = 'public';
  }
  if (!a) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
  if (by === 'public' && !ownerProof(a, d.last4)) throw new HallqError('HQ_ERR_APPOINTMENT_NOT_FOUND');
  if (appointmentStatus(a) !== 'booked') throw new HallqError('HQ_ERR_BOOKING_NOT_LIVE', { status: appointmentStatus(a) });
  return [{ type: 'appointment.cancelled', data: { code: a.code, categoryId: a.categoryId, slotStart: a.slotStart, by, reason: cleanText(d.reason), at: ctx.at } }];
}

/** The public page's proof of a booking: the last four characters of its ID number (a booking without one has none). */
export function ownerProof(a: { idMasked?: string | null }, last4: string | undefined): boolean {
  return !!a.idMasked && !!last4 && last4.length === 4 && a.idMasked.slice(-4).toUpperCase() === last4.toUpperCase();
}

/** Bookings whose check-in has closed end as missed: a no-show, or voided for lateness. */
function expireAppointments(state: HallState, ctx: DecideContext): HallEvent[] {
  const out: HallEvent[] = [];
  const due = [...state.appointments.values()].filter((a) => appointmentStatus(a) === 'booked' && ctx.at > checkInClosesAt(ctx.config, a));
  due.sort((a, b) => a.slotStart - b.slotStart || (a.code < b.code ? -1 : 1));
  for (const a of due) {
    const reason = ctx.config.booking.late === 'void' ? 'late_void' : 'no_show';
    out.push({ type: 'appointment.missed', data: { code: a.code, categoryId: a.categoryId, slotStart: a.slotStart, holderHmac: a.holderHmac, reason, at: ctx.at } });
  }
  return out;
}

/**
 * The resident cancels from the `/t/<id>` page: the page's address is the capability (the id's 72
 * random bits, docs/decisions.md). While waiting or called, not once at the counter.
 */
function cancelOwnTicket(state: HallState, command: CommandOf<'CancelOwnTicket'>, ctx: DecideContext): HallEvent[] {
  return cancelled(state, command.data.ticketId, '本人取消', ctx.at, true);
}

function cancelTicket(state: HallState, command: CommandOf<'CancelTicket'>, ctx: DecideContext): HallEvent[] {
  return cancelled(state, command.data.ticketId, cleanText(command.data.reason), ctx.at, false);
}

/** A ticket cancelled by staff (any time before it ends) or by its holder (while waiting or called: not at the counter). */
function cancelled(state: HallState, ticketId: string, reason: string | null, at: number, byHolder: boolean): HallEvent[] {
  const t = state.tickets.get(ticketId);
  if (!t) throw new HallqError('HQ_ERR_TICKET_NOT_FOUND');
  const s = state.services.get(t.currentServiceId);
  const open = s && (byHolder ? s.status === 'waiting' || s.status === 'called' : !FINAL_SERVICE_STATUSES.has(s.status));
  if (!s || !open) throw new HallqError('HQ_ERR_TICKET_FINISHED', { status: t.status });
  return [
    {
      type: 'ticket.cancelled',
      data: {
        ticketId: t.id,
        serviceId: s.id,
        number: t.number,
        windowId: s.status === 'waiting' ? null : s.windowId,
        staffId: s.status === 'waiting' ? null : s.staffId,
        reason,
        at,
      },
    },
  ];
}

function openWindow(state: HallState, command: CommandOf<'OpenWindow'>, ctx: DecideContext): HallEvent[] {
  const { windowId, staffId, role } = command.data;
  const w = windowOf(state, ctx, windowId);
  const cfg = ctx.config.windows.find((x) => x.id === windowId)!;
  const assigned = role === 'A' ? cfg.staff.a : cfg.staff.b;
  if (assigned !== staffId) throw new HallqError('HQ_ERR_STAFF_NOT_ASSIGNED', { windowId, role });
  if (w.status !== 'closed' && w.staffId === staffId) throw new HallqError('HQ_ERR_WINDOW_ALREADY_OPEN', { windowId });
  // AB角: the other clerk may take over an open window; the handover is recorded.
  const replaced = w.status !== 'closed' ? w.staffId : null;
  return [{ type: 'window.opened', data: { windowId, staffId, role, replacedStaffId: replaced, at: ctx.at } }];
}

function callNext(state: HallState, command: CommandOf<'CallNext'>, ctx: DecideContext): HallEvent[] {
  const w = openWindowOf(state, ctx, command.data.windowId);
  if (busy(state, w)) throw new HallqError('HQ_ERR_WINDOW_BUSY', { windowId: w.id });
  const sel = selectNext(state, ctx.config, w.id, ctx.at);
  if (!sel) return [];
  return [called(state, w, sel.service, command.data.callId, false, sel.reason, ctx.at)];
}

/** 指定叫号: a waiting service of this window's queue, chosen by the clerk; the call says so. */
function callChosen(state: HallState, command: CommandOf<'CallChosen'>, ctx: DecideContext): HallEvent[] {
  const w = openWindowOf(state, ctx, command.data.windowId);
  if (!ctx.config.queue.allowChosenCall) throw new HallqError('HQ_ERR_CHOSEN_CALL_DISABLED');
  if (busy(state, w)) throw new HallqError('HQ_ERR_WINDOW_BUSY', { windowId: w.id });
  const s = state.services.get(command.data.serviceId);
  const win = ctx.config.windows.find((x) => x.id === w.id)!;
  // Only what this window could call next: waiting (a no-show is final and never waits again), one of its categories, not sent to another window.
  if (!s || s.status !== 'waiting' || !win.categories.some((c) => c.id === s.categoryId) || (s.targetWindowId !== null && s.targetWindowId !== w.id)) {
    throw new HallqError('HQ_ERR_CHOSEN_NOT_WAITING', { windowId: w.id });
  }
  return [called(state, w, s, command.data.callId, false, { rule: 'chosen', categoryId: s.categoryId }, ctx.at)];
}

/** 办结: the service ends and the window's pad asks for a rating. */
function complete(state: HallState, d: CommandOf<'CompleteService'>['data'] | CommandOf<'CompleteAndCallNext'>['data'], ctx: DecideContext): { w: WindowView; events: HallEvent[] } {
  const { w, s } = current(state, ctx, d.windowId, ['called', 'serving']);
  if (ctx.config.ratings.requireCase) {
    const missing = [...(d.caseNo ? [] : ['caseNo']), ...(d.itemCode ? [] : ['itemCode'])];
    if (missing.length > 0) throw new HallqError('HQ_ERR_CASE_REQUIRED', { missing });
  }
  const terms = d.case;
  if (terms && !d.caseNo) throw new HallqError('HQ_ERR_VALIDATION', { field: 'caseNo' }, { zh: '有办件类型时须给出办件编号', en: 'a case type needs its case number' });
  if (terms?.type === 'promised' && terms.promisedWorkingDays === undefined)
    throw new HallqError('HQ_ERR_VALIDATION', { field: 'case.promisedWorkingDays' }, { zh: '承诺件须给出承诺办结的工作日数', en: 'a promised case needs its working days' });
  // Counting working days walks the calendar day by day: a limit is bounded (法定时限 are at most months).
  if (terms?.promisedWorkingDays !== undefined && !(Number.isInteger(terms.promisedWorkingDays) && terms.promisedWorkingDays >= 1 && terms.promisedWorkingDays <= 365))
    throw new HallqError('HQ_ERR_VALIDATION', { field: 'case.promisedWorkingDays' }, { zh: '承诺办结工作日数须为1至365的整数', en: 'the working days must be a whole number from 1 to 365' });
  return {
    w,
    events: [
      {
        type: 'ticket.completed',
        data: {
          ticketId: s.ticketId,
          serviceId: s.id,
          number: numberOf(state, s),
          categoryId: s.categoryId,
          windowId: w.id,
          staffId: w.staffId,
          caseNo: d.caseNo ?? null,
          itemCode: d.itemCode ?? null,
          ...(terms ? { caseType: terms.type, promisedBy: terms.type === 'promised' ? promisedBy(ctx, terms.promisedWorkingDays) : null } : {}),
          startedAt: s.startedAt ?? s.calledAt ?? ctx.at,
          endedAt: ctx.at,
        },
      },
      ratingRequested(state, w, s, d.caseNo ?? null, d.itemCode ?? null, ctx),
    ],
  };
}

/**
 * 办结并叫下一位: the completion's events, then the call `CallNext` would make once they are applied.
 * Completing frees the window and touches neither the waiting queue nor the priority streak, so
 * `selectNext` on the state before it picks what it would pick after (a test folds both ways).
 */
function completeAndCallNext(state: HallState, command: CommandOf<'CompleteAndCallNext'>, ctx: DecideContext): HallEvent[] {
  const { w, events } = complete(state, command.data, ctx);
  if (w.status !== 'open') return events;
  const sel = selectNext(state, ctx.config, w.id, ctx.at);
  return sel ? [...events, called(state, w, sel.service, command.data.callId, false, sel.reason, ctx.at)] : events;
}

function called(state: HallState, w: WindowView, s: ServiceView, callId: string, isRecall: boolean, reason: SelectionReason | null, at: number): HallEvent {
  return {
    type: 'ticket.called',
    data: {
      ticketId: s.ticketId,
      serviceId: s.id,
      number: numberOf(state, s),
      categoryId: s.categoryId,
      windowId: w.id,
      staffId: w.staffId,
      callId,
      recall: isRecall,
      recalls: isRecall ? s.recalls + 1 : 0,
      reason,
      calledAt: at,
    },
  };
}

function recall(state: HallState, command: CommandOf<'Recall'>, ctx: DecideContext): HallEvent[] {
  const { w, s } = current(state, ctx, command.data.windowId, ['called']);
  const number = numberOf(state, s);
  if (s.recalls >= ctx.config.queue.recallLimit) {
    // 过号: over the recall limit the number is dead; the resident takes a new one.
    return [{ type: 'ticket.no_show', data: { ticketId: s.ticketId, serviceId: s.id, number, windowId: w.id, staffId: w.staffId, reason: 'recall_limit', at: ctx.at } }];
  }
  return [called(state, w, s, command.data.callId, true, null, ctx.at)];
}

function transfer(state: HallState, command: CommandOf<'TransferTicket'>, ctx: DecideContext): HallEvent[] {
  const d = command.data;
  const { w, s } = current(state, ctx, d.windowId, ['called', 'serving']);
  const ticket = state.tickets.get(s.ticketId)!;
  const both = d.toCategoryId !== undefined && d.toWindowId !== undefined;
  const neither = d.toCategoryId === undefined && d.toWindowId === undefined;
  if (both || neither || d.toWindowId === w.id) throw new HallqError('HQ_ERR_TRANSFER_TARGET');
  let toCategoryId: string;
  let toWindowId: number | null = null;
  if (d.toWindowId !== undefined) {
    const target = ctx.config.windows.find((x) => x.id === d.toWindowId);
    if (!target) throw new HallqError('HQ_ERR_WINDOW_UNKNOWN', { windowId: d.toWindowId });
    toWindowId = target.id;
    // Keep the ticket's category where the target serves it, else the target's first category.
    toCategoryId = target.categories.some((c) => c.id === ticket.categoryId) ? ticket.categoryId : target.categories[0]!.id;
  } else {
    if (!ctx.config.categories.some((c) => c.id === d.toCategoryId)) throw new HallqError('HQ_ERR_CATEGORY_UNKNOWN', { categoryId: d.toCategoryId });
    toCategoryId = d.toCategoryId!;
  }
  const placement = d.placement ?? 'original';
  // Keys in log order: the ticket's own arrival, this moment's place at the back, or before every arrival.
  const orderKey = placement === 'original' ? ticket.arrival : placement === 'back' ? ctx.seq : ctx.seq - FRONT_OFFSET;
  return [
    {
      type: 'ticket.transferred',
      data: {
        ticketId: ticket.id,
        number: ticket.number,
        fromServiceId: s.id,
        toServiceId: d.newServiceId,
        fromWindowId: w.id,
        staffId: w.staffId,
        fromCategoryId: s.categoryId,
        toCategoryId,
        toWindowId,
        placement,
        orderKey,
        waitSeq: ctx.seq,
        note: cleanText(d.note),
        at: ctx.at,
      },
    },
  ];
}

/**
 * Closes business dates up to `businessDate`: every ticket still waiting, called or being served
 * is recorded as abandoned at close, and windows signed in on those dates are signed out.
 */
function closeBusinessDay(state: HallState, command: CommandOf<'CloseBusinessDay'>, ctx: DecideContext): HallEvent[] {
  const today = businessDate(ctx.at, ctx.config.hall.timeZone);
  if (command.data.businessDate > today) throw new HallqError('HQ_ERR_DAY_IN_FUTURE', { businessDate: command.data.businessDate, today });
  const out: HallEvent[] = [];
  const live: Service[] = [];
  for (const t of state.tickets.values()) {
    if (t.businessDate > command.data.businessDate) continue;
    const s = state.services.get(t.currentServiceId);
    if (s && (s.status === 'waiting' || s.status === 'called' || s.status === 'serving')) live.push(s);
  }
  live.sort((a, b) => a.orderKey - b.orderKey || (a.id < b.id ? -1 : 1));
  for (const s of live) {
    const t = state.tickets.get(s.ticketId)!;
    const atWindow = s.status !== 'waiting' ? s.windowId : null;
    out.push({
      type: 'ticket.abandoned_at_close',
      data: {
        ticketId: t.id,
        serviceId: s.id,
        number: t.number,
        categoryId: s.categoryId,
        businessDate: t.businessDate,
        windowId: atWindow,
        staffId: atWindow !== null ? (state.windows.get(atWindow)?.staffId ?? null) : null,
        at: ctx.at,
      },
    });
  }
  const windows = [...state.windows.values()].sort((a, b) => a.id - b.id);
  for (const w of windows) {
    if (w.status === 'closed' || w.since === null) continue;
    if (businessDate(w.since, ctx.config.hall.timeZone) > command.data.businessDate) continue;
    out.push({ type: 'window.closed', data: { windowId: w.id, staffId: w.staffId, at: ctx.at } });
  }
  return out;
}

// --- who may act at a window ----------------------------------------------

const WINDOW_COMMANDS: ReadonlySet<HallCommand['type']> = new Set([
  'OpenWindow',
  'CloseWindow',
  'CallNext',
  'CallChosen',
  'CompleteAndCallNext',
  'Recall',
  'MarkNoShow',
  'StartService',
  'CompleteService',
  'TransferTicket',
  'PauseWindow',
  'ResumeWindow',
  'TogglePause',
]);

/**
 * Who may act at a window: its A or B clerk (and, once it is open, only the one signed in there, so
 * every event credits the clerk who did the work); a manager or admin; its own keypad; its window
 * business system, to complete a service; the hub itself. The API asks the same question before
 * it reads a request's body, so a stranger gets 403, never a 400.
 */
export function mayActAtWindow(state: HallState, config: HallConfig, actor: Actor, windowId: number, command: HallCommand['type']): void {
  const win = config.windows.find((w) => w.id === windowId);
  if (!win) throw new HallqError('HQ_ERR_WINDOW_UNKNOWN', { windowId });
  switch (actor.kind) {
    case 'system':
      return;
    case 'device':
      if (actor.windowId === windowId && actor.deviceKind === 'caller') return;
      // 办结 from the window business system; it calls no one.
      if (actor.windowId === windowId && actor.deviceKind === 'integration' && command === 'CompleteService') return;
      throw new HallqError('HQ_ERR_FORBIDDEN');
    case 'staff': {
      if (actor.role === 'manager' || actor.role === 'admin') return;
      if (actor.role !== 'clerk') throw new HallqError('HQ_ERR_FORBIDDEN');
      if (win.staff.a !== actor.id && win.staff.b !== actor.id) throw new HallqError('HQ_ERR_NOT_YOUR_WINDOW', { windowId });
      const w = state.windows.get(windowId);
      // At a closed window the command answers for itself (窗口未签到); here only "someone else is signed in".
      if (command !== 'OpenWindow' && w && w.status !== 'closed' && w.staffId !== actor.id) throw new HallqError('HQ_ERR_NOT_SIGNED_IN', { windowId });
      return;
    }
    default: {
      const _exhaustive: never = actor;
      return _exhaustive;
    }
  }
}

// --- helpers ---------------------------------------------------------------

function windowOf(state: HallState, ctx: DecideContext, windowId: number): WindowView {
  if (!ctx.config.windows.some((w) => w.id === windowId)) throw new HallqError('HQ_ERR_WINDOW_UNKNOWN', { windowId });
  return state.windows.get(windowId) ?? closedWindow(windowId);
}

function openWindowOf(state: HallState, ctx: DecideContext, windowId: number): WindowView {
  const w = windowOf(state, ctx, windowId);
  if (w.status === 'closed') throw new HallqError('HQ_ERR_WINDOW_CLOSED', { windowId });
  if (w.status === 'paused') throw new HallqError('HQ_ERR_WINDOW_PAUSED', { windowId, reason: w.pauseReason });
  return w;
}

function busy(state: HallState, w: WindowView): boolean {
  return liveServiceAt(state, w.id) !== null;
}

function current(state: HallState, ctx: DecideContext, windowId: number, allowed: Service['status'][]): { w: WindowView; s: ServiceView } {
  const w = windowOf(state, ctx, windowId);
  if (w.status === 'closed') throw new HallqError('HQ_ERR_WINDOW_CLOSED', { windowId });
  const s = w.currentServiceId ? state.services.get(w.currentServiceId) : undefined;
  if (!s || FINAL_SERVICE_STATUSES.has(s.status)) throw new HallqError('HQ_ERR_WINDOW_NO_CURRENT', { windowId });
  if (!allowed.includes(s.status)) throw new HallqError('HQ_ERR_WRONG_STATE', { windowId, status: s.status, allowed });
  return { w, s };
}

function numberOf(state: HallState, s: ServiceView): string {
  return ticketNumber(state, s.ticketId);
}
