import type { HallConfig, WindowConfig } from '../config/schema.ts';
import { instantOf, localTime, minutesOf, sessionsOn } from './calendar.ts';
import type { DeepReadonly } from './readonly.ts';
import { isPriority, selectNext } from './select-next.ts';
import { waitingService } from './state.ts';
import type { ReadonlyHallState, Service, ServiceId, Ticket, WindowId, WindowState } from './state.ts';

type RService = DeepReadonly<Service>;
type RTicket = DeepReadonly<Ticket>;
type RWindow = DeepReadonly<WindowState>;

const MINUTE = 60_000;

/** From the call to the resident at the counter (the walk, now and then a recall). */
export const CALL_TO_COUNTER_MIN = 0.5;
/** The clerk's wrap-up after a service, and the moment before an idle clerk presses call. */
export const WRAP_UP_MIN = 0.25;
/**
 * Projected calls before the rest is extrapolated: as many as the budget of waiting services
 * scanned allows (`selectNext` scans the group's queue at each call), so a city queue of hundreds
 * stays cheap while a township's or a county's is played out whole.
 */
export const MAX_PROJECTED_CALLS = 120;
export const MIN_PROJECTED_CALLS = 8;
export const PROJECTION_BUDGET = 500;

/** Who is being estimated: a new ticket (its priority group, its appointment checked in), or a service already waiting. */
export type EstimateOf = { priorityGroup: string | null; appointmentCode?: string | null } | { serviceId: ServiceId };

export interface WaitProjection {
  /** Minutes from `at` until it is called. */
  minutes: number;
  /** Calls the hall makes before it (at every window of the group), as projected. */
  callsBefore: number;
}

/**
 * When a ticket would be called if nobody else came (DESIGN §3 "estimates"): the open windows of its
 * group (windows linked by the categories they share) are played forward from `at`. Each window
 * comes free when its service in hand ends (a started one: what is left of the mean, at least half
 * of it, for service times are right-skewed), then calls by `selectNext` itself — transfers to it,
 * appointments, the longest-wait rule, priority and its ratio, category order and weights — and is
 * busy for the category's handling time. The ticket's place in that call order is its position;
 * null when no open window would ever call it.
 */
export function projectWait(state: ReadonlyHallState, config: HallConfig, categoryId: string, at: number, of: EstimateOf, meanOf: (categoryId: string) => number): WaitProjection | null {
  const known = new Map<string, number>();
  const serviceMin = (id: string) => known.get(id) ?? (known.set(id, meanOf(id)), known.get(id)!);
  const group = groupOf(config, categoryId);
  const joinAt = staffedFrom(config, categoryId, at);
  const free = new FreeWindows();
  for (const w of group.windows) {
    const ws = state.windows.get(w.id);
    if (ws?.status === 'open') free.items.push({ id: w.id, at: at + busyFor(state, ws, at, serviceMin) * MINUTE });
    // Before the day's first session or over lunch, the windows signed out come back when the next regular session opens.
    else if (ws?.status !== 'paused' && joinAt !== null) free.items.push({ id: w.id, at: joinAt + WRAP_UP_MIN * MINUTE });
  }
  if (free.size === 0) return null;

  let pool = 0;
  for (const c of group.categories) pool += state.waiting.get(c)?.size ?? 0;
  // Each projected call scans the queue (selectNext): a long one gets fewer calls, then the rest as a fluid.
  const maxCalls = Math.min(MAX_PROJECTED_CALLS, Math.floor(PROJECTION_BUDGET / Math.max(1, pool)));
  const ghost = 'serviceId' in of ? null : { service: ghostService(categoryId, at), ticket: ghostTicket(categoryId, of.priorityGroup, of.appointmentCode ?? null, at) };
  const target = 'serviceId' in of ? of.serviceId : GHOST;
  const services = new WithOne<ServiceId, RService>(state.services, GHOST, ghost?.service);
  const tickets = new WithOne<string, RTicket>(state.tickets, GHOST, ghost?.ticket);
  if (maxCalls < MIN_PROJECTED_CALLS) return fluid({ ...state, services, tickets }, group, target, at, free, serviceMin, 0);

  free.heapify();
  const windows = new Map<WindowId, RWindow>();
  for (const f of free.items) windows.set(f.id, state.windows.get(f.id) ?? { id: f.id, status: 'closed', staffId: null, role: null, pauseReason: null, currentServiceId: null, priorityStreak: 0, since: null });
  const waiting = new Map<string, Set<ServiceId>>();
  for (const c of group.categories) waiting.set(c, new Set(state.waiting.get(c)));
  if (ghost) waiting.get(categoryId)?.add(GHOST);
  const view: ReadonlyHallState = { ...state, waiting, windows, services, tickets };
  for (let calls = 0; free.size > 0; ) {
    const w = free.peek();
    const sel = selectNext(view, config, w.id, w.at);
    if (!sel) {
      // Nothing left this window may call: it waits for newcomers, which a projection does not invent.
      free.pop();
      continue;
    }
    if (sel.service.id === target) return { minutes: (w.at - at) / MINUTE, callsBefore: calls };
    if (++calls > maxCalls) return fluid(view, group, target, at, free, serviceMin, calls);
    waiting.get(sel.service.categoryId)?.delete(sel.service.id);
    // As `evolve` folds a call: a normal ticket ends a priority streak, a call by the priority rule extends it.
    const ws = windows.get(w.id)!;
    const streak = !isPriority(view, sel.service) ? 0 : sel.reason.rule === 'priority' ? ws.priorityStreak + 1 : ws.priorityStreak;
    if (streak !== ws.priorityStreak) windows.set(w.id, { ...ws, priorityStreak: streak });
    free.pop();
    free.push({ id: w.id, at: w.at + (CALL_TO_COUNTER_MIN + serviceMin(sel.service.categoryId) + WRAP_UP_MIN) * MINUTE });
  }
  return null;
}

/**
 * When the windows signed out are expected back: the start of the category's next regular session
 * today, while it is before the day's first session or in an extended (lunch, Saturday) one, which
 * only the duty windows staff; null otherwise (a window closed in a regular session: nothing says when).
 */
export function staffedFrom(config: HallConfig, categoryId: string, at: number): number | null {
  const tz = config.hall.timeZone;
  const now = localTime(at, tz);
  const sessions = sessionsOn(config, now.date, categoryId);
  const current = sessions.find((s) => minutesOf(s.start) <= now.minutes && now.minutes < minutesOf(s.end));
  if (current && !current.extended) return null;
  const next = sessions.filter((s) => !s.extended && minutesOf(s.start) > now.minutes).map((s) => minutesOf(s.start));
  return next.length === 0 ? null : Math.max(at, instantOf(now.date, Math.min(...next), tz));
}

/** Minutes until an open window can call again: its service in hand, or a moment when idle. */
function busyFor(state: ReadonlyHallState, ws: RWindow, at: number, serviceMin: (categoryId: string) => number): number {
  const s = ws.currentServiceId ? state.services.get(ws.currentServiceId) : undefined;
  if (!s || (s.status !== 'called' && s.status !== 'serving')) return WRAP_UP_MIN;
  const mean = serviceMin(s.categoryId);
  if (s.status === 'called' || s.startedAt === null) return CALL_TO_COUNTER_MIN + mean + WRAP_UP_MIN;
  const elapsed = Math.max(0, (at - s.startedAt) / MINUTE);
  return Math.max(mean - elapsed, mean / 2) + WRAP_UP_MIN;
}

/**
 * Past the projection's budget, the rest as a fluid: the work of those still ahead of it in the
 * group, shared among the windows from the moments they come free. Ahead: for a booked ticket, the
 * bookings with an earlier slot; else priority first, then who has waited longer (as weighted
 * selection roughly goes), so a newcomer without either is behind everyone.
 */
function fluid(view: ReadonlyHallState, group: Group, target: ServiceId, at: number, free: FreeWindows, serviceMin: (categoryId: string) => number, calls: number): WaitProjection {
  const me = view.services.get(target);
  const mine = me ? isPriority(view, me) : false;
  const myBooking = me ? bookingOf(view, me) : null;
  const behindAll = target === GHOST && !mine && myBooking === null;
  let ahead = 0;
  let work = 0;
  for (const c of group.categories) {
    const ids = view.waiting.get(c);
    if (!ids) continue;
    const perCall = CALL_TO_COUNTER_MIN + serviceMin(c) + WRAP_UP_MIN;
    if (behindAll) {
      const n = ids.size - (ids.has(target) ? 1 : 0);
      ahead += n;
      work += n * perCall;
      continue;
    }
    for (const id of ids) {
      const s = view.services.get(id);
      if (!s || !me || id === target) continue;
      let before: boolean;
      if (myBooking !== null) before = (bookingOf(view, s) ?? Infinity) < myBooking;
      else {
        const theirs = isPriority(view, s);
        before = (theirs && !mine) || (theirs === mine && (s.queuedAt < me.queuedAt || (s.queuedAt === me.queuedAt && s.orderKey < me.orderKey)));
      }
      if (!before) continue;
      ahead++;
      work += perCall;
    }
  }
  const headStart = free.items.reduce((n, f) => n + (f.at - at) / MINUTE, 0);
  return { minutes: (headStart + work) / free.size, callsBefore: calls + ahead };
}

/** The slot start of a service's booking, or null. */
function bookingOf(view: ReadonlyHallState, s: RService): number | null {
  const code = view.tickets.get(s.ticketId)?.appointmentCode;
  return code ? (view.appointments.get(code)?.slotStart ?? null) : null;
}

const GHOST = '\u0000new-ticket';

function ghostService(categoryId: string, at: number): RService {
  // Behind everyone already in the log.
  return { ...waitingService(GHOST, GHOST, categoryId, null, at, Number.MAX_SAFE_INTEGER, at), waitSeq: Number.MAX_SAFE_INTEGER };
}

function ghostTicket(categoryId: string, priorityGroup: string | null, appointmentCode: string | null, at: number): RTicket {
  return {
    id: GHOST,
    number: '',
    prefix: '',
    serial: 0,
    businessDate: '',
    categoryId,
    priorityGroup,
    priorityBy: null,
    holder: null,
    phoneMasked: null,
    appointmentCode,
    source: 'kiosk',
    issuedAt: at,
    arrival: Number.MAX_SAFE_INTEGER,
    extended: false,
    status: 'waiting',
    serviceIds: [GHOST],
    currentServiceId: GHOST,
  };
}

/**
 * A map that reads through to `base`, with one entry of its own (the new ticket) in front. Only
 * `get` and `has` see it, which is all `selectNext` asks of services and tickets.
 */
class WithOne<K, V> extends Map<K, V> {
  readonly #base: ReadonlyMap<K, V>;
  readonly #key: K;
  readonly #value: V | undefined;
  constructor(base: ReadonlyMap<K, V>, key: K, value: V | undefined) {
    super();
    this.#base = base;
    this.#key = key;
    this.#value = value;
  }
  override get(key: K): V | undefined {
    return key === this.#key && this.#value !== undefined ? this.#value : this.#base.get(key);
  }
  override has(key: K): boolean {
    return (key === this.#key && this.#value !== undefined) || this.#base.has(key);
  }
}

/** The windows by the time they come free (then by id): a binary heap, for a city group has a hundred. */
class FreeWindows {
  readonly items: { id: WindowId; at: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  push(x: { id: WindowId; at: number }): void {
    const h = this.items;
    h.push(x);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (byFreeAt(h[i]!, h[p]!) >= 0) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  /** Orders `items` pushed in bulk (a sorted array is a heap). */
  heapify(): void {
    this.items.sort(byFreeAt);
  }
  peek(): { id: WindowId; at: number } {
    return this.items[0]!;
  }
  pop(): { id: WindowId; at: number } {
    const h = this.items;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && byFreeAt(h[l]!, h[m]!) < 0) m = l;
        if (r < h.length && byFreeAt(h[r]!, h[m]!) < 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const byFreeAt = (a: { id: WindowId; at: number }, b: { id: WindowId; at: number }) => a.at - b.at || a.id - b.id;

interface Group {
  windows: readonly WindowConfig[];
  categories: readonly string[];
}

const groups = new WeakMap<HallConfig, Map<string, Group>>();

/**
 * The windows linked to a category through the categories they share, and all their categories:
 * one queue, as the staffing report groups them (`staffingGroups`). Memoised per config object.
 */
export function groupOf(config: HallConfig, categoryId: string): Group {
  let byCategory = groups.get(config);
  if (!byCategory) groups.set(config, (byCategory = new Map()));
  const known = byCategory.get(categoryId);
  if (known) return known;
  const categories = new Set([categoryId]);
  const windows = new Set<WindowConfig>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const w of config.windows) {
      if (windows.has(w) || !w.categories.some((c) => categories.has(c.id))) continue;
      windows.add(w);
      for (const c of w.categories) categories.add(c.id);
      grew = true;
    }
  }
  const group = { windows: [...windows], categories: [...categories] };
  for (const c of categories) byCategory.set(c, group);
  return group;
}
