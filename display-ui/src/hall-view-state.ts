import type { CallView, HallView, WindowView } from '../../src/api/views.ts';
import type { Envelope, Snapshot } from '../../src/realtime/protocol.ts';

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

type WindowEvent = { windowId: number; staffId?: string | null; reason?: string };

export function applyEnvelope(s: HallScreenState, env: Envelope<string, any>): HallScreenState {
  const hall = s.hall;
  if (!hall) return s;
  const d = env.data;
  switch (env.type) {
    case 'ticket.called': {
      if (s.calls.some((c) => c.callId === d.callId)) return s;
      const call: ShownCall = { callId: d.callId, number: d.number, windowId: d.windowId, calledAt: d.calledAt, recalls: d.recalls, recall: d.recall, fresh: true };
      const calls = [call, ...s.calls.map((c) => ({ ...c, fresh: false }))].slice(0, MAX_CALLS);
      return { ...s, seq: env.seq, calls, hall: withWindow(hall, d.windowId, { currentNumber: d.number, currentStatus: 'called' }) };
    }
    case 'ticket.started':
      return { ...s, seq: env.seq, hall: withWindow(hall, d.windowId, { currentStatus: 'serving' }) };
    case 'ticket.completed':
    case 'ticket.no_show':
      return { ...s, seq: env.seq, hall: withWindow(hall, d.windowId, { currentNumber: null, currentStatus: null }) };
    case 'ticket.transferred':
      return { ...s, seq: env.seq, hall: withWindow(hall, d.fromWindowId, { currentNumber: null, currentStatus: null }) };
    case 'ticket.cancelled':
    case 'ticket.abandoned_at_close':
      return d.windowId === null ? { ...s, seq: env.seq } : { ...s, seq: env.seq, hall: withWindow(hall, d.windowId, { currentNumber: null, currentStatus: null }) };
    case 'window.opened':
      return { ...s, seq: env.seq, hall: withWindow(hall, (d as WindowEvent).windowId, { status: 'open', pauseReason: null }) };
    case 'window.closed':
      return { ...s, seq: env.seq, hall: withWindow(hall, (d as WindowEvent).windowId, { status: 'closed', pauseReason: null, currentNumber: null, currentStatus: null, staff: null }) };
    case 'window.paused':
      return { ...s, seq: env.seq, hall: withWindow(hall, d.windowId, { status: 'paused', pauseReason: d.reason }) };
    case 'window.resumed':
      return { ...s, seq: env.seq, hall: withWindow(hall, d.windowId, { status: 'open', pauseReason: null }) };
    case 'notice.updated':
      return { ...s, seq: env.seq, hall: { ...hall, notices: d.notices } };
    case 'queue.counts': {
      const byId = new Map((d.categories as { id: string; waiting: number; estimatedWaitMin: number }[]).map((c) => [c.id, c]));
      return {
        ...s,
        hall: { ...hall, categories: hall.categories.map((c) => (byId.has(c.id) ? { ...c, waiting: byId.get(c.id)!.waiting, estimatedWaitMin: byId.get(c.id)!.estimatedWaitMin } : c)) },
      };
    }
    default:
      return env.seq > s.seq && !env.type.startsWith('queue.') ? { ...s, seq: env.seq } : s;
  }
}

function withWindow(hall: HallView, windowId: number, patch: Partial<WindowView>): HallView {
  return { ...hall, windows: hall.windows.map((w) => (w.id === windowId ? { ...w, ...patch } : w)) };
}
