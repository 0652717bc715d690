import type { HallConfig, WindowConfig } from '../../src/config/schema.ts';
import type { SelectionReason } from '../../src/domain/events.ts';
import type { DeepReadonly } from '../../src/domain/readonly.ts';
import type { ReadonlyHallState, Service, WindowId } from '../../src/domain/state.ts';

/**
 * `selectNext` as it was before it became one pass (issue #11): sorts and filters, plainly written.
 * The property test holds the fast one to this one, call for call.
 */

type RService = DeepReadonly<Service>;
const MINUTE = 60_000;

export function referenceSelectNext(state: ReadonlyHallState, config: HallConfig, windowId: WindowId, now: number): { service: RService; reason: SelectionReason } | null {
  const win = config.windows.find((w) => w.id === windowId);
  if (!win) return null;
  const targeted: RService[] = [];
  const pool: RService[] = [];
  for (const wc of win.categories) {
    const ids = state.waiting.get(wc.id);
    if (!ids) continue;
    for (const id of ids) {
      const s = state.services.get(id);
      if (!s || s.status !== 'waiting') continue;
      if (s.targetWindowId === windowId) targeted.push(s);
      else if (s.targetWindowId === null) pool.push(s);
    }
  }

  const byOrder = (a: RService, b: RService) => a.orderKey - b.orderKey || a.waitingSince - b.waitingSince || (a.id < b.id ? -1 : 1);

  if (targeted.length > 0) {
    const s = targeted.sort(byOrder)[0]!;
    return { service: s, reason: reason('transferred_to_window', s) };
  }
  if (pool.length === 0) return null;

  const early = config.queue.appointmentEarlyMin * MINUTE;
  const appointments = pool
    .map((s) => ({ s, a: apptOf(state, s) }))
    .filter((x): x is { s: Service; a: NonNullable<ReturnType<typeof apptOf>> } => x.a !== null && x.a.slotStart - early <= now)
    .sort((x, y) => x.a.slotStart - y.a.slotStart || byOrder(x.s, y.s));
  if (appointments.length > 0) {
    const s = appointments[0]!.s;
    return { service: s, reason: reason('appointment', s) };
  }

  const maxWaitMin = config.queue.fairness.maxWaitMin;
  if (maxWaitMin !== undefined) {
    // Longest first: whoever began to wait earliest in the log's order, which a clock jump cannot reorder.
    const overdue = pool
      .filter((s) => now - s.waitingSince > maxWaitMin * MINUTE)
      .sort((a, b) => (a.waitSeq ?? a.waitingSince) - (b.waitSeq ?? b.waitingSince) || byOrder(a, b));
    if (overdue.length > 0) {
      const s = overdue[0]!;
      return { service: s, reason: reason('max_wait', s, { maxWaitMin }) };
    }
  }

  const priority = pool.filter((s) => isPriority(state, s));
  const normal = pool.filter((s) => !isPriority(state, s));
  const n = config.queue.fairness.priorityPerNormal;
  const streak = state.windows.get(windowId)?.priorityStreak ?? 0;
  const ratioDue = n !== undefined && streak >= n && normal.length > 0;

  if (priority.length > 0 && !ratioDue) {
    const pick = byCategory(win, priority, now);
    const group = state.tickets.get(pick.ticketId)?.priorityGroup ?? '';
    return { service: pick, reason: reason('priority', pick, { priorityGroup: group }) };
  }
  if (normal.length === 0) return null;
  const pick = byCategory(win, normal, now);
  if (priority.length > 0) {
    return { service: pick, reason: reason('ratio', pick, { streak }) };
  }
  const categories = new Set(normal.map((s) => s.categoryId));
  if (categories.size <= 1) return { service: pick, reason: reason('arrival', pick) };
  return { service: pick, reason: reason(win.selection === 'order' ? 'category_order' : 'weighted_wait', pick) };
}

function reason(rule: SelectionReason['rule'], s: RService, figures: Pick<SelectionReason, 'priorityGroup' | 'maxWaitMin' | 'streak'> = {}): SelectionReason {
  return { rule, categoryId: s.categoryId, ...figures };
}

function isPriority(state: ReadonlyHallState, s: Service): boolean {
  return (state.tickets.get(s.ticketId)?.priorityGroup ?? null) !== null;
}

function apptOf(state: ReadonlyHallState, s: Service) {
  const code = state.tickets.get(s.ticketId)?.appointmentCode;
  if (!code) return null;
  return state.appointments.get(code) ?? null;
}

/** Older rows (before `queuedAt` existed) had the time in `orderKey`. */
const queuedAtOf = (s: RService) => s.queuedAt ?? s.orderKey;

/**
 * Within one class: each category's head is its first arrival (log order); between heads, the
 * window's category order, or the longest wait × category weight.
 */
function byCategory(win: WindowConfig, services: readonly RService[], now: number): Service {
  const heads = new Map<string, Service>();
  for (const s of services) {
    const h = heads.get(s.categoryId);
    if (!h || s.orderKey < h.orderKey || (s.orderKey === h.orderKey && s.id < h.id)) heads.set(s.categoryId, s);
  }
  const index = new Map(win.categories.map((c, i) => [c.id, i]));
  const weight = new Map(win.categories.map((c) => [c.id, c.weight]));
  let best: Service | null = null;
  for (const s of heads.values()) {
    if (!best) {
      best = s;
      continue;
    }
    if (win.selection === 'order') {
      const d = (index.get(s.categoryId) ?? 0) - (index.get(best.categoryId) ?? 0);
      if (d < 0 || (d === 0 && s.orderKey < best.orderKey)) best = s;
    } else {
      const sb = (now - queuedAtOf(best)) * (weight.get(best.categoryId) ?? 1);
      const ss = (now - queuedAtOf(s)) * (weight.get(s.categoryId) ?? 1);
      if (ss > sb || (ss === sb && s.orderKey < best.orderKey)) best = s;
    }
  }
  return best!;
}
