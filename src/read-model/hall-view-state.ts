import type { CallView, CategoryView, CongestionView, HallView, WindowView } from './hall-view.ts';
import type { AnyEnvelope, SideMessages, Snapshot } from '../realtime/protocol.ts';

/**
 * What a screen knows of the hall, folded from the snapshot and the envelopes that follow it: the
 * one reducer of the hall wall, the window screens and the kiosk. Pure: pages wrap it in a reactive
 * holder, tests drive it without a browser. It reads only the public form of each event.
 *
 * - One row per call of a ticket at a window: a recall updates its row (and brings it to the top),
 *   it never adds a second one. Each `callId` is applied once, so a replay cannot duplicate a call.
 * - A row says what is true now: called, being served, missed (过号) or transferred (转号, and
 *   where to); a ticket that was completed, cancelled or closed at day's end leaves the list.
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

/** The newest call that still waits for its resident at a window: what the wall shows large. */
export function mainCall(s: HallScreenState): ShownCall | null {
  return s.calls.find((c) => c.status === 'called') ?? null;
}

export function applyEnvelope(s: HallScreenState, env: AnyEnvelope): HallScreenState {
  const hall = s.hall;
  if (!hall) return s;
  switch (env.type) {
    case 'ticket.called': {
      const d = env.data;
      if (s.calls.some((c) => c.callId === d.callId)) return s;
      // A recall (or a new call of the same ticket at the same window) replaces its row.
      const prev = s.calls.find((c) => c.number === d.number && c.windowId === d.windowId && (c.status === 'called' || c.status === 'serving'));
      const call: ShownCall = {
        callId: d.callId,
        number: d.number,
        windowId: d.windowId,
        calledAt: prev?.calledAt ?? d.calledAt,
        lastCalledAt: d.calledAt,
        recalls: d.recalls,
        recall: d.recall,
        fresh: true,
        status: 'called',
        toWindowId: null,
        toCategoryId: null,
      };
      // A transferred ticket called again (at its new window) is no longer "transferred": its old row goes.
      const rest = s.calls.filter((c) => c !== prev && !(c.number === d.number && c.status === 'transferred')).map((c) => (c.fresh ? { ...c, fresh: false } : c));
      const calls = [call, ...rest].slice(0, MAX_CALLS);
      return { ...s, seq: env.seq, calls, hall: withWindow(hall, d.windowId, { currentNumber: d.number, currentStatus: 'called' }) };
    }
    case 'ticket.started': {
      const d = env.data;
      return { ...s, seq: env.seq, calls: withRow(s.calls, d.number, d.windowId, { status: 'serving', fresh: false }), hall: withWindow(hall, d.windowId, { currentStatus: 'serving' }) };
    }
    case 'ticket.completed':
      return { ...s, seq: env.seq, calls: withoutRow(s.calls, env.data.number, env.data.windowId), hall: clearWindow(hall, env.data.windowId, env.data.number) };
    case 'ticket.no_show':
      return { ...s, seq: env.seq, calls: withRow(s.calls, env.data.number, env.data.windowId, { status: 'no_show', fresh: false }), hall: clearWindow(hall, env.data.windowId, env.data.number) };
    case 'ticket.transferred': {
      const d = env.data;
      return {
        ...s,
        seq: env.seq,
        calls: withRow(s.calls, d.number, d.fromWindowId, { status: 'transferred', fresh: false, toWindowId: d.toWindowId, toCategoryId: d.toCategoryId }),
        hall: clearWindow(hall, d.fromWindowId, d.number),
      };
    }
    case 'ticket.cancelled':
    case 'ticket.abandoned_at_close': {
      const windowId = env.data.windowId;
      if (windowId === null) return { ...s, seq: env.seq };
      return { ...s, seq: env.seq, calls: withoutRow(s.calls, env.data.number, windowId), hall: clearWindow(hall, windowId, env.data.number) };
    }
    case 'window.opened':
      return { ...s, seq: env.seq, hall: withOpenCounts(withWindow(hall, env.data.windowId, { status: 'open', pauseReason: null })) };
    case 'window.closed':
      return {
        ...s,
        seq: env.seq,
        hall: withOpenCounts(withWindow(hall, env.data.windowId, { status: 'closed', pauseReason: null, currentNumber: null, currentStatus: null, staff: null })),
      };
    case 'window.paused':
      return { ...s, seq: env.seq, hall: withOpenCounts(withWindow(hall, env.data.windowId, { status: 'paused', pauseReason: env.data.reason })) };
    case 'window.resumed':
      return { ...s, seq: env.seq, hall: withOpenCounts(withWindow(hall, env.data.windowId, { status: 'open', pauseReason: null })) };
    case 'notice.updated':
      return { ...s, seq: env.seq, hall: { ...hall, notices: [...env.data.notices] } };
    case 'hall.congested':
    case 'hall.cleared':
      return { ...s, seq: env.seq, hall: applyCongestion(hall, env) };
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
    hall: {
      ...hall,
      categories: hall.categories.map((c): CategoryView => {
        const n = byId.get(c.id);
        if (!n) return c;
        return {
          ...c,
          waiting: n.waiting,
          estimatedWaitMin: n.estimatedWaitMin,
          ...(n.issue !== undefined ? { issue: n.issue, open: n.issue !== 'closed' } : {}),
          ...(n.openWindows !== undefined ? { openWindows: n.openWindows } : {}),
          ...(n.quotaLeft !== undefined ? { quotaLeft: n.quotaLeft } : {}),
          ...(n.longestWaitingSince !== undefined ? { longestWaitingSince: n.longestWaitingSince } : {}),
        };
      }),
    },
  };
}

/**
 * The congestion alarm (应急处置) folded into a hall view: `hall.congested` adds its category (with
 * what crossed which threshold, where the audience sees it), `hall.cleared` removes it. A screen
 * that shows a banner reads `hall.congested` of the view; the console uses this alone.
 */
export function applyCongestion(hall: HallView, env: AnyEnvelope): HallView {
  const list = hall.congested ?? [];
  if (env.type === 'hall.cleared') return { ...hall, congested: list.filter((c) => c.categoryId !== env.data.categoryId) };
  if (env.type !== 'hall.congested') return hall;
  const d = env.data as { categoryId: string; at: number; measure?: CongestionView['measure']; value?: number; threshold?: number };
  const entry: CongestionView = {
    categoryId: d.categoryId,
    since: d.at,
    ...(d.measure !== undefined ? { measure: d.measure } : {}),
    ...(d.value !== undefined ? { value: d.value } : {}),
    ...(d.threshold !== undefined ? { threshold: d.threshold } : {}),
  };
  return { ...hall, congested: [...list.filter((c) => c.categoryId !== d.categoryId), entry].sort((a, b) => a.since - b.since) };
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
    if (!call || call.number !== w.currentNumber || call.status !== 'called' || played.has(call.callId)) continue;
    if (hubNow - call.lastCalledAt > maxAgeMs) continue;
    out.push(call);
  }
  return out.sort((a, b) => a.lastCalledAt - b.lastCalledAt);
}

function withWindow(hall: HallView, windowId: number, patch: Partial<WindowView>): HallView {
  return { ...hall, windows: hall.windows.map((w) => (w.id === windowId ? { ...w, ...patch } : w)) };
}

/** A ticket left its window: the window shows no number, unless it has moved on to another one already. */
function clearWindow(hall: HallView, windowId: number, number: string): HallView {
  const w = hall.windows.find((x) => x.id === windowId);
  if (!w || (w.currentNumber !== null && w.currentNumber !== number)) return hall;
  return withWindow(hall, windowId, { currentNumber: null, currentStatus: null });
}

/** Windows serving each category now follow the windows' states (the counts that follow refine the minutes). */
function withOpenCounts(hall: HallView): HallView {
  const open = new Set(hall.windows.filter((w) => w.status === 'open').map((w) => w.id));
  return { ...hall, categories: hall.categories.map((c) => ({ ...c, openWindows: (c.windows ?? []).filter((id) => open.has(id)).length })) };
}

function withRow(calls: ShownCall[], number: string, windowId: number, patch: Partial<ShownCall>): ShownCall[] {
  const i = calls.findIndex((c) => c.number === number && c.windowId === windowId);
  if (i < 0) return calls;
  return calls.map((c, j) => (j === i ? { ...c, ...patch } : c));
}

function withoutRow(calls: ShownCall[], number: string, windowId: number): ShownCall[] {
  return calls.filter((c) => !(c.number === number && c.windowId === windowId && (c.status === 'called' || c.status === 'serving')));
}
