import type { HallConfig, WindowConfig } from '../config/schema.ts';
import type { SelectionReason } from './events.ts';
import type { DeepReadonly } from './readonly.ts';
import type { ReadonlyHallState, Service, WindowId } from './state.ts';

type RService = DeepReadonly<Service>;

export interface Selection {
  service: RService;
  reason: SelectionReason;
}

const MINUTE = 60_000;

/**
 * Who is called next at a window (DESIGN §3), pure:
 * 1. tickets transferred to this very window;
 * 2. checked-in appointments whose slot has begun;
 * 3. any ticket waiting longer than `maxWaitMin` (longest first);
 * 4. priority groups before normal ones, except that after `priorityPerNormal` priority calls in a row a
 *    waiting normal ticket goes;
 * 5. within a class, the window's category order or weights, then arrival (`orderKey`).
 */
export function selectNext(state: ReadonlyHallState, config: HallConfig, windowId: WindowId, now: number): Selection | null {
  const win = config.windows.find((w) => w.id === windowId);
  if (!win) return null;
  // One pass over the window's waiting services, keeping only what each rule needs (its best candidate,
  // each category's head): no sort, no list. A city hall's queue is hundreds long and every call asks.
  const early = config.queue.appointmentEarlyMin * MINUTE;
  const maxWaitMin = config.queue.fairness.maxWaitMin;
  let targeted: RService | null = null;
  let pooled = 0;
  let appt: RService | null = null;
  let apptStart = 0;
  let overdue: RService | null = null;
  const priorityHeads = new Map<string, RService>();
  const normalHeads = new Map<string, RService>();
  let priorityCount = 0;
  let normalCount = 0;
  for (const wc of win.categories) {
    const ids = state.waiting.get(wc.id);
    if (!ids) continue;
    for (const id of ids) {
      const s = state.services.get(id);
      if (!s || s.status !== 'waiting') continue;
      if (s.targetWindowId === windowId) {
        if (!targeted || byOrder(s, targeted) < 0) targeted = s;
        continue;
      }
      if (s.targetWindowId !== null) continue;
      pooled++;
      const t = state.tickets.get(s.ticketId);
      const a = t?.appointmentCode ? (state.appointments.get(t.appointmentCode) ?? null) : null;
      if (a !== null && a.slotStart - early <= now && (!appt || a.slotStart < apptStart || (a.slotStart === apptStart && byOrder(s, appt) < 0))) {
        appt = s;
        apptStart = a.slotStart;
      }
      // Longest first: whoever began to wait earliest in the log's order, which a clock jump cannot reorder.
      if (maxWaitMin !== undefined && now - s.waitingSince > maxWaitMin * MINUTE && (!overdue || byWait(s, overdue) < 0)) overdue = s;
      const heads = (t?.priorityGroup ?? null) !== null ? (priorityCount++, priorityHeads) : (normalCount++, normalHeads);
      const h = heads.get(s.categoryId);
      if (!h || s.orderKey < h.orderKey || (s.orderKey === h.orderKey && s.id < h.id)) heads.set(s.categoryId, s);
    }
  }

  if (targeted) return { service: targeted, reason: reason('transferred_to_window', targeted) };
  if (pooled === 0) return null;
  if (appt) return { service: appt, reason: reason('appointment', appt) };
  if (overdue) return { service: overdue, reason: reason('max_wait', overdue, { maxWaitMin }) };

  const n = config.queue.fairness.priorityPerNormal;
  const streak = state.windows.get(windowId)?.priorityStreak ?? 0;
  const ratioDue = n !== undefined && streak >= n && normalCount > 0;

  if (priorityCount > 0 && !ratioDue) {
    const pick = bestHead(win, priorityHeads, now);
    const group = state.tickets.get(pick.ticketId)?.priorityGroup ?? '';
    return { service: pick, reason: reason('priority', pick, { priorityGroup: group }) };
  }
  if (normalCount === 0) return null;
  const pick = bestHead(win, normalHeads, now);
  if (priorityCount > 0) {
    return { service: pick, reason: reason('ratio', pick, { streak }) };
  }
  if (normalHeads.size <= 1) return { service: pick, reason: reason('arrival', pick) };
  return { service: pick, reason: reason(win.selection === 'order' ? 'category_order' : 'weighted_wait', pick) };
}

/** Arrival order: the log's order key, then when it began to wait, then the id (never equal). */
function byOrder(a: RService, b: RService): number {
  return a.orderKey - b.orderKey || a.waitingSince - b.waitingSince || (a.id < b.id ? -1 : 1);
}

function byWait(a: RService, b: RService): number {
  return (a.waitSeq ?? a.waitingSince) - (b.waitSeq ?? b.waitingSince) || byOrder(a, b);
}

function reason(rule: SelectionReason['rule'], s: RService, figures: Pick<SelectionReason, 'priorityGroup' | 'maxWaitMin' | 'streak'> = {}): SelectionReason {
  return { rule, categoryId: s.categoryId, ...figures };
}

/** The reason in words, for the clerk console (中文 and English). */
export function describeReason(r: SelectionReason, config: HallConfig): { zh: string; en: string } {
  switch (r.rule) {
    case 'transferred_to_window':
      return { zh: '转至本窗口的号票优先', en: 'Transferred to this window' };
    case 'appointment':
      return { zh: '预约号在预约时段内优先', en: 'Checked-in appointment in its slot' };
    case 'max_wait':
      return { zh: `已等候超过${r.maxWaitMin}分钟，优先叫号`, en: `Waited longer than ${r.maxWaitMin} min` };
    case 'priority': {
      const name = config.priorityGroups.find((g) => g.id === r.priorityGroup)?.name;
      return { zh: `优先人群（${name?.zh ?? r.priorityGroup}）先于普通号`, en: `Priority group (${name?.en ?? r.priorityGroup}) before normal tickets` };
    }
    case 'ratio':
      return { zh: `已连续叫${r.streak}个优先号，轮到普通号`, en: `${r.streak} priority calls in a row; a normal ticket's turn` };
    case 'category_order':
      return { zh: '按窗口业务顺序', en: "By the window's category order" };
    case 'weighted_wait':
      return { zh: '按等候时间与业务权重', en: 'By waiting time and category weight' };
    case 'arrival':
      return { zh: '按取号先后', en: 'First come, first served' };
    case 'chosen':
      return { zh: '窗口指定叫号', en: 'Chosen by the clerk from the list' };
    default: {
      const _exhaustive: never = r.rule;
      return _exhaustive;
    }
  }
}

export function isPriority(state: ReadonlyHallState, s: RService): boolean {
  return (state.tickets.get(s.ticketId)?.priorityGroup ?? null) !== null;
}

/** Older rows (before `queuedAt` existed) had the time in `orderKey`. */
const queuedAtOf = (s: RService) => s.queuedAt ?? s.orderKey;

/**
 * Within one class, between the categories' heads (each its first arrival, in log order): the
 * window's category order, or the longest wait × category weight.
 */
function bestHead(win: WindowConfig, heads: ReadonlyMap<string, RService>, now: number): RService {
  const index = new Map(win.categories.map((c, i) => [c.id, i]));
  const weight = new Map(win.categories.map((c) => [c.id, c.weight]));
  let best: RService | null = null;
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
