import type { HallConfig } from '../config/schema.ts';
import type { RatingState } from './ratings.ts';
import type { ReadonlyHallState, Service, StaffId, WindowId } from './state.ts';
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
    if (r.windowId !== windowId || r.status !== 'requested' || r.expiresAt <= now) continue;
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
