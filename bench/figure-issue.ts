import { startChild } from './children.ts';
import { postJson } from './http.ts';
import { runLoad, type LoadResult } from './load-http.ts';
import { runPaced } from './paced-load.ts';
import { collect, loadNow, summarise, type RunSummary, type Runs } from './runs.ts';

/**
 * Figure 1: durable ticket issue through HTTP (POST /api/v1/tickets, kiosk token, category ZX),
 * against a hub child process and two bare fastify + better-sqlite3 children with the hub's pragmas:
 * `group` commits each event-loop turn in one transaction, as the hub does (the baseline to beat),
 * `single` commits every insert on its own (the old baseline, kept as a second line).
 * Every run gets a fresh server process and database and a 1 s warm-up whose numbers are dropped, so
 * no run inherits the queue another one built up. Targets alternate within each round; the figure is
 * the median of `runs` rounds.
 */

export const KIOSK_TOKEN = 'test-kiosk-token-000000001';
const BODY = JSON.stringify({ categoryId: 'ZX' });
const HEADERS = { authorization: `Bearer ${KIOSK_TOKEN}` };

export type Target = 'hub' | 'group' | 'single';

export interface IssueFigures {
  /** Closed loop: `connections` connections, each sending as soon as its last answer came. */
  throughput: Record<Target, Runs>;
  /** Open loop at an even `rate` (bench/paced-load.ts): the target figure. */
  fixedRate: Record<'hub' | 'group', Runs> & { rate: number };
  /** autocannon `overallRate: rate`, which sends in a burst every second (see paced-load.ts). */
  autocannonRate: Record<'hub' | 'group', Runs> & { rate: number };
  /** Responses per second of the median throughput run, to see a trend as the queue grows. */
  perSecond: Record<Target, number[]>;
}

export interface IssueSettings {
  connections: number;
  throughputSec: number;
  rate: number;
  /** rate × rateSec is the sample count of each even-pace run: ≥ 1000 for a p99 worth reading. */
  rateSec: number;
  runs: number;
}

const SCRIPT: Record<Target, [string, string[]]> = {
  hub: ['hub-server.ts', []],
  group: ['bare-http-server.ts', ['group']],
  single: ['bare-http-server.ts', ['single']],
};
type Runner = (url: string, durationSec: number) => Promise<LoadResult>;

async function measure(target: Target, durationSec: number, run: Runner, log: (s: string) => void): Promise<LoadResult> {
  const [script, args] = SCRIPT[target];
  const child = await startChild(script, args);
  try {
    const url = `http://127.0.0.1:${Number(child.ready.port)}/api/v1/tickets`;
    await run(url, 1);
    const result = await run(url, durationSec);
    if (result.non2xx > 0 || result.errors > 0) {
      // Loud: a throughput of errors is no throughput. Show what the server actually answers.
      const sample = await postJson(url, JSON.parse(BODY), KIOSK_TOKEN);
      log(`\n!!!!! ${target}: ${result.non2xx} non-2xx responses and ${result.errors} errors (${result.timeouts} timeouts); status codes ${JSON.stringify(result.statusCodes)}`);
      log(`!!!!! ${target}: one more POST now answers ${sample.status} ${JSON.stringify(sample.body).slice(0, 400)}\n`);
    }
    return result;
  } finally {
    await child.stop();
  }
}

async function rounds<T extends Target>(
  title: string,
  targets: readonly T[],
  runs: number,
  durationSec: number,
  run: Runner,
  show: (r: RunSummary) => string,
  log: (s: string) => void,
): Promise<{ figures: Record<T, Runs>; raw: Record<T, LoadResult[]> }> {
  const raw = Object.fromEntries(targets.map((t) => [t, [] as LoadResult[]])) as Record<T, LoadResult[]>;
  const loads = Object.fromEntries(targets.map((t) => [t, [] as number[]])) as Record<T, number[]>;
  log(`figure 1: ${title}, ${runs} rounds of ${targets.join(' / ')}`);
  for (let i = 0; i < runs; i++) {
    const parts: string[] = [];
    for (const t of targets) {
      const r = await measure(t, durationSec, run, log);
      raw[t].push(r);
      loads[t].push(loadNow());
      parts.push(`${t} ${show(summarise(r))}`);
    }
    log(`  round ${i + 1}: ${parts.join('; ')}; load ${loadNow().toFixed(2)}`);
  }
  const figures = Object.fromEntries(targets.map((t) => [t, collect(raw[t].map(summarise), loads[t])])) as Record<T, Runs>;
  return { figures, raw };
}

/** The run whose throughput is the median one (for its per-second trend). */
function medianRun(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.rps2xx - b.rps2xx);
  return sorted[(sorted.length - 1) >> 1]!;
}

export async function figureIssue(s: IssueSettings, log: (s: string) => void): Promise<IssueFigures> {
  const load = { body: BODY, headers: HEADERS, connections: s.connections };
  const throughput = await rounds(
    `ticket issue, ${s.connections} connections × ${s.throughputSec} s`,
    ['hub', 'group', 'single'] as const,
    s.runs,
    s.throughputSec,
    (url, durationSec) => runLoad({ url, ...load, durationSec }),
    (r) => `${r.rps2xx} req/s`,
    log,
  );
  const fixedRate = await rounds(
    `ticket issue at an even ${s.rate} req/s for ${s.rateSec} s (${s.rate * s.rateSec} samples a run)`,
    ['hub', 'group'] as const,
    s.runs,
    s.rateSec,
    (url, durationSec) => runPaced({ url, body: BODY, headers: HEADERS, rate: s.rate, durationSec, maxSockets: s.connections }),
    (r) => `p50 ${r.p50} p99 ${r.p99} ms`,
    log,
  );
  // The bursts' tail too is the median of the runs' p99s, each from as many samples as the even pace's.
  const autocannonRate = await rounds(
    `ticket issue with autocannon overallRate ${s.rate} for ${s.rateSec} s (${s.rate * s.rateSec} samples a run)`,
    ['hub', 'group'] as const,
    s.runs,
    s.rateSec,
    (url, durationSec) => runLoad({ url, ...load, durationSec, overallRate: s.rate }),
    (r) => `p99 ${r.p99} ms`,
    log,
  );
  const raw = throughput.raw;
  return {
    throughput: throughput.figures,
    fixedRate: { ...fixedRate.figures, rate: s.rate },
    autocannonRate: { ...autocannonRate.figures, rate: s.rate },
    perSecond: { hub: medianRun(raw.hub).perSecond, group: medianRun(raw.group).perSecond, single: medianRun(raw.single).perSecond },
  };
}
