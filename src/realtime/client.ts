import { io, type Socket } from 'socket.io-client';
import { replayEvents, SIDE_MESSAGES, type AnyEnvelope, type ClientToServerEvents, type Envelope, type Replay, type Resumed, type ServerToClientEvents, type SideMessages, type SideMessageType, type Snapshot } from './protocol.ts';

/**
 * The browser side of the realtime contract, shared by kiosk-ui and display-ui. It remembers the
 * last `seq` and `hubId` it saw and sends them on every reconnect, so the hub replays exactly what
 * was missed (or sends a fresh snapshot). Envelopes at or below the known `seq` are dropped, and
 * live envelopes that overtake a catch-up are held until it ends: a screen never plays an event
 * twice or out of order.
 */
export interface HubClientOptions {
  /** Defaults to the page's origin. */
  url?: string;
  token?: string;
  rooms?: string[];
  onSnapshot(snapshot: Snapshot): void;
  /** A logged event, live or replayed, in seq order. */
  onEvent(envelope: AnyEnvelope): void;
  /** An unlogged message (counts, device traffic). */
  onMessage?<K extends SideMessageType>(type: K, message: SideMessages[K]): void;
  /**
   * The client is up to date after a (re)connect: by a snapshot or a completed replay.
   * `reconnect` is false for the page's first connection; `now` is the hub's clock.
   */
  onSynced?(info: { via: 'snapshot' | 'replay'; reconnect: boolean; now: number }): void;
  /** Connected or not (for "connection lost" after 5 s). */
  onLink?(up: boolean): void;
  onError?(message: string): void;
}

export interface HubClient {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly lastSeq: number | null;
  close(): void;
}

export function connectHub(opts: HubClientOptions): HubClient {
  let lastSeq: number | null = null;
  let hubId: string | null = null;
  let synced = false;
  let everSynced = false;
  let held: AnyEnvelope[] = [];
  let sessionEnded = false;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(opts.url ?? '', {
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

  const apply = (env: AnyEnvelope) => {
    if (lastSeq !== null && env.seq <= lastSeq) return;
    lastSeq = env.seq;
    opts.onEvent(env);
  };
  const finishSync = (via: 'snapshot' | 'replay', now: number) => {
    const pending = held.sort((a, b) => a.seq - b.seq);
    held = [];
    synced = true;
    for (const env of pending) apply(env);
    opts.onSynced?.({ via, reconnect: everSynced, now });
    everSynced = true;
  };

  socket.on('snapshot', (s) => {
    lastSeq = s.seq;
    hubId = s.hubId;
    opts.onSnapshot(s);
    finishSync('snapshot', s.state.now);
  });
  socket.on('replay', (r: Replay) => {
    hubId = r.hubId;
    for (const env of replayEvents(r)) apply(env);
  });
  socket.on('resumed', (r: Resumed) => {
    hubId = r.hubId;
    finishSync('replay', r.now);
  });
  socket.on('session.ended', () => {
    sessionEnded = true;
  });
  socket.onAny((type: string, payload: unknown) => {
    if (type === 'snapshot' || type === 'replay' || type === 'resumed') return;
    if (SIDE_MESSAGES.has(type)) {
      opts.onMessage?.(type as SideMessageType, payload as never);
      return;
    }
    const env = payload as Envelope;
    if (!env || typeof env !== 'object' || typeof env.seq !== 'number') return;
    if (!synced) held.push(env as AnyEnvelope);
    else apply(env as AnyEnvelope);
  });
  socket.on('connect', () => {
    synced = false;
    opts.onLink?.(true);
  });
  socket.on('disconnect', (reason) => {
    synced = false;
    // How often this page lost the hub: for tests and for whoever debugs a screen in the hall.
    const g = globalThis as { __hallqLinkDrops?: number };
    g.__hallqLinkDrops = (g.__hallqLinkDrops ?? 0) + 1;
    opts.onLink?.(false);
    // A hub that closes sockets itself (an older hub's shutdown) must not strand the screen; a
    // deliberate session end must not loop.
    if (reason === 'io server disconnect' && !sessionEnded) setTimeout(() => socket.connect(), 1000);
  });
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
