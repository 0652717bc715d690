import type { Followup, RatingState } from './ratings.ts';
import type { DeepReadonly } from './readonly.ts';

/** The hall's state as the engine sees it. Plain data; `evolve` is the only writer. */

export type TicketId = string;
export type ServiceId = string;
export type WindowId = number;
export type StaffId = string;
export type CallId = string;

/** Personal data as the hub keeps it (DESIGN §5): never the ID number itself. */
export interface Holder {
  /** HMAC-SHA256 of the ID number under the hall's key: per-ID limits, appointment match. */
  hmac: string;
  /** `**************1234`: the last four only */
  idMasked: string;
  /** `张*三` */
  nameMasked: string;
  birthYear: number;
}

export type ServiceStatus = 'waiting' | 'called' | 'serving' | 'done' | 'transferred' | 'cancelled' | 'no_show' | 'abandoned_at_close';
export const FINAL_SERVICE_STATUSES: ReadonlySet<ServiceStatus> = new Set([
  'done',
  'transferred',
  'cancelled',
  'no_show',
  'abandoned_at_close',
]);

/** The ticket a resident holds for the whole visit (`B012`). */
export interface Ticket {
  id: TicketId;
  number: string;
  prefix: string;
  serial: number;
  businessDate: string;
  /** Category of the current service (changes on transfer). */
  categoryId: string;
  priorityGroup: string | null;
  /** `age` (from the card), `guide` (set by staff) or null. */
  priorityBy: 'age' | 'guide' | null;
  holder: Holder | null;
  phoneMasked: string | null;
  appointmentCode: string | null;
  source: 'kiosk' | 'guide' | 'appointment' | 'sms';
  /** The kiosk it was issued at: its printer prints (and reprints) the ticket. */
  kioskId?: string | null;
  issuedAt: number;
  /** Arrival order (the seq of its issue): a transfer that keeps its place keeps this. */
  arrival: number;
  /** The estimate printed on the ticket (its accuracy is measured against the real wait). */
  estimate?: { ahead: number; minutes: number; low: number; high: number };
  /** Issued in an extended (延时) session. */
  extended: boolean;
  /** Mirrors the current service; terminal once `done`, `no_show`, `cancelled` or `abandoned_at_close`. */
  status: ServiceStatus;
  serviceIds: ServiceId[];
  currentServiceId: ServiceId;
}

/** One stay at one window under a ticket; a transfer ends one service and opens the next. */
export interface Service {
  id: ServiceId;
  ticketId: TicketId;
  categoryId: string;
  /** Set when transferred to a specific window: only that window calls it. */
  targetWindowId: WindowId | null;
  status: ServiceStatus;
  waitingSince: number;
  /** Queue position key, in log order: smaller goes first within its category and priority class. */
  orderKey: number;
  /** Since when it counts as waiting, for weighing categories against each other (a time). */
  queuedAt: number;
  /** When this service began to wait, in log order (its issue or its transfer): "waited longest" for the max-wait rule. */
  waitSeq?: number;
  windowId: WindowId | null;
  staffId: StaffId | null;
  calledAt: number | null;
  /** The latest call or recall (calledAt stays the first). */
  lastCalledAt?: number | null;
  callId: CallId | null;
  recalls: number;
  startedAt: number | null;
  endedAt: number | null;
  caseNo: string | null;
  itemCode: string | null;
  /** Set on a service opened by a transfer: where it came from and the clerk's note, for the next window's console. */
  transfer?: { fromWindowId: WindowId; fromCategoryId: string; staffId: StaffId | null; note: string | null; at: number } | null;
}

export interface WindowState {
  id: WindowId;
  status: 'closed' | 'open' | 'paused';
  staffId: StaffId | null;
  role: 'A' | 'B' | null;
  pauseReason: string | null;
  currentServiceId: ServiceId | null;
  /** Consecutive priority calls at this window, for the N:1 rule. */
  priorityStreak: number;
  since: number | null;
}

/**
 * `booked` is live; the rest are ends: checked in on time (`checked_in`), turned into a normal ticket
 * for coming late (`late`), cancelled, or `missed` (never came, or voided for lateness: both count as
 * a no-show). Rows from before booking had no status: a ticket means checked in.
 */
export type AppointmentStatus = 'booked' | 'checked_in' | 'late' | 'cancelled' | 'missed';

/** Who made a booking: the guide desk or console (staff), the public page, or the provincial app. */
export type BookingChannel = 'staff' | 'public' | 'integration';

export interface Appointment {
  code: string;
  categoryId: string;
  slotStart: number;
  slotEnd: number;
  holderHmac: string | null;
  nameMasked: string | null;
  /** `**************1234`: the public page's proof (code + last four) and what staff see. */
  idMasked?: string | null;
  phoneMasked: string | null;
  bookedAt: number;
  ticketId: TicketId | null;
  status?: AppointmentStatus;
  channel?: BookingChannel;
  /** The device that pushed it (the provincial app may cancel only its own). */
  byDevice?: string | null;
  endedAt?: number | null;
}

export function appointmentStatus(a: { status?: AppointmentStatus; ticketId: TicketId | null }): AppointmentStatus {
  return a.status ?? (a.ticketId ? 'checked_in' : 'booked');
}

export interface CategoryStats {
  /** Moving average of service minutes (start to end). */
  avgServiceMin: number;
  samples: number;
}

export interface HallState {
  tickets: Map<TicketId, Ticket>;
  services: Map<ServiceId, Service>;
  windows: Map<WindowId, WindowState>;
  /** Last serial per `date|prefix`. */
  counters: Map<string, number>;
  /** Tickets issued per `date|categoryId` (quota). */
  issued: Map<string, number>;
  /**
   * `date|categoryId|hmac` → the holder's latest ticket there. One live ticket per ID per category
   * per day: after a no-show or a cancel the resident may take a new number (过号重新取号).
   */
  holderKeys: Map<string, TicketId>;
  /** Bookings that are live, or ended on the last two dates memory holds; older ones are in SQLite. */
  appointments: Map<string, Appointment>;
  /** No-show times per holder key (booking suspension), for the horizon `pruneFinished` keeps. */
  bookingStrikes: Map<string, number[]>;
  stats: Map<string, CategoryStats>;
  /** Waiting services per category: the index `selectNext` and estimates scan. */
  waiting: Map<string, Set<ServiceId>>;
  /** Scrolling notices set by a manager; null until then (the config's notices apply). */
  notices: string[] | null;
  /** One rating per service, by service id. */
  ratings: Map<ServiceId, RatingState>;
  followups: Map<string, Followup>;
  /** Half-hour flow records made (`date|slot`): a slot is recorded once. */
  flowRecorded: Set<string>;
  /** Categories in congestion now, since when and why. */
  congestion: Map<string, { since: number; measure: string }>;
  /** Recent daily-assessment deductions (to revoke one), by id. */
  deductions: Map<string, { staffId: StaffId; businessDate: string; revoked: boolean }>;
  /** Commitment cases (承诺件) accepted and not yet done, by case number. */
  openCases: Map<string, { promisedBy: string | null; acceptedAt: number }>;
}

/** The hall as readers see it: `decide`, queries and views may not change it. */
export type ReadonlyHallState = DeepReadonly<HallState>;

/**
 * Counts a ticket against its category's daily quota and its holder's one-live-ticket rule: on issue
 * (evolve) and when a date is loaded back from SQLite (projections), by the category it was issued in.
 */
export function noteIssued(state: HallState, t: { id: TicketId; businessDate: string; holder: Holder | null }, issuedIn: string): void {
  const issuedKey = `${t.businessDate}|${issuedIn}`;
  state.issued.set(issuedKey, (state.issued.get(issuedKey) ?? 0) + 1);
  if (t.holder) state.holderKeys.set(`${t.businessDate}|${issuedIn}|${t.holder.hmac}`, t.id);
}

/** A service as it joins a queue: waiting, not yet at any window. */
export function waitingService(id: string, ticketId: string, categoryId: string, targetWindowId: number | null, since: number, orderKey: number, queuedAt: number): Service {
  return {
    id,
    ticketId,
    categoryId,
    targetWindowId,
    status: 'waiting',
    waitingSince: since,
    orderKey,
    queuedAt,
    windowId: null,
    staffId: null,
    calledAt: null,
    callId: null,
    recalls: 0,
    startedAt: null,
    endedAt: null,
    caseNo: null,
    itemCode: null,
  };
}

export function emptyState(): HallState {
  return {
    tickets: new Map(),
    services: new Map(),
    windows: new Map(),
    counters: new Map(),
    issued: new Map(),
    holderKeys: new Map(),
    appointments: new Map(),
    bookingStrikes: new Map(),
    stats: new Map(),
    waiting: new Map(),
    notices: null,
    ratings: new Map(),
    followups: new Map(),
    flowRecorded: new Set(),
    congestion: new Map(),
    deductions: new Map(),
    openCases: new Map(),
  };
}

export function closedWindow(id: WindowId): WindowState {
  return { id, status: 'closed', staffId: null, role: null, pauseReason: null, currentServiceId: null, priorityStreak: 0, since: null };
}

export function formatNumber(prefix: string, serial: number): string {
  return `${prefix}${String(serial).padStart(3, '0')}`;
}

/**
 * Drops finished tickets of business dates before `beforeDate` from memory (they stay in SQLite),
 * so a hub that runs for months holds about what a start-up would load. Returns how many went.
 */
/** How far back no-shows are kept: `booking.noShows.withinDays` + `suspendDays` at their maxima. */
export const STRIKE_HORIZON_DAYS = 120;

export function pruneFinished(state: HallState, beforeDate: string): number {
  let n = 0;
  for (const t of state.tickets.values()) {
    if (t.businessDate >= beforeDate || !FINAL_SERVICE_STATUSES.has(t.status)) continue;
    for (const id of t.serviceIds) {
      state.services.delete(id);
      // A rating still open keeps its timeout; a finished one stays in SQLite.
      if (state.ratings.get(id)?.status !== 'requested') state.ratings.delete(id);
    }
    state.tickets.delete(t.id);
    n++;
  }
  for (const key of state.counters.keys()) if (key.split('|')[0]! < beforeDate) state.counters.delete(key);
  for (const key of state.issued.keys()) if (key.split('|')[0]! < beforeDate) state.issued.delete(key);
  for (const key of state.holderKeys.keys()) if (key.split('|')[0]! < beforeDate) state.holderKeys.delete(key);
  for (const key of state.flowRecorded) if (key.split('|')[0]! < beforeDate) state.flowRecorded.delete(key);
  // What is over is history: SQLite and the log keep it, memory lets it go.
  for (const [id, f] of state.followups) if (f.status === 'closed') state.followups.delete(id);
  const dayBefore = Date.parse(`${beforeDate}T00:00:00Z`) - 24 * 3600_000;
  for (const [code, a] of state.appointments) {
    const ticket = a.ticketId ? state.tickets.get(a.ticketId) : undefined;
    const status = appointmentStatus(a);
    // A booking that ended (cancelled, missed) lets go with its date; one checked in, with its ticket.
    const ended = (status === 'cancelled' || status === 'missed') && a.slotEnd < Date.parse(`${beforeDate}T00:00:00Z`);
    if ((a.ticketId && !ticket) || ended || a.slotEnd < dayBefore) state.appointments.delete(code);
  }
  // Strikes older than the longest suspension rule can reach (60 + 60 days in the schema) count for nothing.
  const strikeHorizon = Date.parse(`${beforeDate}T00:00:00Z`) - STRIKE_HORIZON_DAYS * 24 * 3600_000;
  for (const [hmac, times] of state.bookingStrikes) {
    const kept = times.filter((t) => t >= strikeHorizon);
    if (kept.length === 0) state.bookingStrikes.delete(hmac);
    else if (kept.length !== times.length) state.bookingStrikes.set(hmac, kept);
  }
  return n;
}
