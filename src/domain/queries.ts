import type { HallConfig } from '../config/schema.ts';
import type { RatingState } from './ratings.ts';
import { businessDate } from './calendar.ts';
import type { SelectionReason } from './events.ts';
import { isPriority, selectNext } from './select-next.ts';
import type { ReadonlyHallState, Service, ServiceId, StaffId, WindowId } from './state.ts';
import type { DeepReadonly } from './readonly.ts';

/**
 * The hall's questions, asked the same way by `decide`, the API, the device hosts and the views.
 * Each is answered from the state alone.
 */

/** The service a window is working on now (called or being served), if any. */
export function liveServiceAt(state: ReadonlyHallState, windowId: WindowId): DeepReadonly<Service> | null {
  const w = state.windows.get(windowId);
  const s = w?.currentServiceId ? state.services.get(w.currentServiceId) : undefined;
  return s && (s.status === 'called' || s.status === 'serving') ? s : null;
}

/** The clerk signed in at a window (open or paused), if any. */
export function signedInAt(state: ReadonlyHallState, windowId: WindowId): StaffId | null {
  const w = state.windows.get(windowId);
  return w && w.status !== 'closed' ? w.staffId : null;
}

/** The rating a window's pad should take now: its newest request that has not expired. */
export function pendingRatingAt(state: ReadonlyHallState, windowId: WindowId, now: number): DeepReadonly<RatingState> | null {
  let latest: DeepReadonly<RatingState> | null = null;
  for (const r of state.ratings.values()) {
    // Requested by `now` (a score given earlier than now rates only what was asked for by then).
    if (r.windowId !== windowId || r.status !== 'requested' || r.expiresAt <= now || r.requestedAt > now) continue;
    if (!latest || r.requestedAt > latest.requestedAt) latest = r;
  }
  return latest;
}

/** People waiting for the categories a window serves. */
export function waitingFor(state: ReadonlyHallState, config: HallConfig, windowId: WindowId): number {
  const win = config.windows.find((w) => w.id === windowId);
  return (win?.categories ?? []).reduce((n, c) => n + (state.waiting.get(c.id)?.size ?? 0), 0);
}

/** The number of a ticket, or '' for one memory no longer holds. */
export function numberOf(state: ReadonlyHallState, ticketId: string): string {
  return state.tickets.get(ticketId)?.number ?? '';
}

/** One waiting ticket as a window's console lists it: in the order `selectNext` would call it, with why. */
export interface QueuedForWindow {
  serviceId: ServiceId;
  number: string;
  categoryId: string;
  priorityGroup: string | null;
  waitingSince: number;
  /** Sent to this very window by a transfer. */
  transferred: boolean;
  appointment: boolean;
  reason: SelectionReason;
}

/**
 * The waiting list of a window, in the order `selectNext` would take it, each with its reason: the
 * first is exactly what 叫号 calls now. Each next one is what `selectNext` picks once those before it
 * are gone, with the priority streak moved as `evolve` moves it. Pure: it reads the state through
 * an overlay and changes nothing.
 */
export function callOrderAt(state: ReadonlyHallState, config: HallConfig, windowId: WindowId, now: number, limit = 30): QueuedForWindow[] {
  const waiting = new Map<string, Set<ServiceId>>();
  for (const [k, v] of state.waiting) waiting.set(k, new Set(v));
  const windows = new Map(state.windows);
  const w0 = state.windows.get(windowId);
  let streak = w0?.priorityStreak ?? 0;
  const out: QueuedForWindow[] = [];
  while (out.length < limit) {
    if (w0) windows.set(windowId, { ...w0, priorityStreak: streak });
    const view = { ...state, waiting, windows } as ReadonlyHallState;
    const sel = selectNext(view, config, windowId, now);
    if (!sel) break;
    const s = sel.service;
    const t = state.tickets.get(s.ticketId);
    out.push({
      serviceId: s.id,
      number: t?.number ?? '',
      categoryId: s.categoryId,
      priorityGroup: t?.priorityGroup ?? null,
      waitingSince: s.waitingSince,
      transferred: s.targetWindowId === windowId,
      appointment: !!t?.appointmentCode,
      reason: sel.reason,
    });
    waiting.get(s.categoryId)?.delete(s.id);
    // As `evolve` folds a call: a normal ticket ends a priority streak, a priority call by the priority rule extends it.
    if (!isPriority(state, s)) streak = 0;
    else if (sel.reason.rule === 'priority') streak += 1;
  }
  return out;
}

/** A clerk's own day at the console: what they finished and how it was rated. */
export interface ClerkDay {
  served: number;
  /** Mean minutes from call (or start) to completion; null before the first. */
  meanHandlingMin: number | null;
  noShows: number;
  transferred: number;
  ratings: { rated: number; unrated: number; meanLevel: number | null; byLevel: Record<'1' | '2' | '3' | '4' | '5', number> };
}

/** The clerk's counts for the business date of `now` (services they ended, ratings of their services). */
export function clerkDay(state: ReadonlyHallState, config: HallConfig, staffId: StaffId, now: number): ClerkDay {
  const tz = config.hall.timeZone;
  const today = businessDate(now, tz);
  const isToday = (ms: number | null | undefined) => typeof ms === 'number' && businessDate(ms, tz) === today;
  let served = 0;
  let handlingMs = 0;
  let noShows = 0;
  let transferred = 0;
  for (const s of state.services.values()) {
    if (s.staffId !== staffId || !isToday(s.endedAt)) continue;
    if (s.status === 'done') {
      served++;
      handlingMs += Math.max(0, s.endedAt! - (s.startedAt ?? s.calledAt ?? s.endedAt!));
    } else if (s.status === 'no_show') noShows++;
    else if (s.status === 'transferred') transferred++;
  }
  const byLevel = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let rated = 0;
  let unrated = 0;
  let levels = 0;
  for (const r of state.ratings.values()) {
    if (r.staffId !== staffId || !isToday(r.requestedAt)) continue;
    if (r.status === 'rated' && r.level !== null) {
      rated++;
      levels += r.level;
      byLevel[String(r.level) as keyof typeof byLevel]++;
    } else if (r.status === 'unrated') unrated++;
  }
  return {
    served,
    meanHandlingMin: served > 0 ? Math.round((handlingMs / served / 60_000) * 10) / 10 : null,
    noShows,
    transferred,
    ratings: { rated, unrated, meanLevel: rated > 0 ? Math.round((levels / rated) * 100) / 100 : null, byLevel },
  };
}
