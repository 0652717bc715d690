import { loadavg } from 'node:os';
import type { LoadResult } from './load-http.ts';
import { round } from './stats.ts';

/**
 * Several runs of one measurement, summed up by their median: a figure from a single run moved
 * 20-fold between runs on a loaded machine (issue #11). Each figure carries the 1-minute load
 * average of the machine while it ran, so a reader can tell a slow hub from a busy machine.
 */
export interface RunSummary {
  rps2xx: number;
  p50: number;
  p99: number;
  max: number;
  /** 2xx samples behind the percentiles. */
  samples: number;
  /** non-2xx responses + errors + timeouts. */
  bad: number;
}

export interface Runs {
  /** Field by field, the median of the runs (so p99 is the median run's p99, not a pooled one). */
  median: RunSummary;
  runs: RunSummary[];
  /** 1-minute load average at the end of each run. */
  loadAvg: number[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function summarise(r: LoadResult): RunSummary {
  return { rps2xx: r.rps2xx, p50: r.p50, p99: r.p99, max: r.max, samples: r.total2xx, bad: r.non2xx + r.errors + r.timeouts };
}

export function collect(runs: RunSummary[], loads: number[]): Runs {
  const pick = (k: keyof RunSummary) => round(median(runs.map((r) => r[k])));
  return {
    median: { rps2xx: pick('rps2xx'), p50: pick('p50'), p99: pick('p99'), max: pick('max'), samples: pick('samples'), bad: runs.reduce((a, r) => a + r.bad, 0) },
    runs,
    loadAvg: loads.map((l) => round(l, 2)),
  };
}

export const loadNow = (): number => loadavg()[0]!;

/** "2.31 (1.9–2.6)": the median load average of a figure's runs and its range. */
export function loadText(r: Runs): string {
  const l = r.loadAvg;
  if (l.length === 0) return '-';
  return `${round(median(l), 2)} (${Math.min(...l)}–${Math.max(...l)})`;
}
