import { startChild } from './children.ts';
import { postJson } from './http.ts';
import { runLoad, type LoadResult } from './load-http.ts';
import { runPaced } from './paced-load.ts';

/**
 * Figure 1: durable ticket issue through HTTP (POST /api/v1/tickets, kiosk token, category ZX),
 * against a hub child process and against a bare fastify + better-sqlite3 child (same pragmas).
 * Every run gets a fresh server process and database, and a 1 s warm-up whose numbers are dropped,
 * so no run inherits the queue another one built up. Hub and baseline alternate.
 */

export const KIOSK_TOKEN = 'test-kiosk-token-000000001';
const BODY = JSON.stringify({ categoryId: 'ZX' });
const HEADERS = { authorization: `Bearer ${KIOSK_TOKEN}` };

export interface Pair {
  hub: LoadResult;
  baseline: LoadResult;
}

export interface IssueFigures {
  /** Closed loop: `connections` connections, each sending as soon as its last answer came. */
  throughput: Pair;
  /** Open loop at an even `rate` (bench/paced-load.ts): the target figure. */
  fixedRate: Pair & { rate: number };
  /** autocannon `overallRate: rate`, which sends in a burst every second (see paced-load.ts). */
  autocannonRate: Pair & { rate: number };
}

export interface IssueSettings {
  connections: number;
  throughputSec: number;
  rate: number;
  rateSec: number;
  burstSec: number;
}

type Target = 'hub' | 'baseline';
const SCRIPT: Record<Target, string> = { hub: 'hub-server.ts', baseline: 'bare-http-server.ts' };
type Runner = (url: string, durationSec: number) => Promise<LoadResult>;

async function measure(target: Target, durationSec: number, run: Runner, log: (s: string) => void): Promise<LoadResult> {
  const child = await startChild(SCRIPT[target]);
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

async function pair(title: string, durationSec: number, run: Runner, show: (r: LoadResult) => string, log: (s: string) => void): Promise<Pair> {
  log(`figure 1: ${title}, hub…`);
  const hub = await measure('hub', durationSec, run, log);
  log(`  hub ${show(hub)}; baseline…`);
  const baseline = await measure('baseline', durationSec, run, log);
  log(`  baseline ${show(baseline)}`);
  return { hub, baseline };
}

export async function figureIssue(s: IssueSettings, log: (s: string) => void): Promise<IssueFigures> {
  const load = { body: BODY, headers: HEADERS, connections: s.connections };
  const throughput = await pair(
    `ticket issue, ${s.connections} connections × ${s.throughputSec} s`,
    s.throughputSec,
    (url, durationSec) => runLoad({ url, ...load, durationSec }),
    (r) => `${r.rps2xx} req/s`,
    log,
  );
  const fixedRate = await pair(
    `ticket issue at an even ${s.rate} req/s for ${s.rateSec} s`,
    s.rateSec,
    (url, durationSec) => runPaced({ url, body: BODY, headers: HEADERS, rate: s.rate, durationSec, maxSockets: s.connections }),
    (r) => `p99 ${r.p99} ms`,
    log,
  );
  const autocannonRate = await pair(
    `ticket issue with autocannon overallRate ${s.rate} for ${s.burstSec} s`,
    s.burstSec,
    (url, durationSec) => runLoad({ url, ...load, durationSec, overallRate: s.rate }),
    (r) => `p99 ${r.p99} ms`,
    log,
  );
  return { throughput, fixedRate: { ...fixedRate, rate: s.rate }, autocannonRate: { ...autocannonRate, rate: s.rate } };
}
