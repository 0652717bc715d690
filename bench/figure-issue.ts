import { startChild } from './children.ts';
import { postJson } from './http.ts';
import { runLoad, type LoadResult, type LoadSpec } from './load-http.ts';

/**
 * Figure 1: durable ticket issue through HTTP (POST /api/v1/tickets, kiosk token, category ZX),
 * against a hub child process and against a bare fastify + better-sqlite3 child (same pragmas).
 * Each run gets a fresh server process and database, and a 1 s warm-up whose numbers are dropped.
 */

export const KIOSK_TOKEN = 'test-kiosk-token-000000001';
const BODY = JSON.stringify({ categoryId: 'ZX' });
const HEADERS = { authorization: `Bearer ${KIOSK_TOKEN}` };

export interface IssueFigures {
  throughput: { hub: LoadResult; baseline: LoadResult };
  fixedRate: { rate: number; hub: LoadResult; baseline: LoadResult };
}

export interface IssueSettings {
  connections: number;
  throughputSec: number;
  rate: number;
  rateSec: number;
}

type Target = 'hub' | 'baseline';
const SCRIPT: Record<Target, string> = { hub: 'hub-server.ts', baseline: 'bare-http-server.ts' };

async function measure(target: Target, spec: Omit<LoadSpec, 'url' | 'body' | 'headers'>, log: (s: string) => void): Promise<LoadResult> {
  const child = await startChild(SCRIPT[target]);
  try {
    const url = `http://127.0.0.1:${Number(child.ready.port)}/api/v1/tickets`;
    await runLoad({ url, body: BODY, headers: HEADERS, ...spec, durationSec: 1 });
    const result = await runLoad({ url, body: BODY, headers: HEADERS, ...spec });
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

export async function figureIssue(s: IssueSettings, log: (s: string) => void): Promise<IssueFigures> {
  const closed = { connections: s.connections, durationSec: s.throughputSec };
  log(`figure 1: ticket issue, ${s.connections} connections × ${s.throughputSec} s, hub…`);
  const hubT = await measure('hub', closed, log);
  log(`  hub ${hubT.rps2xx} req/s; baseline…`);
  const baseT = await measure('baseline', closed, log);
  log(`  baseline ${baseT.rps2xx} req/s`);

  const open = { connections: s.connections, durationSec: s.rateSec, overallRate: s.rate };
  log(`figure 1: ticket issue at a fixed ${s.rate} req/s for ${s.rateSec} s, hub…`);
  const hubR = await measure('hub', open, log);
  log(`  hub p99 ${hubR.p99} ms; baseline…`);
  const baseR = await measure('baseline', open, log);
  log(`  baseline p99 ${baseR.p99} ms`);

  return { throughput: { hub: hubT, baseline: baseT }, fixedRate: { rate: s.rate, hub: hubR, baseline: baseR } };
}
