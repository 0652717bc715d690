import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PASSWORD } from '../test/support/test-config.ts';
import { startChild, type Child } from './children.ts';
import { KIOSK_TOKEN } from './figure-issue.ts';
import { AGENT_KIOSK_TOKEN, type ReceiptReport } from './kiosk-protocol.ts';
import { latencyStats, type LatencyStats } from './kiosk-print.ts';
import { loadNow, median } from './runs.ts';
import { round } from './stats.ts';
import { sleep, wallNow } from './wall-clock.ts';

/**
 * Figure 10 (issue #14): a kiosk's ticket with its printer on a device agent, from the kiosk's
 * POST /api/v1/tickets to the last byte at the printer, beside the same with the printer in the hub.
 * Three processes: the hub (bench/agent-hub-server.ts), the agent (bench/agent-process.ts, the real
 * `npm run agent`, paired through the API as a manager would), and this bench. The agent's path is
 * the hub's commit, the print command written to the command table and sent over socket.io, the
 * agent's journal (two fsyncs) and its print queue over TCP to a fake LAN printer.
 *
 * t0: the bench, right before it sends the kiosk's POST (what a kiosk sends on a tap: its token and an
 * idempotency key), over a kept-alive connection; t1: the wall time the printer, in the hub's process,
 * read the chunk with the ticket's cut. The two paths alternate, a quiet gap before each; warm-ups
 * dropped. The figure is the median over runs of each run's p95.
 */
export interface AgentPrintSettings {
  /** Samples of each path per run, after the warm-ups. */
  samples: number;
  runs: number;
}

export interface AgentPrintRun {
  agent: LatencyStats;
  hub: LatencyStats;
  missed: number;
  load: number;
}

export interface AgentPrintFigures {
  runs: AgentPrintRun[];
  /** Field by field, the median of the runs. */
  median: { agent: { p50: number; p95: number; max: number }; hub: { p50: number; p95: number; max: number }; samples: number; missed: number };
}

const WARMUP = 5;
const GAP_MS = 20;
const RECEIPT_TIMEOUT_MS = 5_000;

export async function figureAgentPrint(s: AgentPrintSettings, log: (s: string) => void): Promise<AgentPrintFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-bench-agent-'));
  let hub: Child | null = null;
  let agent: Child | null = null;
  try {
    hub = await startChild('agent-hub-server.ts');
    const base = `http://127.0.0.1:${Number(hub.ready.port)}`;
    const got: ReceiptReport[] = [];
    hub.proc.on('message', (m: ReceiptReport) => {
      if (m?.kind === 'receipt') got.push(m);
    });
    agent = await startChild('agent-process.ts', ['--hub', base, '--dir', join(dir, 'agent'), '--page-port', '0']);
    await pair(base, log);

    const take = async (number: string): Promise<ReceiptReport | null> => {
      const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
      for (;;) {
        const i = got.findIndex((r) => r.lines.some((l) => l.trim() === number));
        if (i >= 0) return got.splice(i, 1)[0]!;
        if (Date.now() > deadline) return null;
        await sleep(1);
      }
    };
    const once = async (path: 'agent' | 'hub'): Promise<number | null> => {
      await sleep(GAP_MS);
      const t0 = wallNow();
      const res = await fetch(`${base}/api/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${path === 'agent' ? AGENT_KIOSK_TOKEN : KIOSK_TOKEN}`, 'idempotency-key': `bench-${randomBytes(8).toString('hex')}` },
        body: JSON.stringify({ categoryId: 'ZX' }),
      });
      const number = ((await res.json().catch(() => null)) as { ticket?: { number?: string } } | null)?.ticket?.number;
      const receipt = res.status === 201 && number ? await take(number) : null;
      if (!receipt || receipt.printer !== path) {
        log(`!!!!! ${path} path: ${res.status !== 201 || !number ? `POST answered ${res.status}` : !receipt ? `no receipt with ${number} within ${RECEIPT_TIMEOUT_MS} ms` : `${number} came out of the ${receipt.printer} printer`}`);
        return null;
      }
      return receipt.lastByteAt - t0;
    };

    const runs: AgentPrintRun[] = [];
    for (let r = 0; r < s.runs; r++) {
      const samples = { agent: [] as number[], hub: [] as number[] };
      let missed = 0;
      for (let i = 0; i < WARMUP + s.samples; i++) {
        for (const path of ['agent', 'hub'] as const) {
          const ms = await once(path);
          if (i < WARMUP) continue;
          if (ms === null) missed++;
          else samples[path].push(ms);
        }
      }
      const run = { agent: latencyStats(samples.agent), hub: latencyStats(samples.hub), missed, load: round(loadNow(), 2) };
      runs.push(run);
      log(`  run ${r + 1}: agent p50 ${run.agent.p50} ms, p95 ${run.agent.p95} ms; in-hub p50 ${run.hub.p50} ms, p95 ${run.hub.p95} ms; missed ${missed}; load ${run.load}`);
    }
    const pick = (path: 'agent' | 'hub', k: 'p50' | 'p95' | 'max') => round(median(runs.map((x) => x[path][k])));
    return {
      runs,
      median: {
        agent: { p50: pick('agent', 'p50'), p95: pick('agent', 'p95'), max: pick('agent', 'max') },
        hub: { p50: pick('hub', 'p50'), p95: pick('hub', 'p95'), max: pick('hub', 'max') },
        samples: median(runs.map((x) => x.agent.n)),
        missed: runs.reduce((a, x) => a + x.missed, 0),
      },
    };
  } finally {
    await agent?.stop();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Approves the agent's request with the code it was given, as a manager does, and waits for its link. */
async function pair(base: string, log: (s: string) => void): Promise<void> {
  const json = async (path: string, init: RequestInit = {}, token?: string) => {
    const res = await fetch(`${base}/api/v1${path}`, { ...init, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    return (await res.json()) as any;
  };
  const manager = (await json('/auth/login', { method: 'POST', body: JSON.stringify({ jobNo: 'm1', password: TEST_PASSWORD }) })).token as string;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pending = ((await json('/agents', {}, manager)).agents as { id: string; code: string; status: string }[]).find((a) => a.status === 'pending');
    if (pending) {
      await json(`/agents/${pending.id}/approve`, { method: 'POST', body: JSON.stringify({ code: pending.code, name: 'bench-kiosk-2', devices: ['printer:kiosk-2'] }) }, manager);
      break;
    }
    if (Date.now() > deadline) throw new Error('the agent never asked to be paired');
    await sleep(50);
  }
  // Linked once its printer's state reaches the board through the agent.
  for (;;) {
    const d = ((await json('/devices', {}, manager)).devices as { id: string; host: string }[]).find((x) => x.id === 'printer:kiosk-2');
    if (d?.host === 'bench-kiosk-2') break;
    if (Date.now() > deadline) throw new Error('the agent never reported its printer');
    await sleep(50);
  }
  log('  agent paired and linked');
}
