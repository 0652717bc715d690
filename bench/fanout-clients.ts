import { startChild, type Child } from './children.ts';
import type { WorkerReady, WorkerReport } from './fanout-protocol.ts';

/**
 * The 1,000 listening clients, spread over worker processes (bench/socket-clients.ts).
 *
 * Why worker processes and not the bench process: the bench process also times the calls, and with
 * 1,000 sockets in it, client-side decoding would delay its own HTTP calls and timers. Why two and
 * not one: in one process the 1,000 decodes queue behind each other, and the hub's extra
 * `queue.counts` broadcast after each call gets decoded on the early sockets before the late
 * sockets' `ticket.called` is read, so the client side, not the server, set the figure (tried on
 * this 2-core box: last-client p50 hub ~47 ms vs bare ~20 ms with one process, ~28 vs ~22 with two).
 * Two workers let the decoding use both cores. BENCH_CLIENT_PROCS overrides the count.
 */
export interface CallReceipt {
  callId: string;
  clients: number;
  /** Wall time the first and the last client of all workers got the event. */
  first: number;
  last: number;
  bytes: number;
}

export class ClientFleet {
  readonly #workers: Child[];
  readonly #called = new Map<string, Extract<WorkerReport, { kind: 'called' }>[]>();
  readonly #issued = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  readonly disconnects: string[] = [];

  private constructor(workers: Child[]) {
    this.#workers = workers;
    for (const w of workers) {
      w.proc.on('message', (m: WorkerReport) => {
        if (m.kind === 'called') {
          const list = this.#called.get(m.callId) ?? [];
          list.push(m);
          this.#called.set(m.callId, list);
        } else if (m.kind === 'issued') {
          this.#issued.set(m.ticketId, (this.#issued.get(m.ticketId) ?? 0) + 1);
        } else {
          this.disconnects.push(`${m.reason} (${m.connected} left in worker ${w.proc.pid})`);
        }
        for (const wake of this.#waiters) wake();
      });
    }
  }

  static async open(url: string, total: number, procs: number, log: (s: string) => void): Promise<ClientFleet> {
    const per = Array.from({ length: procs }, (_, i) => Math.floor(total / procs) + (i < total % procs ? 1 : 0));
    const started = await Promise.allSettled(per.map((n) => startChild('socket-clients.ts', [url, String(n)], { readyTimeoutMs: 120_000 })));
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((c) => c.stop()));
      throw failed.reason;
    }
    const ready = ok.map((c) => c.ready as unknown as WorkerReady);
    log(`  ${ready.reduce((a, r) => a + r.clients, 0)} clients in ${procs} processes connected (slowest process ${Math.max(...ready.map((r) => r.connectMs))} ms)`);
    return new ClientFleet(ok);
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Resolves when every worker has reported the call, or with null after `timeoutMs`. */
  async waitCalled(callId: string, timeoutMs: number): Promise<CallReceipt | null> {
    const ok = await this.#until(() => (this.#called.get(callId)?.length ?? 0) >= this.#workers.length, timeoutMs);
    const parts = this.#called.get(callId) ?? [];
    this.#called.delete(callId);
    if (!ok) return null;
    return {
      callId,
      clients: parts.reduce((a, p) => a + p.clients, 0),
      first: Math.min(...parts.map((p) => p.first)),
      last: Math.max(...parts.map((p) => p.last)),
      bytes: parts[0]?.bytes ?? 0,
    };
  }

  /** Resolves true when every client got the `ticket.issued` of this ticket. */
  async waitIssued(ticketId: string, timeoutMs: number): Promise<boolean> {
    const ok = await this.#until(() => (this.#issued.get(ticketId) ?? 0) >= this.#workers.length, timeoutMs);
    this.#issued.delete(ticketId);
    return ok;
  }

  #until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (v: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(v);
      };
      this.#waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
  }
}
