import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../src/config/schema.ts';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { addDays, instantOf } from '../../src/domain/calendar.ts';
import type { ServiceLevelAchieved, StaffingReport } from '../../src/reports/types.ts';
import { businessDays, simulate, TOWNSHIP, type SimulationSummary } from '../../src/simulator/index.ts';
import { planFromStaffing } from '../../src/simulator/staffing-plan.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, login, startHub, TEST_HMAC_KEY } from '../support/hub.ts';

/**
 * Issue #10 §4, the proof of the staffing report. The demo hall (config/hall.yaml, township profile)
 * gets eight weeks of simulated history; GET /reports/staffing then recommends clerks per group of
 * windows and half hour for each of the next four weeks' business days, from that history alone. The
 * simulator runs those days twice from the same history and the same residents (common random
 * numbers): once opening exactly the recommended windows in each half hour, once with one clerk fewer
 * in each day's peak half hour. The service level is read back from the hub's own report of the
 * finished days (`achieved`, from the service facts), never from the formula.
 *
 * The peak of a day: the group's half hour where a clerk carries the most (offered load per
 * recommended clerk), among those Erlang C staffs with at least two (so that one fewer still leaves
 * someone at the counter; a group the hall has too few windows for, or one held at a configured
 * minimum, is not one whose clerk can be taken away). Days without such a group are run
 * alike in both. One half hour holds a handful of residents in a township, so the peak halves are
 * pooled over the four weeks (decision 48 gives the figures of other seeds: PROOF_SEED=… runs one).
 */

const base = loadHallConfig('config/hall.yaml');
const HISTORY_FROM = '2026-09-28';
const FROM = '2026-11-23';
const UNTIL = '2026-12-21';
const SEED = process.env.PROOF_SEED ?? 'staffing-proof';

// The township profile holds a market (逢场天) on days ending in 1, 4 and 7: the hall's calendar says so too, so those days are forecast from their own kind.
const marketDates: string[] = [];
for (let d = HISTORY_FROM; d < UNTIL; d = addDays(d, 1)) if (TOWNSHIP.volume.market!.lastDigits.includes(Number(d.slice(-1)))) marketDates.push(d);
const config: HallConfig = { ...base, schedule: { ...base.schedule, marketDays: { dates: marketDates } } };
const tz = config.hall.timeZone;
const { withinMin, target } = config.reports.serviceLevel;

interface Peak {
  date: string;
  label: string;
  group: string;
  recommended: number;
}

let root: string;
let days: string[];
const recommended = new Map<string, StaffingReport>();
const peaks: Peak[] = [];
const measured: Record<'recommended' | 'fewer', Map<string, StaffingReport>> = { recommended: new Map(), fewer: new Map() };
const runs: Partial<Record<'recommended' | 'fewer', SimulationSummary>> = {};

/** The hub's staffing report for each date, from the history in `dir`, at `now`. */
async function staffingFrom(dir: string, dates: readonly string[], now: number): Promise<Map<string, StaffingReport>> {
  const h = await startHub({ dir, config, clock: new FakeClock(now) });
  try {
    const manager = await login(h.url, '3001');
    const out = new Map<string, StaffingReport>();
    for (const date of dates) {
      const r = await api(h.url, 'GET', `/reports/staffing?date=${date}`, { token: manager });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      out.set(date, r.body as StaffingReport);
    }
    return out;
  } finally {
    await h.stop();
  }
}

function peakOf(report: StaffingReport): Peak | null {
  // The peak: where a clerk carries the most, the offered load per recommended clerk highest, among the
  // slots Erlang C itself staffs with two or more (one fewer still leaves someone at the counter; a
  // slot staffed to a configured minimum or past the group's windows has no clerk to spare).
  let peak: (Peak & { perClerk: number; arrivals: number }) | null = null;
  for (const g of report.groups) {
    for (const s of g.slots) {
      if (s.overCapacity || s.recommended < 2 || s.erlang < s.recommended) continue;
      const perClerk = s.loadErlangs / s.recommended;
      if (peak && (perClerk < peak.perClerk || (perClerk === peak.perClerk && s.arrivals <= peak.arrivals))) continue;
      peak = { date: report.date, label: s.label, group: g.id, recommended: s.recommended, perClerk, arrivals: s.arrivals };
    }
  }
  return peak && { date: peak.date, label: peak.label, group: peak.group, recommended: peak.recommended };
}

function pooled(list: readonly (ServiceLevelAchieved | null)[]): { waited: number; within: number; level: number } {
  let waited = 0;
  let within = 0;
  for (const x of list) {
    waited += x?.waited ?? 0;
    within += x?.within ?? 0;
  }
  return { waited, within, level: waited > 0 ? within / waited : NaN };
}

/** The peak half hours' residents, in the group that lost a clerk, pooled over the days. */
function atPeaks(run: 'recommended' | 'fewer') {
  return pooled(peaks.map((p) => measured[run].get(p.date)!.groups.find((g) => g.id === p.group)!.slots.find((s) => s.label === p.label)!.achieved));
}

/** The whole hall over all the days. */
function overall(run: 'recommended' | 'fewer') {
  return pooled(days.map((d) => measured[run].get(d)!.achieved));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hallq-staffing-proof-'));
  const dirs = { history: join(root, 'history'), recommended: join(root, 'recommended'), fewer: join(root, 'fewer') };
  for (const d of Object.values(dirs)) mkdirSync(d);
  simulate({ dbFile: join(dirs.history, 'hallq.db'), config, hmacKey: TEST_HMAC_KEY, seed: SEED, profile: 'township', startDate: HISTORY_FROM, endDate: FROM });
  copyFileSync(join(dirs.history, 'hallq.db'), join(dirs.recommended, 'hallq.db'));
  copyFileSync(join(dirs.history, 'hallq.db'), join(dirs.fewer, 'hallq.db'));

  // The rota for the coming four weeks, planned the morning of their first day.
  days = businessDays(config, FROM, { endDate: UNTIL });
  for (const [d, r] of await staffingFrom(dirs.history, days, instantOf(FROM, 7 * 60, tz))) recommended.set(d, r);
  for (const d of days) {
    const p = peakOf(recommended.get(d)!);
    if (p) peaks.push(p);
  }

  for (const run of ['recommended', 'fewer'] as const) {
    const plan: Record<string, Record<string, number[]>> = {};
    for (const d of days) {
      const peak = peaks.find((p) => p.date === d);
      const cut = (group: string, label: string, n: number) => (run === 'fewer' && peak && group === peak.group && label === peak.label ? n - 1 : n);
      Object.assign(plan, planFromStaffing(recommended.get(d)!, config, cut));
    }
    runs[run] = simulate({ dbFile: join(dirs[run], 'hallq.db'), config, hmacKey: TEST_HMAC_KEY, seed: SEED, profile: 'township', startDate: FROM, endDate: UNTIL, staffing: plan, detail: true });
    measured[run] = await staffingFrom(dirs[run], days, instantOf(UNTIL, 7 * 60, tz));
  }

  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const [rp, fp, ro, fo] = [atPeaks('recommended'), atPeaks('fewer'), overall('recommended'), overall('fewer')];
  console.log(
    [
      `staffing proof, ${days.length} business days from ${FROM}, target ${pct(target)} called within ${withinMin} min:`,
      `  peaks cut: ${peaks.map((p) => `${p.date} ${p.label} windows ${p.group}: ${p.recommended}→${p.recommended - 1}`).join('; ')}`,
      `  recommended staffing: hall ${pct(ro.level)} (${ro.within}/${ro.waited}), peak half hours ${pct(rp.level)} (${rp.within}/${rp.waited})`,
      `  one clerk fewer at the peak: hall ${pct(fo.level)} (${fo.within}/${fo.waited}), peak half hours ${pct(fp.level)} (${fp.within}/${fp.waited})`,
    ].join('\n'),
  );
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the staffing report, proved in the simulator (issue #10 §4)', () => {
  it('recommends from history, and the simulator opened what it was told', () => {
    expect(days.length).toBeGreaterThanOrEqual(20);
    expect(peaks.length).toBeGreaterThanOrEqual(days.length / 2);
    for (const d of days) {
      const r = recommended.get(d)!;
      expect(r.forecast.days, d).toBeGreaterThan(0);
      expect(r.achieved, `${d} lies ahead: nothing measured yet`).toBeNull();
    }
    // The simulator's own count of the hall's windows open a quarter hour into each peak half hour: one
    // fewer in the cut run, unless the clerk sent away is still finishing the resident in hand.
    let fewer = 0;
    for (const p of peaks) {
      const open = (run: 'recommended' | 'fewer') => runs[run]!.days.find((d) => d.date === p.date)!.slots!.find((s) => s.slot === p.label)!.windowsOpen;
      const total = recommended.get(p.date)!.totals.find((t) => t.label === p.label)!.recommended;
      expect(open('recommended'), `${p.date} ${p.label}`).toBeLessThanOrEqual(total);
      expect(open('fewer'), `${p.date} ${p.label}`).toBeLessThanOrEqual(open('recommended'));
      if (open('fewer') === open('recommended') - 1) fewer++;
    }
    expect(fewer).toBeGreaterThanOrEqual((2 * peaks.length) / 3);
  });

  it('meets the service level with the recommended staffing, within 5 points', () => {
    expect(overall('recommended').waited).toBeGreaterThan(1000);
    expect(overall('recommended').level).toBeGreaterThanOrEqual(target - 0.05);
    expect(atPeaks('recommended').level).toBeGreaterThanOrEqual(target - 0.05);
  });

  it('misses it with one clerk fewer in the peak half hour', () => {
    expect(atPeaks('fewer').waited).toBeGreaterThan(60);
    expect(atPeaks('fewer').level).toBeLessThan(target);
    expect(atPeaks('fewer').level).toBeLessThan(atPeaks('recommended').level);
  });
});
