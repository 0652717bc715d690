import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { hallView } from '../api/views.ts';
import type { Principal, Principals } from '../auth/principals.ts';
import type { HallConfig } from '../config/schema.ts';
import { estimateFor } from '../domain/estimate.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { publicData } from './mask.ts';
import { MAX_REPLAY, type Envelope, type Handshake, type QueueCounts, type Resumed, type Snapshot } from './protocol.ts';
import { allowedRooms, defaultRooms, routeOf } from './rooms.ts';

export interface RealtimeDeps {
  handler: CommandHandler;
  config: HallConfig;
  principals: Principals;
  /** New on every hub start: a client holding another hubId gets a fresh snapshot. */
  hubId: string;
}

/** `queue.counts` goes out at most this often. */
export const COUNTS_COALESCE_MS = 250;

interface SocketData {
  principal: Principal | null;
  token: string | null;
  rooms: string[];
}

/** How often live sockets are checked against their session (logout, expiry). */
export const SESSION_SWEEP_MS = 30_000;

/**
 * socket.io on the hub's HTTP server. Events are broadcast only after their transaction commits,
 * and a reconnecting client is brought up to date from the SQLite log, not from memory.
 */
export function attachRealtime(server: HttpServer, deps: RealtimeDeps): Server {
  const { handler, config, principals, hubId } = deps;
  const io = new Server(server, { path: '/socket.io', serveClient: false, cors: { origin: false } });

  io.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Handshake;
    const principal = principals.resolve(typeof auth.token === 'string' ? auth.token : undefined);
    if (auth.token && !principal) return next(Object.assign(new Error('HQ_ERR_AUTH_REQUIRED: 令牌无效 / invalid token'), { data: { code: 'HQ_ERR_AUTH_REQUIRED' } }));
    const allowed = allowedRooms(principal, config);
    const wanted = Array.isArray(auth.rooms) && auth.rooms.length > 0 ? auth.rooms.map(String) : defaultRooms(principal);
    const refused = wanted.filter((r) => !allowed.has(r));
    if (refused.length > 0) {
      return next(Object.assign(new Error(`HQ_ERR_FORBIDDEN: 无权加入 / not allowed to join ${refused.join(', ')}`), { data: { code: 'HQ_ERR_FORBIDDEN', rooms: refused } }));
    }
    (socket.data as SocketData) = { principal, token: typeof auth.token === 'string' ? auth.token : null, rooms: [...new Set(wanted)] };
    next();
  });

  io.on('connection', async (socket: Socket) => {
    // Catch up from what is on disk: wait out a commit in progress (its events are then broadcast
    // before this socket joins, and the log holds them).
    while (handler.uncommitted) await handler.whenCommitted();
    if (socket.disconnected) return;
    const data = socket.data as SocketData;
    const auth = (socket.handshake.auth ?? {}) as Handshake;
    // Synchronous from here to join(): no commit can slip between the catch-up and the live stream.
    const seq = handler.seq;
    const lastSeq = typeof auth.lastSeq === 'number' && Number.isInteger(auth.lastSeq) ? auth.lastSeq : null;
    const canReplay = lastSeq !== null && auth.hubId === hubId && lastSeq <= seq && seq - lastSeq <= MAX_REPLAY;
    if (canReplay) {
      const missed = handler.log.readSince(lastSeq, MAX_REPLAY);
      let replayed = 0;
      for (const e of missed) {
        const env = envelopeFor(e, data.rooms);
        if (env) {
          socket.emit(e.type, env);
          replayed++;
        }
      }
      socket.emit('resumed', { hubId, fromSeq: lastSeq, seq, replayed } satisfies Resumed);
    } else {
      const snapshot: Snapshot = { seq, hubId, rooms: data.rooms, state: hallView(handler.state, config, handler.clock.now()) };
      socket.emit('snapshot', snapshot);
    }
    socket.join(data.rooms);
  });

  /** The payload one socket may see of one event, given its rooms; null when the event is not for it. */
  function envelopeFor(e: StoredEvent, rooms: string[]): Envelope | null {
    const route = routeOf(e);
    if (route.privateRooms.some((r) => rooms.includes(r))) return { seq: e.seq, at: e.at, type: e.type, data: e.data };
    if (route.publicRooms.some((r) => rooms.includes(r))) return { seq: e.seq, at: e.at, type: e.type, data: publicData(e) };
    return null;
  }

  // A socket lives no longer than the session that opened it: logout ends it at once, expiry within a sweep.
  const endSessionSockets = (token: string | null) => {
    for (const socket of io.of('/').sockets.values()) {
      const d = socket.data as SocketData;
      if (!d.token || d.principal?.kind !== 'staff') continue;
      if ((token !== null && d.token === token) || (token === null && !principals.resolve(d.token))) socket.disconnect(true);
    }
  };
  principals.onSessionEnded((token) => endSessionSockets(token));
  const sweep = setInterval(() => endSessionSockets(null), SESSION_SWEEP_MS);
  sweep.unref();
  io.engine.once('close', () => clearInterval(sweep));

  let countsTimer: NodeJS.Timeout | null = null;
  handler.onCommitted((events) => {
    let countsChanged = false;
    for (const e of events) {
      const route = routeOf(e);
      const full: Envelope = { seq: e.seq, at: e.at, type: e.type, data: e.data };
      io.to(route.privateRooms).emit(e.type, full);
      if (route.publicRooms.length > 0) io.to(route.publicRooms).except(route.privateRooms).emit(e.type, { ...full, data: publicData(e) });
      if (e.type.startsWith('ticket.') || e.type.startsWith('window.')) countsChanged = true;
    }
    if (countsChanged && !countsTimer) {
      // Counts are derived and only need to be fresh within a moment: one broadcast per burst,
      // not one per event on top of the event itself.
      const sendCounts = () => {
        // Counts from a committed state only: wait out a group still on its way to disk.
        if (handler.uncommitted) {
          countsTimer = setTimeout(sendCounts, 10);
          countsTimer.unref();
          return;
        }
        countsTimer = null;
        const counts: QueueCounts = {
          seq: handler.seq,
          at: handler.clock.now(),
          type: 'queue.counts',
          data: {
            categories: config.categories.map((c) => {
              const waiting = handler.state.waiting.get(c.id)?.size ?? 0;
              return { id: c.id, waiting, estimatedWaitMin: estimateFor(handler.state, config, c.id, waiting).minutes };
            }),
          },
        };
        io.to(['hall', 'manager']).emit('queue.counts', counts);
      };
      countsTimer = setTimeout(sendCounts, COUNTS_COALESCE_MS);
      countsTimer.unref();
    }
  });


  return io;
}

/** Emits an ephemeral, unlogged message to one room (a card read for a kiosk, say). */
export function emitTo(io: Server, room: string, type: string, data: unknown): void {
  io.to(room).emit(type, data);
}
