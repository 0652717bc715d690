import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HallConfig } from '../config/schema.ts';
import { loadHmacKey } from '../personal/card-reads.ts';
import { openDb } from '../store/open-db.ts';
import { appendHistory } from './join-parts.ts';
import { businessDays, type SimulationSummary } from './simulate.ts';
import { addCounts, emptyCounts, type Totals } from './summary.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

export interface PartsOptions {
  dataDir: string;
  config: HallConfig;
  configFile: string;
  profile: string;
  seed: string;
  startDate: string;
  days: number;
  parts: number;
  withinMin: number;
  uploads?: 'delivered' | 'pending';
}

export interface PartsSummary extends SimulationSummary {
  /** Each part's own summary (its days left out): its dates, seed, rate. */
  parts: Omit<SimulationSummary, 'days'>[];
  /** Milliseconds the join took, after the parts. */
  joinMs: number;
}

/** The seed of part `i` (0-based): the first part's is the seed itself. */
export const partSeed = (seed: string, i: number) => (i === 0 ? seed : `${seed}/part${i + 1}`);

/**
 * `days` business days cut into `parts` stretches of dates, each simulated by its own process (the
 * simulator is one thread; a hall's year on two cores takes half the time), then joined in date
 * order into `dataDir/hallq.db` (`appendHistory`). Each stretch begins as a hall with no past: no
 * bookings made before it, no follow-ups open, the moving averages at their configured start. The
 * same seed and number of parts give the same history; another number of parts gives another.
 */
export async function simulateInParts(o: PartsOptions): Promise<PartsSummary> {
  const t0 = performance.now();
  const dbFile = join(o.dataDir, 'hallq.db');
  if (existsSync(dbFile)) throw new Error('--parts 需要空的数据目录 / --parts needs a data directory with no hallq.db yet');
  const stretches = partDates(o.config, o.startDate, o.days, o.parts);
  const n = stretches.length;
  const work = join(o.dataDir, '.parts');
  rmSync(work, { recursive: true, force: true });
  // A demo hall keeps its ID key in the data directory (made here if new): every part hashes with the hall's one.
  const key = loadHmacKey(o.dataDir, process.env, { demo: o.config.hall.demo === true }).file;
  const runs: Promise<SimulationSummary>[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const dir = join(work, `part-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    if (key !== null && key.startsWith(o.dataDir)) copyFileSync(key, join(dir, 'id-hmac.key'));
    const dates = stretches[i]!;
    // Bookings for the next part's days would be left booked at the seam: that part books its own.
    const bookUntil = i < n - 1 ? ['--book-until', dates[dates.length - 1]!] : [];
    runs.push(runPart(children, ['--data', dir, '--start', dates[0]!, '--days', String(dates.length), '--seed', partSeed(o.seed, i), '--profile', o.profile, '--config', o.configFile, '--within', String(o.withinMin), '--json', ...bookUntil, ...(o.uploads ? ['--uploads', o.uploads] : [])]));
  }
  let summaries: SimulationSummary[];
  try {
    summaries = await Promise.all(runs);
  } catch (err) {
    // One part failed: the others would go on writing a history nobody joins.
    for (const c of children) c.kill('SIGKILL');
    await Promise.allSettled(runs);
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  const tJoin = performance.now();
  const first = join(work, 'part-1', 'hallq.db');
  const db = openDb(first, { durability: 'generator' });
  try {
    for (let i = 1; i < n; i++) appendHistory(db, join(work, `part-${i + 1}`, 'hallq.db'));
  } finally {
    db.close();
  }
  const joinMs = Math.round(performance.now() - tJoin);
  renameSync(first, dbFile);
  rmSync(work, { recursive: true, force: true });
  return combine(o, summaries, Math.round(performance.now() - t0), joinMs);
}

/** The business days cut into `parts` stretches of consecutive dates, as even as whole days allow. */
export function partDates(config: HallConfig, startDate: string, days: number, parts: number): string[][] {
  const dates = businessDays(config, startDate, { days });
  const n = Math.min(parts, dates.length);
  return Array.from({ length: n }, (_, i) => dates.slice(Math.floor((i * dates.length) / n), Math.floor(((i + 1) * dates.length) / n)));
}

function runPart(children: ChildProcess[], args: string[]): Promise<SimulationSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a part of the simulation stopped (exit ${code}): ${args.join(' ')}`));
      else resolve(JSON.parse(out) as SimulationSummary);
    });
  });
}

function combine(o: PartsOptions, parts: SimulationSummary[], elapsedMs: number, joinMs: number): PartsSummary {
  const counts = emptyCounts();
  const byCategory: Record<string, number> = {};
  const channels = {} as Totals['channels'];
  let tickets = 0;
  let called = 0;
  let waitSum = 0;
  let within = 0;
  for (const p of parts) {
    addCounts(counts, p.totals);
    for (const [k, v] of Object.entries(p.totals.byCategory)) byCategory[k] = (byCategory[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.totals.channels) as [keyof Totals['channels'], number][]) channels[k] = (channels[k] ?? 0) + v;
    const w = p.totals.wait;
    tickets += w.tickets;
    called += w.called;
    waitSum += (w.meanMin ?? 0) * w.called;
    within += (w.withinShare ?? 0) * w.tickets;
  }
  const totals: Totals = {
    ...counts,
    days: parts.reduce((a, p) => a + p.totals.days, 0),
    // A p90 of the whole is not made of the parts' p90s: each part's is in `parts`.
    wait: { tickets, called, meanMin: called ? Math.round((10 * waitSum) / called) / 10 : null, p90Min: null, withinShare: tickets ? Math.round((1000 * within) / tickets) / 1000 : null },
    byCategory,
    channels,
  };
  return {
    profile: parts[0]?.profile ?? o.profile,
    seed: o.seed,
    startDate: o.startDate,
    endDate: parts[parts.length - 1]?.endDate ?? o.startDate,
    withinMin: o.withinMin,
    days: parts.flatMap((p) => p.days),
    totals,
    events: parts.reduce((a, p) => a + p.events, 0),
    elapsedMs,
    ticketsPerSecond: Math.round(totals.issued / (elapsedMs / 1000)),
    parts: parts.map(({ days: _days, ...rest }) => rest),
    joinMs,
  };
}
