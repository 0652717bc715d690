import { io, type Socket } from 'socket.io-client';
import type { Envelope, Resumed, Snapshot } from './protocol.ts';

/**
 * The browser side of the realtime contract, shared by kiosk-ui and display-ui. It remembers the
 * last `seq` and `hubId` it saw and sends them on every reconnect, so the hub replays exactly what
 * was missed (or sends a fresh snapshot after a restart). Envelopes at or below the known `seq`
 * are dropped: a screen never plays an event twice.
 */
export interface HubClientOptions {
  /** Defaults to the page's origin. */
  url?: string;
  token?: string;
  rooms?: string[];
  onSnapshot(snapshot: Snapshot): void;
  onEvent(envelope: Envelope<string, any>): void;
  /** Connected or not; `since` is when the link went down (for "connection lost" after 5 s). */
  onLink?(up: boolean): void;
  onError?(message: string): void;
}

export interface HubClient {
  socket: Socket;
  readonly lastSeq: number | null;
  close(): void;
}

const DERIVED = new Set(['queue.counts', 'card.read', 'print.job', 'device.status']);

export function connectHub(opts: HubClientOptions): HubClient {
  let lastSeq: number | null = null;
  let hubId: string | null = null;
  const socket = io(opts.url ?? '', {
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    auth: (cb) =>
      cb({
        ...(opts.token ? { token: opts.token } : {}),
        ...(opts.rooms ? { rooms: opts.rooms } : {}),
        ...(lastSeq !== null && hubId ? { lastSeq, hubId } : {}),
      }),
  });
  socket.on('snapshot', (s: Snapshot) => {
    lastSeq = s.seq;
    hubId = s.hubId;
    opts.onSnapshot(s);
  });
  socket.on('resumed', (r: Resumed) => {
    hubId = r.hubId;
  });
  socket.onAny((type: string, payload: unknown) => {
    if (type === 'snapshot' || type === 'resumed') return;
    const env = payload as Envelope<string, unknown>;
    if (!env || typeof env !== 'object' || typeof env.seq !== 'number') {
      opts.onEvent({ seq: lastSeq ?? 0, at: Date.now(), type, data: payload });
      return;
    }
    if (!DERIVED.has(type)) {
      if (lastSeq !== null && env.seq <= lastSeq) return;
      lastSeq = env.seq;
    }
    opts.onEvent(env);
  });
  socket.on('connect', () => opts.onLink?.(true));
  socket.on('disconnect', () => opts.onLink?.(false));
  socket.on('connect_error', (err) => {
    opts.onLink?.(false);
    opts.onError?.(err.message);
  });
  return {
    socket,
    get lastSeq() {
      return lastSeq;
    },
    close: () => socket.close(),
  };
}
