import { io, type Socket } from 'socket.io-client';
import { replayEvents } from '../../src/realtime/protocol.ts';

/** One message a test client received: the socket.io event name and its payload. */
export interface Received {
  event: string;
  payload: any;
  /** Unpacked from a batched `replay` message. */
  replayed?: boolean;
}

/**
 * A socket.io client that records every message it receives, in arrival order, from the moment it
 * connects (the hub sends `snapshot` or the replay right after the handshake).
 */
export class RecordingClient {
  readonly received: Received[] = [];
  #closed = false;

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: any) => {
      this.received.push({ event, payload });
      // A batched replay: each envelope is recorded as if it had come under its own name.
      if (event === 'replay') for (const env of replayEvents(payload)) this.received.push({ event: env.type, payload: env, replayed: true });
    });
  }

  /** Connects and resolves once the handshake is accepted; rejects with the `connect_error`. */
  static connect(url: string, auth: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<RecordingClient> {
    const socket = io(url, {
      path: '/socket.io',
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: timeoutMs,
    });
    const client = new RecordingClient(socket);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`socket did not connect to ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(client);
      });
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        socket.close();
        reject(err);
      });
      socket.connect();
    });
  }

  /** Messages received so far under one event name (or all but `queue.counts` and the raw `replay` batches when omitted). */
  of(event?: string): any[] {
    return this.received.filter((r) => (event === undefined ? r.event !== 'queue.counts' && r.event !== 'replay' : r.event === event)).map((r) => r.payload);
  }

  /**
   * Waits (bounded) until a received message satisfies `pred`; returns it. The deadline only stops a
   * hung test: it never decides an outcome that depends on speed.
   */
  async waitFor(pred: (r: Received) => boolean, what: string, timeoutMs = 10_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline || this.#closed) {
        throw new Error(`never received ${what}; got: ${this.received.map((r) => `${r.event}#${r.payload?.seq ?? ''}`).join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Waits for a message of type `event` whose payload satisfies `pred`. */
  async waitForEvent(event: string, pred: (payload: any) => boolean = () => true, timeoutMs?: number): Promise<any> {
    return (await this.waitFor((r) => r.event === event && pred(r.payload), event, timeoutMs)).payload;
  }

  /** Highest `seq` seen in a snapshot or an envelope. */
  lastSeq(): number {
    let seq = 0;
    for (const r of this.received) if (typeof r.payload?.seq === 'number' && r.payload.seq > seq) seq = r.payload.seq;
    return seq;
  }

  close(): void {
    this.#closed = true;
    this.socket.close();
  }
}

/** Expects a connection to be refused; resolves with the `connect_error`. */
export async function expectRefused(url: string, auth: Record<string, unknown>): Promise<Error & { data?: any }> {
  try {
    const c = await RecordingClient.connect(url, auth);
    c.close();
  } catch (err) {
    return err as Error & { data?: any };
  }
  throw new Error(`connection with ${JSON.stringify(auth)} was accepted`);
}
