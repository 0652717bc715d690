import { KIOSK_TOKEN } from './figure-issue.ts';
import type { HallListener } from './hall-listener.ts';
import { expectPost } from './http.ts';
import { sleep, wallNow } from './wall-clock.ts';

/**
 * The hall's side of figures 6 and 7: the kiosk issues a ZX ticket, clerk c1 at window 1 (role A)
 * calls it and completes it, all over the hub's HTTP API from the bench process. Nobody else waits,
 * so "call next" calls the ticket just issued (checked).
 */

const ISSUED_TIMEOUT_MS = 5_000;
/** Quiet time before a call, after the issue's own broadcasts (ticket.issued, queue.counts) are in. */
const GAP_MS = 50;

export interface Call {
  /** Bench wall time right before POST /windows/1/call-next: t0 of both figures. */
  t0: number;
  /** ms from t0 to the HTTP answer. */
  httpMs: number;
  callId: string;
  number: string;
}

export class Clerk {
  readonly #api: string;
  readonly #token: string;
  readonly #hall: HallListener;

  private constructor(api: string, token: string, hall: HallListener) {
    this.#api = api;
    this.#token = token;
    this.#hall = hall;
  }

  /** Logs c1 in and opens window 1 as its A. */
  static async signIn(base: string, hall: HallListener): Promise<Clerk> {
    const api = `${base}/api/v1`;
    const { token } = (await expectPost(`${api}/auth/login`, { jobNo: 'c1', password: 'hallq-demo' }, 200)) as { token: string };
    await expectPost(`${api}/windows/1/open`, { role: 'A' }, 200, token);
    return new Clerk(api, token, hall);
  }

  /** Issues a ticket as the kiosk; resolves with its number once the bare client has its ticket.issued, plus a quiet gap. */
  async issue(): Promise<string> {
    const { ticket } = (await expectPost(`${this.#api}/tickets`, { categoryId: 'ZX' }, 201, KIOSK_TOKEN)) as { ticket: { id: string; number: string } };
    if ((await this.#hall.waitFor(() => this.#hall.issued.get(ticket.number), ISSUED_TIMEOUT_MS)) === null) {
      throw new Error(`the bare socket.io client got no ticket.issued for ${ticket.number} within ${ISSUED_TIMEOUT_MS} ms`);
    }
    await sleep(GAP_MS);
    return ticket.number;
  }

  /** POST call-next, timed; throws if it called another number than `expected`. */
  async callNext(expected: string): Promise<Call> {
    const t0 = wallNow();
    const body = (await expectPost(`${this.#api}/windows/1/call-next`, {}, 200, this.#token)) as { callId: string; ticket: { number: string } };
    const httpMs = wallNow() - t0;
    if (body.ticket.number !== expected) throw new Error(`call-next called ${body.ticket.number}, not ${expected}: is something else waiting?`);
    return { t0, httpMs, callId: body.callId, number: body.ticket.number };
  }

  async complete(): Promise<void> {
    await expectPost(`${this.#api}/windows/1/complete`, {}, 200, this.#token);
  }
}
