import type { HallConfig } from '../config/schema.ts';
import { businessDate, localTime, openingAt } from '../domain/calendar.ts';
import { probeIssue } from '../domain/decide.ts';
import { aheadOf, estimateFor, openWindowsFor } from '../domain/estimate.ts';
import type { ErrorCode } from '../domain/errors.ts';
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
  /** When issuing stops (the margin before `closesAt`); a screen looks again then. */
  issuingUntil: number | null;
  quotaLeft: number | null;
  /**
   * What a tap would meet now, by the issue rules of `decide`: `open`, `full` (号源已满), `closed`
   * (see `nextOpenAt`), `past_closing` (the wait would run past closing), or `refused` for another rule.
   */
  issue: IssueState;
  /** Windows serving it now (signed in, not paused); 0: 「暂无窗口受理」. */
  openWindows: number;
  /** Windows that serve it, in config order. */
  windows: number[];
  /** 一次性告知: what to bring (hall-rules §7), or null. */
  materials: string | null;
  /** When the longest-waiting ticket of the category began to wait (the longest wait is now − this); null when nobody waits. */
  longestWaitingSince: number | null;
}

export type IssueState = 'open' | 'full' | 'closed' | 'past_closing' | 'refused';

/** The tile state of a category from a probe of the issue rules (the card rule taken as met). */
export function issueStateOf(code: ErrorCode | null): IssueState {
  if (code === null) return 'open';
  if (code === 'HQ_ERR_QUOTA_REACHED') return 'full';
  if (code === 'HQ_ERR_CATEGORY_CLOSED') return 'closed';
  if (code === 'HQ_ERR_WAIT_PAST_CLOSING') return 'past_closing';
  return 'refused';
}

export interface WindowView {
  id: number;
  name: string;
  department: string | null;
  status: 'closed' | 'open' | 'paused';
  pauseReason: string | null;
  currentNumber: string | null;
  currentStatus: string | null;
  /** Only what the window's `screen` config shows: name, job number and photo can each be hidden (never the internal A/B role). */
  staff: { jobNo: string | null; name: string | null; photo: string | null } | null;
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
  /** What is true of it now: still called, being served, missed (过号) or sent on (转号). */
  status: 'called' | 'serving' | 'no_show' | 'transferred';
  /** Where a transferred ticket went. */
  toWindowId: number | null;
  toCategoryId: string | null;
}

/**
 * A category in congestion (应急处置, `hall.congested` until `hall.cleared`). Public screens know the
 * category and since when; the manager's events add what crossed which threshold.
 */
export interface CongestionView {
  categoryId: string;
  since: number;
  measure?: 'waiting' | 'longestWaitMin' | 'estimatedWaitMin';
  value?: number;
  threshold?: number;
}

export interface HallView {
  hall: { name: string; nameEn: string | null; timeZone: string };
  businessDate: string;
  now: number;
  categories: CategoryView[];
  windows: WindowView[];
  notices: string[];
  recentCalls: CallView[];
  /** Categories congested now, the longest first. */
  congested: CongestionView[];
}

export function hallView(state: ReadonlyHallState, config: HallConfig, now: number): HallView {
  const date = businessDate(now, config.hall.timeZone);
  const categories = config.categories.map((c): CategoryView => {
    const waiting = state.waiting.get(c.id)?.size ?? 0;
    const est = estimateFor(state, config, c.id, waiting, now);
    const opening = openingAt(config, c.id, now);
    const issued = state.issued.get(`${date}|${c.id}`) ?? 0;
    const probe = probeIssue(state, config, now, c.id, 'any');
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
      issuingUntil: opening.open ? opening.issuingUntil : null,
      quotaLeft: c.dailyQuota === undefined ? null : Math.max(0, c.dailyQuota - issued),
      issue: issueStateOf(probe.ok ? null : probe.code),
      openWindows: openWindowsFor(state, config, c.id),
      windows: config.windows.filter((w) => w.categories.some((x) => x.id === c.id)).map((w) => w.id),
      materials: c.materials ?? null,
      longestWaitingSince: longestWaitingSince(state, c.id),
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
    // The measure is the manager's (the public form of `hall.congested` has only the category and the time).
    congested: [...state.congestion].map(([categoryId, c]) => ({ categoryId, since: c.since })).sort((a, b) => a.since - b.since),
  };
}

/** When the longest-waiting ticket of a category began to wait, or null when nobody waits. */
export function longestWaitingSince(state: ReadonlyHallState, categoryId: string): number | null {
  let oldest: number | null = null;
  for (const id of state.waiting.get(categoryId) ?? []) {
    const s = state.services.get(id);
    if (s && (oldest === null || s.waitingSince < oldest)) oldest = s.waitingSince;
  }
  return oldest;
}

/** Calls of the day that still matter on a wall: live ones, and missed or transferred ones (how they ended). */
function recentCalls(state: ReadonlyHallState, date: string, n: number): CallView[] {
  const calls: CallView[] = [];
  for (const s of state.services.values()) {
    if (s.calledAt === null || s.callId === null || s.windowId === null) continue;
    if (s.status !== 'called' && s.status !== 'serving' && s.status !== 'no_show' && s.status !== 'transferred') continue;
    const t = state.tickets.get(s.ticketId);
    if (!t || t.businessDate !== date) continue;
    const next = s.status === 'transferred' ? state.services.get(t.serviceIds[t.serviceIds.indexOf(s.id) + 1] ?? '') : undefined;
    // Once the ticket is called at its new window, that call is what is true of it.
    if (s.status === 'transferred' && state.services.get(t.currentServiceId)?.callId) continue;
    calls.push({
      callId: s.callId,
      number: t.number,
      windowId: s.windowId,
      calledAt: s.calledAt,
      lastCalledAt: s.lastCalledAt ?? s.calledAt,
      recalls: s.recalls,
      status: s.status,
      toWindowId: next?.targetWindowId ?? null,
      toCategoryId: next?.categoryId ?? null,
    });
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
  category: { zh: string; en: string } | null;
  /** 一次性告知: what to bring. */
  materials: string | null;
  /** The windows that serve its category now, as the receipt names them. */
  windows: { id: number; name: string }[];
  /** Windows serving its category now; 0: nobody yet (「暂无窗口受理」). */
  openWindows: number;
  /** The booking it was checked in from: its slot, and whether it came late (a normal ticket then). */
  booking?: { slotStart: number; slotEnd: number; late: boolean; label: string } | null;
}

/** The live state of one ticket for its holder (QR status page); `now` places it in the projected call order. */
export function ticketView(state: ReadonlyHallState, config: HallConfig, t: DeepReadonly<Ticket>, now?: number): TicketView {
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
    estimatedWaitMin: s?.status === 'waiting' ? estimateFor(state, config, t.categoryId, ahead, now, { serviceId: s.id }).minutes : 0,
    windowId: s && s.status !== 'waiting' ? s.windowId : null,
    calledAt: s?.calledAt ?? null,
    holderName: t.holder?.nameMasked ?? null,
    ...categoryFacts(config, t.categoryId),
    openWindows: openWindowsFor(state, config, t.categoryId),
    booking: bookingOf(state, config, t),
  };
}

function bookingOf(state: ReadonlyHallState, config: HallConfig, t: DeepReadonly<Ticket>): TicketView['booking'] {
  if (t.source !== 'appointment') return null;
  const a = t.appointmentCode ? state.appointments.get(t.appointmentCode) : [...state.appointments.values()].find((x) => x.ticketId === t.id);
  if (!a) return null;
  // In the hall's zone, whatever the phone's: 「09:00–09:30」.
  const hhmm = (ms: number) => {
    const m = localTime(ms, config.hall.timeZone).minutes;
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  };
  return { slotStart: a.slotStart, slotEnd: a.slotEnd, late: a.status === 'late', label: `${hhmm(a.slotStart)}–${hhmm(a.slotEnd)}` };
}

/** Name, materials and serving windows of a category, as tickets (screen, paper, status page) show them. */
export function categoryFacts(config: HallConfig, categoryId: string): { category: { zh: string; en: string } | null; materials: string | null; windows: { id: number; name: string }[] } {
  const c = config.categories.find((x) => x.id === categoryId);
  return {
    category: c ? { ...c.name } : null,
    materials: c?.materials ?? null,
    windows: config.windows.filter((w) => w.categories.some((x) => x.id === categoryId)).map((w) => ({ id: w.id, name: w.name })),
  };
}
