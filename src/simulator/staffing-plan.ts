import type { HallConfig } from '../config/schema.ts';
import type { StaffingReport } from '../reports/types.ts';
import type { WindowId } from '../domain/state.ts';

/**
 * A staffing report (clerks per group of windows and half hour) as a simulator plan (the window
 * ids open in each half hour of the report's date), so that a day can be run with the staffing the
 * hall was told to have. `clerks` may change a group's number in a slot (one fewer at the peak).
 */
export function planFromStaffing(
  report: StaffingReport,
  config: HallConfig,
  clerks: (groupId: string, label: string, recommended: number) => number = (_g, _l, n) => n,
): Record<string, Record<string, WindowId[]>> {
  const slots: Record<string, WindowId[]> = {};
  for (const group of report.groups) {
    const order = windowOrder(config, group.windows.map((w) => w.id), group.categories);
    for (const s of group.slots) {
      const n = Math.max(0, Math.min(order.length, clerks(group.id, s.label, s.recommended)));
      (slots[s.label] ??= []).push(...order.slice(0, n));
    }
  }
  for (const ids of Object.values(slots)) ids.sort((a, b) => a - b);
  return { [report.date]: slots };
}

/**
 * Which of a group's windows open first: Erlang C counts clerks as if each could serve the whole
 * group, so the first ones open cover its categories (the window serving the most of those not yet
 * covered), then the rest in config order.
 */
export function windowOrder(config: HallConfig, windowIds: readonly WindowId[], categories: readonly string[]): WindowId[] {
  const windows = config.windows.filter((w) => windowIds.includes(w.id));
  const out: WindowId[] = [];
  const uncovered = new Set(categories);
  while (uncovered.size > 0) {
    let best: (typeof windows)[number] | null = null;
    let bestScore = 0;
    for (const w of windows) {
      if (out.includes(w.id)) continue;
      const score = w.categories.filter((c) => uncovered.has(c.id)).length;
      if (score > bestScore) [best, bestScore] = [w, score];
    }
    if (!best) break;
    out.push(best.id);
    for (const c of best.categories) uncovered.delete(c.id);
  }
  for (const w of windows) if (!out.includes(w.id)) out.push(w.id);
  return out;
}
