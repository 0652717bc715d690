import type { HallConfig } from '../config/schema.ts';
import type { Estimate } from './events.ts';
import { isPriority } from './select-next.ts';
import type { DeepReadonly } from './readonly.ts';
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
 * People ahead and minutes (DESIGN §3): the damped average service time ÷ windows serving the
 * category, with a band from 0.7× to 1.5× for the printed "about N minutes". `openWindows` says
 * how many serve it now: with none, the minutes are a guess over the windows assigned to it (for
 * the closing-time check), and screens say 「暂无窗口受理」 instead of a number.
 */
export function estimateFor(state: ReadonlyHallState, config: HallConfig, categoryId: string, ahead: number): Estimate {
  const perWindow = avgServiceMin(state, config, categoryId);
  const windows = Math.max(1, servingWindows(state, config, categoryId));
  const minutes = (ahead * perWindow) / windows;
  return {
    ahead,
    minutes: Math.round(minutes),
    low: Math.floor(minutes * 0.7),
    high: Math.ceil(minutes * 1.5),
    openWindows: openWindowsFor(state, config, categoryId),
  };
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
