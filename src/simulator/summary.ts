import type { Channel, DayType } from './plan.ts';

/** Waits from the issue (or the check-in) to the first call, in minutes. */
export interface WaitStats {
  /** Tickets issued (the denominator of `withinShare`). */
  tickets: number;
  /** Tickets called at least once (the waits measured). */
  called: number;
  meanMin: number | null;
  p90Min: number | null;
  /** Share of the issued tickets called within the service-level threshold (`withinMin`); never called counts as not. */
  withinShare: number | null;
}

export interface Counts {
  /** Residents who came to take a number (a retry after a closed kiosk counts once). */
  arrivals: number;
  issued: number;
  /** Turned away by the hall's rules: closed, quota reached, wait past closing, one live ticket per ID, other. */
  refused: { closed: number; quota: number; pastClose: number; onePerId: number; other: number };
  /** Tickets whose service was completed. */
  served: number;
  noShows: number;
  transfers: number;
  /** Still waiting (or at a window) when the day was closed. */
  abandoned: number;
  /** Issued with a priority group (by age from the card, or set at the guide desk). */
  priority: number;
  appointments: { booked: number; checkedIn: number };
  ratings: { rated: number; unrated: number; satisfied: number; bad: number };
  followups: { opened: number; steps: number };
  pauses: number;
}

export interface SlotSummary {
  slot: string;
  arrivals: number;
  issued: number;
  served: number;
  /** Windows open and not paused at the middle of the slot. */
  windowsOpen: number;
  wait: WaitStats;
}

export interface DaySummary extends Counts {
  date: string;
  dayType: DayType;
  market: boolean;
  wait: WaitStats;
  /** Per half hour, when asked for (`detail: true`). Waits by the slot the ticket was issued in. */
  slots?: SlotSummary[];
}

export interface Totals extends Counts {
  days: number;
  wait: WaitStats;
  byCategory: Record<string, number>;
  channels: Record<Channel, number>;
}

export function emptyCounts(): Counts {
  return {
    arrivals: 0,
    issued: 0,
    refused: { closed: 0, quota: 0, pastClose: 0, onePerId: 0, other: 0 },
    served: 0,
    noShows: 0,
    transfers: 0,
    abandoned: 0,
    priority: 0,
    appointments: { booked: 0, checkedIn: 0 },
    ratings: { rated: 0, unrated: 0, satisfied: 0, bad: 0 },
    followups: { opened: 0, steps: 0 },
    pauses: 0,
  };
}

export function addCounts(into: Counts, c: Counts): void {
  into.arrivals += c.arrivals;
  into.issued += c.issued;
  for (const k of Object.keys(c.refused) as (keyof Counts['refused'])[]) into.refused[k] += c.refused[k];
  into.served += c.served;
  into.noShows += c.noShows;
  into.transfers += c.transfers;
  into.abandoned += c.abandoned;
  into.priority += c.priority;
  into.appointments.booked += c.appointments.booked;
  into.appointments.checkedIn += c.appointments.checkedIn;
  for (const k of Object.keys(c.ratings) as (keyof Counts['ratings'])[]) into.ratings[k] += c.ratings[k];
  into.followups.opened += c.followups.opened;
  into.followups.steps += c.followups.steps;
  into.pauses += c.pauses;
}

/** Wait statistics of a list: `waits[i]` in minutes, or null for a ticket never called. */
export function waitStats(waits: readonly (number | null)[], withinMin: number): WaitStats {
  const called = waits.filter((w): w is number => w !== null).sort((a, b) => a - b);
  const within = called.filter((w) => w <= withinMin).length;
  return {
    tickets: waits.length,
    called: called.length,
    meanMin: called.length ? round1(called.reduce((a, b) => a + b, 0) / called.length) : null,
    p90Min: called.length ? round1(called[Math.min(called.length - 1, Math.ceil(0.9 * called.length) - 1)]!) : null,
    withinShare: waits.length ? round3(within / waits.length) : null,
  };
}

/** Waits over a whole run without keeping them: a histogram in tenths of a minute. */
export class WaitHistogram {
  readonly #bins = new Uint32Array(10_001);
  #tickets = 0;
  #called = 0;
  #sum = 0;
  #within = 0;

  constructor(private readonly withinMin: number) {}

  add(waits: readonly (number | null)[]): void {
    for (const w of waits) {
      this.#tickets++;
      if (w === null) continue;
      this.#called++;
      this.#sum += w;
      if (w <= this.withinMin) this.#within++;
      this.#bins[Math.min(10_000, Math.round(w * 10))]!++;
    }
  }

  stats(): WaitStats {
    let p90: number | null = null;
    if (this.#called > 0) {
      const rank = Math.ceil(0.9 * this.#called);
      let seen = 0;
      for (let i = 0; i < this.#bins.length; i++) {
        seen += this.#bins[i]!;
        if (seen >= rank) {
          p90 = i / 10;
          break;
        }
      }
    }
    return {
      tickets: this.#tickets,
      called: this.#called,
      meanMin: this.#called ? round1(this.#sum / this.#called) : null,
      p90Min: p90,
      withinShare: this.#tickets ? round3(this.#within / this.#tickets) : null,
    };
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
