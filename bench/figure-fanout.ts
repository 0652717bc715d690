import { randomBytes } from 'node:crypto';
import { startChild } from './children.ts';
import { ClientFleet } from './fanout-clients.ts';
import { KIOSK_TOKEN } from './figure-issue.ts';
import { expectPost } from './http.ts';
import { percentile, round } from './stats.ts';
import { sleep, wallNow } from './wall-clock.ts';

/**
 * Figure 2: how long a call takes to reach 1,000 socket.io clients in room `hall`, from just before
 * the HTTP request that makes it (hub: POST /windows/1/call-next; baseline: POST /call on a bare
 * socket.io server) to the moment the LAST client's handler ran. Hub and baseline are driven the
 * same way: one call at a time, a 10 ms quiet gap before each, 5 warm-up calls dropped.
 * What the hub does on top, and is measured doing: authenticate the clerk, commit the call to SQLite
 * (fsync) before broadcasting, and broadcast `queue.counts` to the same 1,000 sockets right after.
 */

export interface FanoutResult {
  clients: number;
  clientProcesses: number;
  calls: number;
  missed: number;
  /** ms from t0 to the last client (the figure), and to the first. */
  last: { p50: number; p99: number; max: number };
  first: { p50: number; p99: number };
  /** ms from t0 to the HTTP answer of the call in the bench process. */
  http: { p50: number; p99: number };
  payloadBytes: number;
  disconnects: string[];
}

export interface FanoutSettings {
  clients: number;
  clientProcesses: number;
  calls: number;
}

const WARMUP_CALLS = 5;
const RECEIPT_TIMEOUT_MS = 5_000;

/** Sets up one target and returns a function making one call; it resolves with the callId. */
interface Target {
  script: string;
  /** After the clients are connected: log in, open the window… */
  prepare(base: string, fleet: ClientFleet): Promise<{ before(): Promise<void>; call(): Promise<string>; after(): Promise<void> }>;
}

const hub: Target = {
  script: 'hub-server.ts',
  async prepare(base, fleet) {
    const api = `${base}/api/v1`;
    const { token } = (await expectPost(`${api}/auth/login`, { jobNo: 'c1', password: 'hallq-demo' }, 200)) as { token: string };
    await expectPost(`${api}/windows/1/open`, { role: 'A' }, 200, token);
    return {
      async before() {
        const { ticket } = (await expectPost(`${api}/tickets`, { categoryId: 'ZX' }, 201, KIOSK_TOKEN)) as { ticket: { id: string; number: string } };
        // Let the issue's own broadcast (ticket.issued + queue.counts) reach everyone first; the hall's screens know it by its number.
        if (!(await fleet.waitIssued(ticket.number, RECEIPT_TIMEOUT_MS))) throw new Error(`not all clients got ticket.issued of ${ticket.number}`);
      },
      async call() {
        const body = (await expectPost(`${api}/windows/1/call-next`, {}, 200, token)) as { callId: string };
        return body.callId;
      },
      async after() {
        await expectPost(`${api}/windows/1/complete`, {}, 200, token);
      },
    };
  },
};

const baseline: Target = {
  script: 'bare-socket-server.ts',
  async prepare(base) {
    return {
      async before() {},
      async call() {
        const callId = `c_${randomBytes(12).toString('base64url')}`;
        await expectPost(`${base}/call`, { callId }, 200);
        return callId;
      },
      async after() {},
    };
  },
};

async function measure(target: Target, s: FanoutSettings, log: (s: string) => void): Promise<FanoutResult> {
  const server = await startChild(target.script);
  let fleet: ClientFleet | null = null;
  try {
    const base = `http://127.0.0.1:${Number(server.ready.port)}`;
    fleet = await ClientFleet.open(base, s.clients, s.clientProcesses, log);
    const steps = await target.prepare(base, fleet);
    const lastMs: number[] = [];
    const firstMs: number[] = [];
    const httpMs: number[] = [];
    let missed = 0;
    let bytes = 0;
    for (let i = 0; i < WARMUP_CALLS + s.calls; i++) {
      await steps.before();
      await sleep(10);
      const t0 = wallNow();
      const callId = await steps.call();
      const answered = wallNow();
      const r = await fleet.waitCalled(callId, RECEIPT_TIMEOUT_MS);
      await steps.after();
      if (i < WARMUP_CALLS) continue;
      if (!r || r.clients !== s.clients) {
        missed++;
        log(`!!!!! call ${callId}: not all ${s.clients} clients got ticket.called within ${RECEIPT_TIMEOUT_MS} ms`);
        continue;
      }
      lastMs.push(r.last - t0);
      firstMs.push(r.first - t0);
      httpMs.push(answered - t0);
      bytes = r.bytes;
    }
    if (fleet.disconnects.length > 0) log(`!!!!! ${fleet.disconnects.length} client disconnects during the run: ${fleet.disconnects.slice(0, 5).join('; ')}`);
    return {
      clients: s.clients,
      clientProcesses: fleet.size,
      calls: lastMs.length,
      missed,
      last: { p50: round(percentile(lastMs, 50)), p99: round(percentile(lastMs, 99)), max: round(percentile(lastMs, 100)) },
      first: { p50: round(percentile(firstMs, 50)), p99: round(percentile(firstMs, 99)) },
      http: { p50: round(percentile(httpMs, 50)), p99: round(percentile(httpMs, 99)) },
      payloadBytes: bytes,
      disconnects: [...fleet.disconnects],
    };
  } finally {
    if (fleet) await fleet.close();
    await server.stop();
  }
}

export async function figureFanout(s: FanoutSettings, log: (s: string) => void): Promise<{ hub: FanoutResult; baseline: FanoutResult }> {
  log(`figure 2: a call reaching ${s.clients} socket.io clients (${s.clientProcesses} client processes), ${s.calls} calls, hub…`);
  const h = await measure(hub, s, log);
  log(`  hub p50 ${h.last.p50} ms, p99 ${h.last.p99} ms; baseline…`);
  const b = await measure(baseline, s, log);
  log(`  baseline p50 ${b.last.p50} ms, p99 ${b.last.p99} ms`);
  return { hub: h, baseline: b };
}
