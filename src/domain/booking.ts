import type { HallConfig } from '../config/schema.ts';
import { appointmentSlots, appointmentsInSlot } from './appointment-index.ts';
import { addDays, businessDate, instantOf, localTime, minutesOf, sessionsOn } from './calendar.ts';
import { HallqError } from './errors.ts';
import { appointmentStatus, type AppointmentStatus, type ReadonlyHallState } from './state.ts';

/**
 * The slot model (docs/decisions.md, "Booking: the slot model"). Pure: config + state + clock.
 *
 * A category's bookable slots are the half hours of its sessions on a date, counted from each
 * session's start (a last piece shorter than 30 minutes is a slot of its own length). Its rate of
 * service is what the windows that serve it can do: each window gives it its weight's share of its
 * time (weight ÷ the sum of the window's weights, an even split by default), at the category's
 * configured service time (`avgServiceMin`, not the moving average: a booking made must not become an
 * overbooking because this week's clerks were slow). `booking.walkInShare` of that is held for
 * residents who walk in. The rest is spread over the day by whole residents: a slot's capacity is
 * floor(cumulative capacity at its end) − floor(at its start), so a slow category still gets one
 * booking every few slots instead of none, and a day's capacities add up to the day's whole part.
 */
export const SLOT_MIN = 30;
const MINUTE = 60_000;

export interface SlotShape {
  /** Instants (ms). */
  start: number;
  end: number;
  capacity: number;
}

export interface SlotView extends SlotShape {
  booked: number;
  free: number;
}

/** Residents a minute the category's windows can serve (before the walk-in share). */
export function serviceRate(config: HallConfig, categoryId: string): number {
  const category = config.categories.find((c) => c.id === categoryId);
  if (!category) return 0;
  let windowsEquivalent = 0;
  for (const w of config.windows) {
    const mine = w.categories.find((c) => c.id === categoryId);
    if (!mine) continue;
    const total = w.categories.reduce((n, c) => n + c.weight, 0);
    windowsEquivalent += mine.weight / total;
  }
  return windowsEquivalent / category.avgServiceMin;
}

/** The slots of a category on a local date, with their capacities; none on a holiday or a closed day. */
export function slotsOn(config: HallConfig, categoryId: string, date: string): SlotShape[] {
  const tz = config.hall.timeZone;
  const perMin = serviceRate(config, categoryId) * (1 - config.booking.walkInShare);
  const sessions = [...sessionsOn(config, date, categoryId)].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
  const out: SlotShape[] = [];
  let cumulative = 0;
  for (const s of sessions) {
    const end = minutesOf(s.end);
    for (let m = minutesOf(s.start); m < end; m += SLOT_MIN) {
      const to = Math.min(end, m + SLOT_MIN);
      const before = Math.floor(cumulative + 1e-9);
      cumulative += (to - m) * perMin;
      out.push({ start: instantOf(date, m, tz), end: instantOf(date, to, tz), capacity: Math.floor(cumulative + 1e-9) - before });
    }
  }
  return out;
}

/** A booking that holds its place in its slot: live, or checked in (not cancelled, not missed). */
function holdsPlace(a: { status?: AppointmentStatus; ticketId: string | null }): boolean {
  const s = appointmentStatus(a);
  return s !== 'cancelled' && s !== 'missed';
}

/** Live bookings (and those checked in: they hold their place) per slot start, of one category. */
function bookedBySlot(state: ReadonlyHallState, categoryId: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const a of state.appointments.values()) {
    if (a.categoryId !== categoryId || !holdsPlace(a)) continue;
    out.set(a.slotStart, (out.get(a.slotStart) ?? 0) + 1);
  }
  return out;
}

/** The category's slots on a date with what is booked and free; slots that have begun are left out. */
export function slotViews(state: ReadonlyHallState, config: HallConfig, categoryId: string, date: string, at: number): SlotView[] {
  const booked = bookedBySlot(state, categoryId);
  return slotsOn(config, categoryId, date)
    .filter((s) => s.start > at)
    .map((s) => {
      const n = booked.get(s.start) ?? 0;
      return { ...s, booked: n, free: Math.max(0, s.capacity - n) };
    });
}

/** The dates a resident may book now: today and `booking.daysAhead` after it. */
export function bookableDates(config: HallConfig, at: number): string[] {
  const today = businessDate(at, config.hall.timeZone);
  return Array.from({ length: config.booking.daysAhead + 1 }, (_, i) => addDays(today, i));
}

/** The first free slots from `at` on (for a 409's answer and the pages), at most `limit`. */
export function freeSlots(state: ReadonlyHallState, config: HallConfig, categoryId: string, at: number, limit = 8): SlotView[] {
  const out: SlotView[] = [];
  for (const date of bookableDates(config, at)) {
    for (const s of slotViews(state, config, categoryId, date, at)) {
      if (s.free > 0) out.push(s);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

export function isBookable(config: HallConfig, categoryId: string): boolean {
  return !config.booking.walkInOnly.includes(categoryId);
}

/**
 * The slot a booking for `slotStart` takes, or the rule it breaks. Order: the category, the past, how
 * far ahead, the day (holiday, closed), the slot itself, then its capacity (409 with the free slots).
 */
export function slotFor(state: ReadonlyHallState, config: HallConfig, categoryId: string, slotStart: number, at: number): SlotShape {
  if (!config.categories.some((c) => c.id === categoryId)) throw new HallqError('HQ_ERR_CATEGORY_UNKNOWN', { categoryId });
  if (!isBookable(config, categoryId)) throw new HallqError('HQ_ERR_BOOKING_WALK_IN_ONLY', { categoryId });
  if (!Number.isFinite(slotStart)) throw new HallqError('HQ_ERR_BOOKING_NOT_A_SLOT', { categoryId });
  if (slotStart <= at) throw new HallqError('HQ_ERR_BOOKING_IN_PAST', { categoryId, slotStart });
  const tz = config.hall.timeZone;
  const date = localTime(slotStart, tz).date;
  const lastDate = addDays(businessDate(at, tz), config.booking.daysAhead);
  if (date > lastDate) throw new HallqError('HQ_ERR_BOOKING_TOO_FAR', { categoryId, daysAhead: config.booking.daysAhead, lastDate });
  if (config.schedule.holidays?.includes(date)) throw new HallqError('HQ_ERR_BOOKING_HOLIDAY', { date });
  const slots = slotsOn(config, categoryId, date);
  if (slots.length === 0) throw new HallqError('HQ_ERR_BOOKING_DAY_CLOSED', { categoryId, date });
  const slot = slots.find((s) => s.start === slotStart);
  if (!slot) throw new HallqError('HQ_ERR_BOOKING_NOT_A_SLOT', { categoryId, slotStart });
  const booked = appointmentsInSlot(state.appointments, categoryId, slotStart).filter(holdsPlace).length;
  if (booked >= slot.capacity) {
    throw new HallqError('HQ_ERR_BOOKING_SLOT_FULL', {
      categoryId,
      slotStart,
      freeSlots: freeSlots(state, config, categoryId, at).map((s) => ({ start: s.start, end: s.end, free: s.free })),
    });
  }
  return slot;
}

/** Until when booking is suspended for a holder, or null: `limit` no-shows within `withinDays`, counted from the last of them. */
export function suspendedUntil(state: ReadonlyHallState, config: HallConfig, hmac: string, at: number): { until: number; noShows: number } | null {
  const times = [...(state.bookingStrikes.get(hmac) ?? [])].sort((a, b) => a - b);
  const { limit, withinDays, suspendDays } = config.booking.noShows;
  let best: number | null = null;
  for (let i = limit - 1; i < times.length; i++) {
    if (times[i]! - times[i - limit + 1]! <= withinDays * 24 * 60 * MINUTE) {
      const until = times[i]! + suspendDays * 24 * 60 * MINUTE;
      if (until > at && (best === null || until > best)) best = until;
    }
  }
  return best === null ? null : { until: best, noShows: limit };
}

/**
 * When a booking's check-in closes for good: where the hall voids late bookings, at the end of the
 * grace; where it gives a normal ticket, when the category's last session of that day ends (a late
 * resident may come until then).
 */
export function checkInClosesAt(config: HallConfig, a: { categoryId: string; slotStart: number; slotEnd: number }): number {
  const grace = a.slotStart + config.booking.graceMin * MINUTE;
  if (config.booking.late === 'void') return grace;
  return Math.max(grace, categoryDayEnd(config, a.categoryId, a.slotStart), a.slotEnd);
}

/**
 * When the first live booking's check-in closes (Infinity with none): one close time per category and
 * slot, since a slot's bookings share it (the time-zone arithmetic was most of the booking jobs' cost).
 */
export function firstCheckInClose(config: HallConfig, appointments: ReadonlyHallState['appointments']): number {
  let at = Infinity;
  for (const group of appointmentSlots(appointments)) {
    const first = group[0]!;
    const closes = checkInClosesAt(config, first);
    for (const a of group) {
      // A slot's bookings end together, unless the config changed the slot's length between them.
      const c = a.slotEnd === first.slotEnd ? closes : checkInClosesAt(config, a);
      if (c < at && appointmentStatus(a) === 'booked') at = c;
    }
  }
  return at;
}

/**
 * The end of a category's last session on the local date of `at` (-Infinity on a closed day), kept
 * per config, category and slot start: the booking jobs ask it of every live booking (a city's week
 * is ~10,000) whenever one falls due, and the time-zone arithmetic was most of their cost.
 */
const dayEnds = new WeakMap<HallConfig, Map<string, number>>();

function categoryDayEnd(config: HallConfig, categoryId: string, at: number): number {
  let memo = dayEnds.get(config);
  if (!memo) dayEnds.set(config, (memo = new Map()));
  const key = `${categoryId}|${at}`;
  let end = memo.get(key);
  if (end === undefined) {
    const tz = config.hall.timeZone;
    const date = localTime(at, tz).date;
    const ends = sessionsOn(config, date, categoryId).map((s) => minutesOf(s.end));
    end = ends.length > 0 ? instantOf(date, Math.max(...ends), tz) : -Infinity;
    if (memo.size >= 50_000) memo.clear();
    memo.set(key, end);
  }
  return end;
}
