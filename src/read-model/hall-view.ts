import type { HallConfig } from '../config/schema.ts';
import { businessDate, openingAt } from '../domain/calendar.ts';
import { aheadOf, estimateFor } from '../domain/estimate.ts';
import { liveServiceAt } from '../domain/queries.ts';
import type { DeepReadonly } from '../domain/readonly.ts';
import type { ReadonlyHallState, Service, Ticket } from '../domain/state.ts';

type RService = DeepReadonly<Service>;

/**
 * Public views (GET /hall, GET /tickets/:id, socket snapshots). Masked: no HMAC, no ID fragments,
 * no phone; at most a masked name where a ticket is shown to its own holder.
 */

export interface CategoryView {
  id: string;
  prefix: string;
  name: { zh: string; en: string };
  icon: string | null;
  requiresIdCard: boolean;
  waiting: number;
  estimatedWaitMin: number;
  estimate: { low: number; high: number };
  open: boolean;
  nextOpenAt: number | null;
  closesAt: number | null;
  quotaLeft: number | null;
}

export interface WindowView {
  id: number;
  name: string;
  department: string | null;
  status: 'closed' | 'open' | 'paused';
  pauseReason: string | null;
  currentNumber: string | null;
  currentStatus: string | null;
  /** Only what the window's `screen` config shows: name, job number and photo can each be hidden. */
  staff: { jobNo: string | null; name: string | null; photo: string | null; role: 'A' | 'B' | null } | null;
  idleMessage: string;
  /** Categories the window serves, in its order. */
  categories: string[];
}

export interface CallView {
  callId: string;
  number: string;
  windowId: number;
  calledAt: number;
  /** The latest call or recall of this ticket at this window. */
  lastCalledAt: number;
  recalls: number;
}

export interface HallView {
  hall: { name: string; nameEn: string | null; timeZone: string };
  businessDate: string;
  now: number;
  categories: CategoryView[];
  windows: WindowView[];
  notices: string[];
  recentCalls: CallView[];
}

export function hallView(state: ReadonlyHallState, config: HallConfig, now: number): HallView {
  const date = businessDate(now, config.hall.timeZone);
  const categories = config.categories.map((c): CategoryView => {
    const waiting = state.waiting.get(c.id)?.size ?? 0;
    const est = estimateFor(state, config, c.id, waiting);
    const opening = openingAt(config, c.id, now);
    const issued = state.issued.get(`${date}|${c.id}`) ?? 0;
    return {
      id: c.id,
      prefix: c.prefix,
      name: c.name,
      icon: c.icon ?? null,
      requiresIdCard: c.requiresIdCard,
      waiting,
      estimatedWaitMin: est.minutes,
      estimate: { low: est.low, high: est.high },
      open: opening.open,
      nextOpenAt: opening.open ? null : opening.nextOpenAt,
      closesAt: opening.open ? opening.closesAt : null,
      quotaLeft: c.dailyQuota === undefined ? null : Math.max(0, c.dailyQuota - issued),
    };
  });
  const windows = config.windows.map((w): WindowView => {
    const ws = state.windows.get(w.id);
    const live = liveServiceAt(state, w.id);
    const staff = ws?.staffId ? config.staff.find((s) => s.id === ws.staffId) : undefined;
    return {
      id: w.id,
      name: w.name,
      department: w.department ?? null,
      status: ws?.status ?? 'closed',
      pauseReason: ws?.pauseReason ?? null,
      currentNumber: live ? (state.tickets.get(live.ticketId)?.number ?? null) : null,
      currentStatus: live ? live.status : null,
      staff:
        staff && ws?.status !== 'closed'
          ? {
              jobNo: w.screen.showJobNo ? staff.id : null,
              name: w.screen.showStaffName ? staff.name : null,
              photo: w.screen.showPhoto && staff.photo ? staff.photo : null,
              role: ws?.role ?? null,
            }
          : null,
      idleMessage: w.screen.idleMessage,
      categories: w.categories.map((c) => c.id),
    };
  });
  return {
    hall: { name: config.hall.name, nameEn: config.hall.nameEn ?? null, timeZone: config.hall.timeZone },
    businessDate: date,
    now,
    categories,
    windows,
    notices: [...(state.notices ?? config.notices)],
    recentCalls: recentCalls(state, date, 10),
  };
}

function recentCalls(state: ReadonlyHallState, date: string, n: number): CallView[] {
  const calls: CallView[] = [];
  for (const s of state.services.values()) {
    if (s.calledAt === null || s.callId === null || s.windowId === null) continue;
    const t = state.tickets.get(s.ticketId);
    if (!t || t.businessDate !== date) continue;
    calls.push({ callId: s.callId, number: t.number, windowId: s.windowId, calledAt: s.calledAt, lastCalledAt: s.lastCalledAt ?? s.calledAt, recalls: s.recalls });
  }
  return calls.sort((a, b) => b.lastCalledAt - a.lastCalledAt).slice(0, n);
}

export interface TicketView {
  id: string;
  number: string;
  categoryId: string;
  status: string;
  priorityGroup: string | null;
  issuedAt: number;
  businessDate: string;
  ahead: number;
  estimatedWaitMin: number;
  windowId: number | null;
  calledAt: number | null;
  holderName: string | null;
}

/** The live state of one ticket for its holder (QR status page). */
export function ticketView(state: ReadonlyHallState, config: HallConfig, t: DeepReadonly<Ticket>): TicketView {
  const s: RService | undefined = state.services.get(t.currentServiceId);
  const ahead = s ? aheadOf(state, s) : 0;
  return {
    id: t.id,
    number: t.number,
    categoryId: t.categoryId,
    status: t.status,
    priorityGroup: t.priorityGroup,
    issuedAt: t.issuedAt,
    businessDate: t.businessDate,
    ahead,
    estimatedWaitMin: s?.status === 'waiting' ? estimateFor(state, config, t.categoryId, ahead).minutes : 0,
    windowId: s && s.status !== 'waiting' ? s.windowId : null,
    calledAt: s?.calledAt ?? null,
    holderName: t.holder?.nameMasked ?? null,
  };
}
