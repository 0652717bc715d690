import { describe, expect, it } from 'vitest';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { staffingGroups } from '../../src/reports/staffing.ts';
import type { StaffingReport, StaffingSlot } from '../../src/reports/types.ts';
import { planFromStaffing, windowOrder } from '../../src/simulator/staffing-plan.ts';

const config = loadHallConfig('config/hall.yaml');

/** A staffing report with just what the plan reads: the groups' slots and their recommendation. */
function reportOf(date: string, recommended: Record<string, Record<string, number>>): StaffingReport {
  const groups = staffingGroups(config).map((g) => {
    const id = g.windows.map((w) => w.id).join(',');
    return {
      id,
      windows: g.windows.map((w) => ({ id: w.id, name: w.name })),
      categories: g.categories,
      ahtMin: 0,
      ahtSource: 'config' as const,
      ahtSamples: 0,
      slots: Object.entries(recommended[id] ?? {}).map(([label, n]) => ({ label, recommended: n }) as StaffingSlot),
      achieved: null,
    };
  });
  return { date, groups } as unknown as StaffingReport;
}

describe('a staffing report as the simulator plan', () => {
  it('opens first the windows that cover the most of a group’s categories, then the rest in config order', () => {
    // Window 1 serves ZX, SB, YB and DB; 7 adds TS; 2 serves nothing new.
    expect(windowOrder(config, [1, 2, 7], ['ZX', 'SB', 'YB', 'TS', 'DB'])).toEqual([1, 7, 2]);
    expect(windowOrder(config, [3], ['MZ', 'CL'])).toEqual([3]);
  });

  it('lists the windows open per half hour, never more than a group has, and applies a change to one slot only', () => {
    const report = reportOf('2026-11-24', { '1,2,7': { '09:00': 2, '09:30': 4, '12:00': 0 }, '3': { '09:00': 1, '09:30': 1, '12:00': 0 } });
    expect(planFromStaffing(report, config)).toEqual({ '2026-11-24': { '09:00': [1, 3, 7], '09:30': [1, 2, 3, 7], '12:00': [] } });
    const fewer = planFromStaffing(report, config, (group, label, n) => (group === '1,2,7' && label === '09:00' ? n - 1 : n));
    expect(fewer['2026-11-24']).toEqual({ '09:00': [1, 3], '09:30': [1, 2, 3, 7], '12:00': [] });
  });
});
