import type { CallView, HallView, WindowView } from '../../src/read-model/hall-view.ts';
import type { AnyEnvelope, SideMessages, Snapshot } from '../../src/realtime/protocol.ts';

/**
 * What the hall wall and the window screens show, folded from the snapshot and the envelopes that
 * follow it. Pure: the pages render it, tests drive it without a browser.
 *
 * - Calls are kept newest first, each once (by `callId`), so a replay after a reconnect can never
 *   duplicate or reorder one.
 * - A call is `fresh` (highlighted, announced) only when it arrives live; calls that come with a
 *   snapshot are history and are never shown as new.
 */
export interface ShownCall extends CallView {
  recall: boolean;
  fresh: boolean;
}

export interface HallScreenState {
  hall: HallView | null;
  calls: ShownCall[];
  seq: number;
}

export const MAX_CALLS = 8;

export function emptyScreen(): HallScreenState {
  return { hall: null, calls: [], seq: 0 };
}

export function applySnapshot(_s: HallScreenState, snap: Snapshot): HallScreenState {
  return {
    hall: snap.state,
    seq: snap.seq,
    calls: snap.state.recentCalls.map((c) => ({ ...c, recall: c.recalls > 0, fresh: false })).slice(0, MAX_CALLS),
  };
}

export function applyEnvelope(s: HallScreenState, env: AnyEnvelope): HallScreenState {
  const hall = s.hall;
  if (!hall) return s;
  switch (env.type) {
    case 'ticket.called': {
      const d = env.data;
      if (s.calls.some((c) => c.callId === d.callId)) return s;
      const call: ShownCall = { callId: d.callId, number: d.number, windowId: d.windowId, calledAt: d.calledAt, lastCalledAt: d.calledAt, recalls: d.recalls, recall: d.recall, fresh: true };
      const calls = [call, ...s.calls.map((c) => ({ ...c, fresh: false }))].slice(0, MAX_CALLS);
      return { ...s, seq: env.seq, calls, hall: withWindow(hall, d.windowId, { currentNumber: d.number, currentStatus: 'called' }) };
    }
    case 'ticket.started': {
      const d = env.data;
      return { ...s, seq: env.seq, hall: withWindow(hall, d.windowId, { currentStatus: 'serving' }) };
    }
    case 'ticket.completed':
    case 'ticket.no_show':
      return { ...s, seq: env.seq, hall: withWindow(hall, env.data.windowId, { currentNumber: null, currentStatus: null }) };
    case 'ticket.transferred':
      return { ...s, seq: env.seq, hall: withWindow(hall, env.data.fromWindowId, { currentNumber: null, currentStatus: null }) };
    case 'ticket.cancelled':
    case 'ticket.abandoned_at_close': {
      const windowId = env.data.windowId;
      return windowId === null ? { ...s, seq: env.seq } : { ...s, seq: env.seq, hall: withWindow(hall, windowId, { currentNumber: null, currentStatus: null }) };
    }
    case 'window.opened':
      return { ...s, seq: env.seq, hall: withWindow(hall, env.data.windowId, { status: 'open', pauseReason: null }) };
    case 'window.closed':
      return { ...s, seq: env.seq, hall: withWindow(hall, env.data.windowId, { status: 'closed', pauseReason: null, currentNumber: null, currentStatus: null, staff: null }) };
    case 'window.paused':
      return { ...s, seq: env.seq, hall: withWindow(hall, env.data.windowId, { status: 'paused', pauseReason: env.data.reason }) };
    case 'window.resumed':
      return { ...s, seq: env.seq, hall: withWindow(hall, env.data.windowId, { status: 'open', pauseReason: null }) };
    case 'notice.updated':
      return { ...s, seq: env.seq, hall: { ...hall, notices: env.data.notices } };
    default:
      return env.seq > s.seq ? { ...s, seq: env.seq } : s;
  }
}

/** The waiting counts that follow a burst of changes (not logged; they carry no seq of their own). */
export function applyCounts(s: HallScreenState, counts: SideMessages['queue.counts']): HallScreenState {
  const hall = s.hall;
  if (!hall) return s;
  const byId = new Map(counts.data.categories.map((c) => [c.id, c]));
  return {
    ...s,
    hall: { ...hall, categories: hall.categories.map((c) => (byId.has(c.id) ? { ...c, waiting: byId.get(c.id)!.waiting, estimatedWaitMin: byId.get(c.id)!.estimatedWaitMin } : c)) },
  };
}

/** A missed call older than this is not announced any more: the resident has gone to the window or been passed over. */
export const CATCH_UP_MAX_AGE_MS = 5 * 60_000;

/**
 * The calls a wall should still announce after it was away (a network blip, a hub restart): for
 * each window whose current ticket is still called (not yet being served), its latest call, if it
 * was not played here and is recent. Oldest first. A call that ended meanwhile is not announced.
 */
export function callsToCatchUp(s: HallScreenState, played: ReadonlySet<string>, hubNow: number, maxAgeMs = CATCH_UP_MAX_AGE_MS): ShownCall[] {
  const out: ShownCall[] = [];
  for (const w of s.hall?.windows ?? []) {
    if (w.currentStatus !== 'called' || w.currentNumber === null) continue;
    const call = s.calls.find((c) => c.windowId === w.id);
    if (!call || call.number !== w.currentNumber || played.has(call.callId)) continue;
    if (hubNow - call.lastCalledAt > maxAgeMs) continue;
    out.push(call);
  }
  return out.sort((a, b) => a.lastCalledAt - b.lastCalledAt);
}

function withWindow(hall: HallView, windowId: number, patch: Partial<WindowView>): HallView {
  return { ...hall, windows: hall.windows.map((w) => (w.id === windowId ? { ...w, ...patch } : w)) };
}
