import { io, type Socket } from 'socket.io-client';
import { wallNow } from './wall-clock.ts';

/**
 * A bare socket.io client in the bench process, in room `hall` like the wall page (auth {}, no token):
 * the baseline of figures 6 and 7, i.e. what the hub delivers without a browser rendering or playing it.
 * Takes wall time (wallNow) in the handler of each `ticket.issued`, `ticket.called` and `announcement`,
 * after socket.io decoded it. One client only: the bench process is otherwise idle while it waits.
 */

/** The fields of the hub's `announcement` event (src/announcer/announcer.ts, Announcement) the bench uses. */
export interface AnnouncementEvent {
  callId: string;
  number: string;
  audioUrl: string | null;
  repeat: number;
  durationMs: number;
  totalMs: number;
  /** Hub Date.now() of announce() (the commit of the call), of the start, and of the end of the last play. */
  queuedAt: number;
  startAt: number;
  endsAt: number;
}

export class HallListener {
  readonly issued = new Map<string, number>();
  readonly called = new Map<string, number>();
  readonly announced = new Map<string, { at: number; a: AnnouncementEvent }>();
  readonly disconnects: string[] = [];
  readonly #socket: Socket;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    // Keyed by number: a public screen is not told the ticket's id (realtime/disclosure.ts).
    socket.on('ticket.issued', (env: { data?: { ticketId?: string; number?: string } }) => {
      const at = wallNow();
      const key = env.data?.number ?? env.data?.ticketId;
      if (key) this.#got(() => this.issued.set(key, at));
    });
    socket.on('ticket.called', (env: { data?: { callId?: string } }) => {
      const at = wallNow();
      if (env.data?.callId) this.#got(() => this.called.set(env.data!.callId!, at));
    });
    socket.on('announcement', (a: AnnouncementEvent) => {
      const at = wallNow();
      if (a?.callId) this.#got(() => this.announced.set(a.callId, { at, a }));
    });
    socket.on('disconnect', (reason) => this.disconnects.push(reason));
  }

  /** Connects and resolves once the hub's `snapshot` is in. */
  static open(base: string, timeoutMs = 10_000): Promise<HallListener> {
    return new Promise((resolve, reject) => {
      const s = io(base, { transports: ['websocket'], auth: {}, forceNew: true, reconnection: false, timeout: timeoutMs });
      const listener = new HallListener(s);
      const timer = setTimeout(() => {
        s.disconnect();
        reject(new Error(`no snapshot within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('snapshot', () => {
        clearTimeout(timer);
        resolve(listener);
      });
      s.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  #got(record: () => void): void {
    record();
    for (const wake of this.#waiters) wake();
  }

  /** Resolves with `get()` once it is defined (checked on every event), or null after the timeout. */
  async waitFor<T>(get: () => T | undefined, timeoutMs: number): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = get();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  close(): void {
    this.#socket.disconnect();
  }
}
