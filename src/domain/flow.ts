import type { HallConfig } from '../config/schema.ts';
import { instantOf, minutesOf, sessionsOn } from './calendar.ts';
import type { DeepReadonly } from './readonly.ts';
import type { ReadonlyHallState, Service } from './state.ts';

/**
 * The half-hour flow record (DB3310/T 58 §5.2.6: monitor the flow every working day, record it every
 * half hour). A day's slots are the :00/:30 steps inside its sessions, from the hall's and every
 * category's sessions. Each record covers everything since the previous one ended, so the first slot
 * of the day also takes what happened before opening (an appointment checked in early), a slot after
 * lunch takes the lunch gap, and the day's `close` record takes what came after the last session (the
 * last residents served after closing time). So a day's records add up to the day.
 */
export interface DaySlot {
  /** Minutes after local midnight where the slot starts; the key of the record. */
  slot: number;
  /** Instants covered: [from, to). A record is made at `to`; anything at that very instant belongs to the next slot. */
  from: number;
  to: number;
  extended: boolean;
}

export const CLOSE_SLOT = 24 * 60;

/** The slots of a business date, in order; the last is the `close` pseudo-slot up to local midnight. */
export function slotsOf(config: HallConfig, date: string): DaySlot[] {
  const tz = config.hall.timeZone;
  const sessions = [undefined, ...config.categories.map((c) => c.id)]
    .flatMap((scope) => sessionsOn(config, date, scope))
    .map((s) => ({ start: minutesOf(s.start), end: minutesOf(s.end), extended: s.extended ?? false }))
    .sort((a, b) => a.start - b.start);
  if (sessions.length === 0) return [];
  // The union of the sessions, cut at every :00 and :30.
  const cuts: { start: number; end: number }[] = [];
  let open: { start: number; end: number } | null = null;
  for (const s of sessions) {
    if (open && s.start <= open.end) open.end = Math.max(open.end, s.end);
    else {
      if (open) cuts.push(open);
      open = { start: s.start, end: s.end };
    }
  }
  if (open) cuts.push(open);
  const out: DaySlot[] = [];
  let prevEnd = instantOf(date, 0, tz);
  for (const span of cuts) {
    for (let a = span.start; a < span.end; ) {
      const b = Math.min(span.end, a - (a % 30) + 30);
      // Extended (延时) when every session running at its start is an extended one.
      const running = sessions.filter((s) => s.start <= a && a < s.end);
      const to = instantOf(date, b, tz);
      out.push({ slot: a, from: prevEnd, to, extended: running.length > 0 && running.every((s) => s.extended) });
      prevEnd = to;
      a = b;
    }
  }
  out.push({ slot: CLOSE_SLOT, from: prevEnd, to: instantOf(date, 24 * 60, tz), extended: false });
  return out;
}

/** One category's or one window's figures for a slot. Waits and handling are in seconds. */
export interface FlowRow {
  /** Category id, or window id as a string. */
  id: string;
  issued: number;
  called: number;
  served: number;
  noShow: number;
  transfersIn: number;
  transfersOut: number;
  /** Still waiting when the slot ended. */
  waitingEnd: number;
  waitMax: number;
  waitMean: number;
  waitP90: number;
  handleMean: number;
  /** Issued by appointment check-in, and in an extended session (counted apart). */
  appointments: number;
  extendedIssued: number;
  /** Windows only: whether it was open at the end of the slot (or, filled in later, active in it), and by whom. */
  open?: boolean;
  staffId?: string | null;
}

export interface FlowFigures {
  categories: FlowRow[];
  windows: FlowRow[];
  /** Windows open and clerks signed in at the end of the slot (live) or active in it (filled in later). */
  windowsOpen: number;
  clerks: number;
}

type S = DeepReadonly<Service>;

function emptyRow(id: string): FlowRow {
  return { id, issued: 0, called: 0, served: 0, noShow: 0, transfersIn: 0, transfersOut: 0, waitingEnd: 0, waitMax: 0, waitMean: 0, waitP90: 0, handleMean: 0, appointments: 0, extendedIssued: 0 };
}

const inSlot = (t: number | null | undefined, from: number, to: number) => t !== null && t !== undefined && t >= from && t < to;

/**
 * A slot's figures, from the state alone (today's and yesterday's services are in memory). `live`:
 * recorded at its end, so the windows' state now is the state at the end of the slot.
 */
export function computeFlow(state: ReadonlyHallState, config: HallConfig, date: string, slot: DaySlot, live: boolean): FlowFigures {
  const cats = new Map<string, FlowRow>();
  const wins = new Map<number, FlowRow>();
  const waits = new Map<string, number[]>();
  const winWaits = new Map<number, number[]>();
  const handles = new Map<string, number[]>();
  const winHandles = new Map<number, number[]>();
  const cat = (id: string) => cats.get(id) ?? (cats.set(id, emptyRow(id)), cats.get(id)!);
  const win = (id: number) => wins.get(id) ?? (wins.set(id, emptyRow(String(id))), wins.get(id)!);
  const push = <K>(m: Map<K, number[]>, k: K, v: number) => (m.get(k) ?? (m.set(k, []), m.get(k)!)).push(v);
  const { from, to } = slot;

  for (const t of state.tickets.values()) {
    if (t.businessDate !== date) continue;
    const first = state.services.get(t.serviceIds[0] ?? '');
    if (inSlot(t.issuedAt, from, to)) {
      const r = cat(first?.categoryId ?? t.categoryId);
      r.issued++;
      if (t.source === 'appointment') r.appointments++;
      if (t.extended) r.extendedIssued++;
    }
    for (const [i, id] of t.serviceIds.entries()) {
      const s: S | undefined = state.services.get(id);
      if (!s) continue;
      if (i > 0 && inSlot(s.waitingSince, from, to)) {
        cat(s.categoryId).transfersIn++;
        if (s.targetWindowId !== null) win(s.targetWindowId).transfersIn++;
      }
      if (inSlot(s.calledAt, from, to)) {
        const wait = Math.max(0, Math.round((s.calledAt! - s.waitingSince) / 1000));
        cat(s.categoryId).called++;
        push(waits, s.categoryId, wait);
        if (s.windowId !== null) {
          win(s.windowId).called++;
          push(winWaits, s.windowId, wait);
        }
      }
      if (inSlot(s.endedAt, from, to)) {
        const w = s.windowId;
        if (s.status === 'done') {
          const handle = Math.max(0, Math.round((s.endedAt! - (s.startedAt ?? s.calledAt ?? s.endedAt!)) / 1000));
          cat(s.categoryId).served++;
          push(handles, s.categoryId, handle);
          if (w !== null) {
            win(w).served++;
            push(winHandles, w, handle);
          }
        } else if (s.status === 'no_show') {
          cat(s.categoryId).noShow++;
          if (w !== null) win(w).noShow++;
        } else if (s.status === 'transferred') {
          cat(s.categoryId).transfersOut++;
          if (w !== null) win(w).transfersOut++;
        }
      }
      // Waiting when the slot ended: began to wait before its end, not called or ended before it.
      const began = s.waitingSince < to;
      const stillWaiting = (s.calledAt === null || s.calledAt >= to) && (s.endedAt === null || s.endedAt >= to);
      if (began && stillWaiting) cat(s.categoryId).waitingEnd++;
    }
  }
  for (const [id, list] of waits) Object.assign(cat(id), waitStats(list));
  for (const [id, list] of winWaits) Object.assign(win(id), waitStats(list));
  for (const [id, list] of handles) cat(id).handleMean = mean(list);
  for (const [id, list] of winHandles) win(id).handleMean = mean(list);

  let windowsOpen = 0;
  const clerks = new Set<string>();
  for (const wc of config.windows) {
    const ws = state.windows.get(wc.id);
    const openNow = live && ws !== undefined && ws.status !== 'closed';
    const active = wins.has(wc.id);
    if (!openNow && !active) continue;
    const row = win(wc.id);
    row.open = openNow || active;
    row.staffId = (openNow ? ws?.staffId : null) ?? null;
    windowsOpen++;
    if (row.staffId) clerks.add(row.staffId);
  }
  const byId = (a: FlowRow, b: FlowRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    categories: [...cats.values()].sort(byId),
    windows: [...wins.values()].sort((a, b) => Number(a.id) - Number(b.id)),
    windowsOpen,
    clerks: clerks.size,
  };
}

function mean(list: number[]): number {
  return list.length === 0 ? 0 : Math.round(list.reduce((a, b) => a + b, 0) / list.length);
}

function waitStats(list: number[]): Pick<FlowRow, 'waitMax' | 'waitMean' | 'waitP90'> {
  const sorted = [...list].sort((a, b) => a - b);
  return { waitMax: sorted.at(-1) ?? 0, waitMean: mean(sorted), waitP90: percentile(sorted, 0.9) };
}

/** Nearest-rank percentile of an ascending list (0 for an empty one). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
