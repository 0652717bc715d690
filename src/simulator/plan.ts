import type { HallConfig } from '../config/schema.ts';
import { addDays, instantOf, isWorkingDay, minutesOf, sessionsOn } from '../domain/calendar.ts';
import type { Placement } from '../domain/commands.ts';
import type { Profile } from './profiles.ts';
import { Rng } from './rng.ts';

const MINUTE = 60_000;
export const SLOT_MIN = 30;

export type DayType = 'weekday' | 'monday' | 'post-holiday' | 'market' | 'weekend';
export type Channel = 'card' | 'kiosk' | 'guide' | 'appointment';

/**
 * One resident's visit, drawn whole when the day is planned: when they come and for what, and how
 * the visit will go (service time, being away at the call, a hand-on, the rating). Drawn before the
 * hall runs, so two runs of one seed with different staffing see the same residents (common random
 * numbers: a staffing comparison measures the staffing, not the luck of the draw).
 */
export interface Visit {
  /** When the resident reaches the kiosk, the guide desk, or (booked) checks in. */
  at: number;
  categoryId: string;
  channel: Channel;
  /** Resident index (`People.resident`); null: no card used. */
  resident: number | null;
  /** Set at the guide desk. */
  priorityGroup: string | null;
  /** Standard normal behind the service time (mapped to the category's lognormal when served). */
  serviceZ: number;
  /** From the call to the counter. */
  walkMs: number;
  /** 0: at hand when called; 1 or 2: comes after that recall; 3: never comes (no-show). */
  absent: 0 | 1 | 2 | 3;
  transfer: { u: number; serviceZ: number; consultZ: number; placement: Placement; byWindow: boolean } | null;
  rating: { rates: boolean; u: number; delayMs: number; reasonU: number; commentU: number };
  /** A business-system case number on completion (most matters have one; a consultation has not). */
  caseNo: boolean;
  appointment: { slotStart: number; slotEnd: number; bookAt: number; byCard: boolean; comes: boolean } | null;
}

export interface DayPlan {
  date: string;
  dayType: DayType;
  market: boolean;
  /** The day's mean after its factors and its lognormal draw. */
  mean: number;
  /** Half-hour slots of the day (`HH:MM`), from the first session's start to the last one's end. */
  slots: string[];
  visits: Visit[];
}

/** Sessions of the hall or any category on a date: closed when none. */
export function isOpenDay(config: HallConfig, date: string): boolean {
  if (sessionsOn(config, date).length > 0) return true;
  return config.categories.some((c) => sessionsOn(config, date, c.id).length > 0);
}

export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
}

/** Is this a weekend-type day (a Saturday or Sunday with sessions, not a make-up working day)? */
function isWeekendDay(config: HallConfig, date: string): boolean {
  return !isWorkingDay(config, date);
}

/** The first working day after a closure that held a public holiday. */
function isPostHoliday(config: HallConfig, date: string): boolean {
  const holidays = new Set(config.schedule.holidays ?? []);
  let d = addDays(date, -1);
  let sawHoliday = false;
  for (let i = 0; i < 14 && !isOpenDay(config, d); i++, d = addDays(d, -1)) if (holidays.has(d)) sawHoliday = true;
  // A Saturday session between the holiday and today does not end the peak: Monday still brings the backlog.
  if (!sawHoliday && weekdayOf(date) === 1) for (let i = 0; i < 3; i++, d = addDays(d, -1)) if (holidays.has(d)) sawHoliday = true;
  return sawHoliday;
}

export function dayTypeOf(config: HallConfig, profile: Profile, date: string): { dayType: DayType; market: boolean } {
  const market = profile.volume.market?.lastDigits.includes(Number(date.slice(-1))) ?? false;
  if (isWeekendDay(config, date)) return { dayType: 'weekend', market };
  if (isPostHoliday(config, date)) return { dayType: 'post-holiday', market };
  if (market) return { dayType: 'market', market };
  if (weekdayOf(date) === 1) return { dayType: 'monday', market };
  return { dayType: 'weekday', market };
}

/** The day's half-hour grid: every slot from the earliest session start to the latest session end. */
export function slotsOf(config: HallConfig, date: string): string[] {
  let first = Infinity;
  let last = -Infinity;
  for (const id of [undefined, ...config.categories.map((c) => c.id)]) {
    for (const s of sessionsOn(config, date, id)) {
      first = Math.min(first, minutesOf(s.start));
      last = Math.max(last, minutesOf(s.end));
    }
  }
  if (first === Infinity) return [];
  const out: string[] = [];
  for (let m = Math.floor(first / SLOT_MIN) * SLOT_MIN; m < last; m += SLOT_MIN) out.push(hhmm(m));
  return out;
}

export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Whether a category issues tickets at some time inside the half hour starting at `slotMin`. */
function issuesIn(config: HallConfig, date: string, categoryId: string, slotMin: number): boolean {
  const stop = config.schedule.stopIssuingBeforeEndMin;
  return sessionsOn(config, date, categoryId).some((s) => slotMin < minutesOf(s.end) - stop && slotMin + SLOT_MIN > minutesOf(s.start));
}

export interface PlanContext {
  config: HallConfig;
  profile: Profile;
  seed: string;
  /** Category weights, normalised over the config's categories. */
  mix: Map<string, number>;
  /** Residents seen lately (a ring of a few days' visits), for return visits; planning days in date order keeps it deterministic. */
  recent: { items: number[]; next: number; capacity: number };
  /** No booking is made before this instant (the simulation's start). */
  earliest: number;
}

/**
 * The visits of one day: a non-homogeneous Poisson process per category and half hour. The day's
 * mean (by day type, times a lognormal day effect shared by all categories and slots) is spread over
 * the slots in which each category issues tickets, by the profile's half-hour shape; the count of
 * each (category, slot) cell is Poisson, the times uniform inside it.
 */
export function planDay(ctx: PlanContext, date: string): DayPlan {
  const { config, profile } = ctx;
  const tz = config.hall.timeZone;
  const rng = Rng.stream(ctx.seed, 'plan', date);
  const { dayType, market } = dayTypeOf(config, profile, date);
  const v = profile.volume;
  let mean: number;
  let sigma = v.sigma;
  if (dayType === 'weekend') mean = v.weekend;
  else if (market && v.market) {
    mean = v.market.mean * (dayType === 'post-holiday' ? v.postHoliday : 1);
    sigma = v.market.sigma;
  } else mean = v.weekday * (dayType === 'post-holiday' ? v.postHoliday : dayType === 'monday' ? v.monday : 1);
  mean *= Math.exp(sigma * rng.normal() - (sigma * sigma) / 2);

  const slots = slotsOf(config, date);
  const peak = dayType === 'monday' || dayType === 'post-holiday';
  const weightOf = (slot: string) => {
    const w = profile.shape[slot] ?? profile.otherSlot;
    return peak && slot >= '09:00' && slot < '10:30' ? w * profile.peakMorningBoost : w;
  };
  const bookableShare = [...ctx.mix].filter(([id]) => !profile.walkInOnly.includes(id)).reduce((n, [, w]) => n + w, 0);
  const pAppointment = bookableShare > 0 ? Math.min(0.9, profile.channels.appointment / bookableShare) : 0;
  const guideGroups = config.priorityGroups.filter((g) => g.source === 'guide').map((g) => g.id);

  // Residents come for what the hall can do that day: in an extended session (lunch, Saturday) only the
  // duty windows are staffed, so a matter none of them serves is brought to a later regular session.
  const hall = sessionsOn(config, date);
  const kindOf = (slot: string) => {
    const m = minutesOf(slot);
    const s = hall.find((x) => minutesOf(x.start) <= m && m < minutesOf(x.end));
    return !s ? (hall.length === 0 ? 'regular' : 'none') : s.extended ? 'extended' : 'regular';
  };
  const kinds = slots.map(kindOf);
  const dutyCategories = new Set(config.windows.filter((w) => profile.dutyWindows.includes(w.id)).flatMap((w) => w.categories.map((c) => c.id)));
  const cells = [...ctx.mix].map(([categoryId, share]) => {
    // Served now, or (not at the duty windows) the next regular session opens within the half hour:
    // residents wait at the door for it (hall-rules §4), they do not sit through the lunch break.
    const servable = (i: number) =>
      kinds[i] === 'regular' || (kinds[i] === 'extended' && (dutyCategories.has(categoryId) || kinds[i + 1] === 'regular'));
    const open = slots.map((s, i) => (issuesIn(config, date, categoryId, minutesOf(s)) && servable(i) ? weightOf(s) : 0));
    return { categoryId, share, open, total: open.reduce((a, b) => a + b, 0) };
  });
  // The day's volume goes to the categories open that day (a Saturday's to what the duty windows serve).
  const openShare = cells.reduce((n, c) => n + (c.total > 0 ? c.share : 0), 0);

  const visits: Visit[] = [];
  for (const { categoryId, share, open, total } of cells) {
    if (total === 0) continue;
    const category = config.categories.find((c) => c.id === categoryId)!;
    const bookable = !profile.walkInOnly.includes(categoryId);
    for (let i = 0; i < slots.length; i++) {
      if (open[i] === 0) continue;
      const n = rng.poisson((mean * (share / openShare) * open[i]!) / total);
      const slotStart = instantOf(date, minutesOf(slots[i]!), tz);
      for (let k = 0; k < n; k++) {
        const at = slotStart + Math.floor(rng.next() * SLOT_MIN * MINUTE);
        visits.push(drawVisit(ctx, rng, { date, categoryId, at, slotStart, bookable, pAppointment, requiresCard: category.requiresIdCard, guideGroups }));
      }
    }
  }
  visits.sort((a, b) => a.at - b.at);
  return { date, dayType, market, mean, slots, visits };
}

function drawVisit(
  ctx: PlanContext,
  rng: Rng,
  o: { date: string; categoryId: string; at: number; slotStart: number; bookable: boolean; pAppointment: number; requiresCard: boolean; guideGroups: string[] },
): Visit {
  const p = ctx.profile;
  let channel: Channel;
  if (o.bookable && rng.chance(o.pAppointment)) channel = 'appointment';
  else {
    const x = rng.next() * (1 - p.channels.appointment);
    channel = x < p.channels.guide ? 'guide' : x < p.channels.guide + p.channels.card ? 'card' : 'kiosk';
  }
  if (channel === 'kiosk' && o.requiresCard) channel = 'card';
  // At the guide desk most residents hand over their card; a booking is made with one.
  const withCard = channel === 'card' || channel === 'appointment' || (channel === 'guide' && (o.requiresCard || rng.chance(0.6)));
  let resident: number | null = null;
  if (withCard) {
    const recent = ctx.recent;
    if (recent.items.length > 0 && rng.chance(p.returnShare)) resident = recent.items[rng.int(recent.items.length)]!;
    else resident = rng.int(p.population);
    if (recent.items.length < recent.capacity) recent.items.push(resident);
    else recent.items[recent.next] = resident;
    recent.next = (recent.next + 1) % recent.capacity;
  }
  const priorityGroup = channel === 'guide' && o.guideGroups.length > 0 && rng.chance(p.guidePriority) ? rng.pick(o.guideGroups) : null;

  let appointment: Visit['appointment'] = null;
  let at = o.at;
  if (channel === 'appointment') {
    const slotStart = o.slotStart;
    const slotEnd = slotStart + SLOT_MIN * MINUTE;
    // Most come a little early; a few late in their slot.
    at = rng.chance(0.85) ? slotStart - Math.floor(rng.uniform(0, 20) * MINUTE) : slotStart + Math.floor(rng.uniform(0, 25) * MINUTE);
    // Booked one to seven days ahead, in office hours (online or by phone through the guide desk).
    const ahead = 1 + rng.int(7);
    const bookDay = addDays(o.date, -ahead);
    let bookAt = instantOf(bookDay, 9 * 60, ctx.config.hall.timeZone) + Math.floor(rng.uniform(0, 8.5 * 60) * MINUTE);
    if (bookAt < ctx.earliest) bookAt = Math.min(ctx.earliest + Math.floor(rng.uniform(0, 20) * MINUTE), at - 10 * MINUTE);
    appointment = { slotStart, slotEnd, bookAt, byCard: rng.chance(p.appointmentByCard), comes: !rng.chance(p.appointmentNoShow) };
  }

  const a = rng.next();
  const [after1, after2] = p.comesAfterRecall;
  const absent: Visit['absent'] = a >= p.absentAtCall ? 0 : a < p.absentAtCall * after1 ? 1 : a < p.absentAtCall * (after1 + after2) ? 2 : 3;
  const pTransfer = p.transfers.byCategory[o.categoryId] ?? p.transfers.other;
  const transfer = rng.chance(pTransfer)
    ? {
        u: rng.next(),
        serviceZ: rng.normal(),
        consultZ: rng.normal(),
        placement: (rng.chance(0.7) ? 'original' : rng.chance(0.67) ? 'front' : 'back') as Placement,
        byWindow: rng.chance(p.transfers.toWindow),
      }
    : null;
  return {
    at,
    categoryId: o.categoryId,
    channel,
    resident,
    priorityGroup,
    serviceZ: rng.normal(),
    walkMs: Math.floor(rng.uniform(10, 45) * 1000),
    absent,
    transfer,
    rating: { rates: rng.chance(p.ratings.rated), u: rng.next(), delayMs: Math.floor(rng.uniform(3, 22) * 1000), reasonU: rng.next(), commentU: rng.next() },
    caseNo: rng.chance(0.7),
    appointment,
  };
}

/** Category weights from the profile, for the categories this config has, summing to 1. */
export function mixFor(config: HallConfig, profile: Profile): Map<string, number> {
  const raw = config.categories.map((c) => [c.id, profile.mix[c.id] ?? profile.otherCategory * 100] as const);
  const total = raw.reduce((n, [, w]) => n + w, 0);
  return new Map(raw.map(([id, w]) => [id, w / total]));
}
