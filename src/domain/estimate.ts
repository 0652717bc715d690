import type { HallConfig } from '../config/schema.ts';
import type { Estimate } from './events.ts';
import { isPriority } from './select-next.ts';
import type { DeepReadonly } from './readonly.ts';
import { projectWait, type EstimateOf } from './wait-projection.ts';

export type { EstimateOf } from './wait-projection.ts';
import type { ReadonlyHallState, Service } from './state.ts';

type RService = DeepReadonly<Service>;

/**
 * How much the configured start value still counts, in samples: the moving average of the first
 * few services is blended with it, so three quick answers at the counter do not turn a 36-minute
 * wait into one minute (evolve's average takes the first sample whole).
 */
export const PRIOR_WEIGHT_SAMPLES = 10;
/** However the services went, the damped average stays within this factor of the configured value. */
export const MAX_DRIFT_FACTOR = 3;

/**
 * Service minutes for a category: the moving average once services are timed, damped (blended with
 * the configured start value by sample count, and bounded to ×⅓…×3 of it) so that a few outliers,
 * fast or slow, do not swing the estimate; the configured start value before any service is timed.
 */
export function avgServiceMin(state: ReadonlyHallState, config: HallConfig, categoryId: string): number {
  const prior = config.categories.find((c) => c.id === categoryId)?.avgServiceMin ?? 8;
  const stats = state.stats.get(categoryId);
  if (!stats || stats.samples <= 0) return prior;
  const blended = (stats.samples * stats.avgServiceMin + PRIOR_WEIGHT_SAMPLES * prior) / (stats.samples + PRIOR_WEIGHT_SAMPLES);
  return Math.min(prior * MAX_DRIFT_FACTOR, Math.max(prior / MAX_DRIFT_FACTOR, blended));
}

/** Windows that can serve the category now; before anyone signs in, those assigned to it. */
export function servingWindows(state: ReadonlyHallState, config: HallConfig, categoryId: string): number {
  const assigned = config.windows.filter((w) => w.categories.some((c) => c.id === categoryId));
  const open = assigned.filter((w) => state.windows.get(w.id)?.status === 'open').length;
  return open > 0 ? open : assigned.length;
}

/** Windows serving the category right now: signed in and not paused. */
export function openWindowsFor(state: ReadonlyHallState, config: HallConfig, categoryId: string): number {
  return config.windows.filter((w) => w.categories.some((c) => c.id === categoryId) && state.windows.get(w.id)?.status === 'open').length;
}

/**
 * The band around "about N minutes": from 0.6 N − 1 to 1.5 N + 3 minutes, never narrower than three
 * minutes (nobody ahead and a clerk free: 0–4, for the clerk still has to press call). Set from the
 * errors of the projection over simulated months (decision 47): about nine in ten waits fall
 * inside, in a quiet township and a busy county alike.
 */
export const BAND = { lowFactor: 0.6, lowLessMin: 1, highFactor: 1.5, highPlusMin: 3 } as const;

export function bandOf(minutes: number): { low: number; high: number } {
  return {
    low: Math.max(0, Math.floor(minutes * BAND.lowFactor - BAND.lowLessMin)),
    high: Math.ceil(minutes * BAND.highFactor + BAND.highPlusMin),
  };
}

/**
 * People ahead and minutes (DESIGN §3). Given the time, the minutes are the ticket's place in the
 * call order of its group's windows, played forward (`projectWait`: the services in hand, the
 * windows' weights and shared categories, priority, transfers and bookings, the windows back after
 * lunch); `of` says whose place: a new ticket's (the default, without priority) or a waiting
 * service's. Without the time, or when no window would call it (nobody signed in during a regular
 * session), the damped average service time × people ahead ÷ the windows serving the category.
 * `openWindows` says how many serve it now: with none, screens say 「暂无窗口受理」 instead of a number
 * (the minutes still feed the closing-time check).
 */
export function estimateFor(state: ReadonlyHallState, config: HallConfig, categoryId: string, ahead: number, at?: number, of: EstimateOf = { priorityGroup: null }): Estimate {
  const projected = at === undefined ? null : projectWait(state, config, categoryId, at, of, (id) => avgServiceMin(state, config, id));
  const minutes = projected ? projected.minutes : (ahead * avgServiceMin(state, config, categoryId)) / Math.max(1, servingWindows(state, config, categoryId));
  return { ahead, minutes: Math.round(minutes), ...bandOf(minutes), openWindows: openWindowsFor(state, config, categoryId) };
}

/** How many wait before a new ticket of this category and class would be called. */
export function aheadOfNew(state: ReadonlyHallState, categoryId: string, priority: boolean): number {
  const ids = state.waiting.get(categoryId);
  if (!ids) return 0;
  if (!priority) return ids.size;
  let n = 0;
  for (const id of ids) {
    const s = state.services.get(id);
    if (s && isPriority(state, s)) n++;
  }
  return n;
}

/** How many in the same category would go before this waiting service, by class and queue position. */
export function aheadOf(state: ReadonlyHallState, service: RService): number {
  const ids = state.waiting.get(service.categoryId);
  if (!ids || service.status !== 'waiting') return 0;
  const mine = isPriority(state, service);
  let n = 0;
  for (const id of ids) {
    if (id === service.id) continue;
    const s = state.services.get(id);
    if (!s) continue;
    const theirs = isPriority(state, s);
    if ((theirs && !mine) || (theirs === mine && s.orderKey < service.orderKey)) n++;
  }
  return n;
}
