import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Principal, Principals } from '../auth/principals.ts';
import type { HallConfig } from '../config/schema.ts';
import { estimateFor } from '../domain/estimate.ts';
import { businessDate } from '../domain/calendar.ts';
import { probeIssue } from '../domain/decide.ts';
import { hallView, issueStateOf, longestWaitingSince } from '../read-model/hall-view.ts';
import type { StoredEvent } from '../store/event-log.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { ReadonlyHallState } from '../domain/state.ts';
import { dataFor, routeOf, tierFor, type Route } from './disclosure.ts';
import {
  MAX_REPLAY,
  PUBLIC_MAX_REPLAY,
  REPLAY_CHUNK,
  type ClientToServerEvents,
  type Handshake,
  type QueueCounts,
  type ServerToClientEvents,
  type SideMessages,
  type SideMessageType,
  type Snapshot,
} from './protocol.ts';
import { envelopeJson, RecentEvents } from './recent-events.ts';
import { allowedRooms, defaultRooms, isPublicRoom } from './rooms.ts';
import { TurnBudget } from './turn-budget.ts';

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  handler: CommandHandler;
  config: HallConfig;
  principals: Principals;
  /** The event log's identity (`hubIdOf`): the same across restarts, new for a new log. */
  hubId: string;
}

/** `queue.counts` goes out at most this often. */
export const COUNTS_COALESCE_MS = 250;

/** How often live sockets are checked against their session (logout, expiry). */
export const SESSION_SWEEP_MS = 30_000;

/** How long one public snapshot is reused (it is the same for every screen at a seq). */
const SNAPSHOT_REUSE_MS = 1_000;

export interface SocketData {
  principal: Principal | null;
  token: string | null;
  rooms: string[];
}

export interface Realtime {
  io: HubServer;
  recent: RecentEvents;
  /** Sends an unlogged message (device traffic, counts) to one room. */
  emitTo<K extends SideMessageType>(room: string | string[], type: K, message: SideMessages[K]): void;
}

/** Replay chunks kept for sockets that ask for the same range (a storm after a network blip). */
const REPLAY_CHUNKS_KEPT = 16;

/** Replay work (the JSON of chunks and their sending) done in one turn of the event loop at most. */
const REPLAY_TURN_MS = 8;

/**
 * socket.io on the hub's HTTP server. Events are broadcast only after their transaction commits, each
 * audience in its own form (`disclosure.ts`); a reconnecting client is caught up from the ring of
 * recent events (or the log), in a few batched messages.
 */
export function attachRealtime(server: HttpServer, deps: RealtimeDeps): Realtime {
  const { handler, config, principals, hubId } = deps;
  const io: HubServer = new Server(server, { path: '/socket.io', serveClient: false, cors: { origin: false } });
  const recent = new RecentEvents(MAX_REPLAY);
  recent.load((after, limit) => handler.readLog(after, limit), handler.seq);
  handler.releaseRecentTail();

  io.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Handshake;
    const principal = principals.resolve(typeof auth.token === 'string' ? auth.token : undefined);
    if (auth.token && !principal) return next(Object.assign(new Error('HQ_ERR_AUTH_REQUIRED: 令牌无效 / invalid token'), { data: { code: 'HQ_ERR_AUTH_REQUIRED' } }));
    const allowed = allowedRooms(principal, config);
    const wanted = Array.isArray(auth.rooms) && auth.rooms.length > 0 ? auth.rooms.slice(0, 64).map(String) : defaultRooms(principal);
    const refused = wanted.filter((r) => !allowed.has(r));
    if (refused.length > 0) {
      return next(Object.assign(new Error(`HQ_ERR_FORBIDDEN: 无权加入 / not allowed to join ${refused.slice(0, 5).join(', ')}`), { data: { code: 'HQ_ERR_FORBIDDEN', rooms: refused.slice(0, 5) } }));
    }
    socket.data = { principal, token: typeof auth.token === 'string' ? auth.token : null, rooms: [...new Set(wanted)] };
    next();
  });

  const replayTurn = new TurnBudget(REPLAY_TURN_MS);
  /** The latest replay chunks made, by range and rooms (a committed range never changes). */
  const chunks = new Map<string, { count: number; bytes: Buffer | null }>();
  let snapshotCache: { seq: number; at: number; state: Snapshot['state'] } | null = null;
  const snapshotState = (state: ReadonlyHallState, seq: number, now: number) => {
    if (!snapshotCache || snapshotCache.seq !== seq || now - snapshotCache.at > SNAPSHOT_REUSE_MS || now < snapshotCache.at) {
      snapshotCache = { seq, at: now, state: hallView(state, config, now) };
    }
    return snapshotCache.state;
  };

  io.on('connection', async (socket: HubSocket) => {
    const data = socket.data;
    const auth = (socket.handshake.auth ?? {}) as Handshake;
    const rooms = new Set(data.rooms);
    const publicOnly = data.rooms.every(isPublicRoom);
    const lastSeq = typeof auth.lastSeq === 'number' && Number.isInteger(auth.lastSeq) && auth.lastSeq >= 0 ? auth.lastSeq : null;
    // Inside `read` (what is on disk, no group open) the join and the snapshot happen together:
    // the catch-up ends at `seq` and the live stream starts right after it.
    const seq = await handler.read((state, now) => {
      if (socket.disconnected) return null;
      const seq = handler.seq;
      const gap = lastSeq === null ? Infinity : seq - lastSeq;
      const bound = publicOnly ? PUBLIC_MAX_REPLAY : MAX_REPLAY;
      socket.join(data.rooms);
      if (lastSeq !== null && auth.hubId === hubId && gap >= 0 && gap <= bound) return seq;
      socket.emit('snapshot', { seq, hubId, rooms: data.rooms, state: snapshotState(state, seq, now) });
      return null;
    });
    if (seq === null || lastSeq === null) return;
    const tierOf = (route: Route) => tierFor(route, rooms);
    // Sockets in the same rooms see the same chunk: thirty screens back after a blip share one.
    const roomsKey = [...rooms].sort().join(',');
    let replayed = 0;
    // Chunks go out on separate turns: a long catch-up never holds the hall up (live envelopes
    // reach this socket meanwhile, and the client holds them until `resumed`). Every catch-up shares
    // one budget per turn, so thirty screens back at once do not add up to one long turn.
    for (let from = lastSeq; from < seq; from = Math.min(seq, from + REPLAY_CHUNK)) {
      const to = Math.min(seq, from + REPLAY_CHUNK);
      const gone = await replayTurn.run(() => {
        if (socket.disconnected) return true;
        const key = `${from}|${to}|${roomsKey}`;
        let chunk = chunks.get(key);
        if (!chunk) {
          const parts = recent.covers(from) ? recent.envelopesJson(from, to, tierOf) : fromLog(handler.readLog(from, to - from), tierOf);
          chunk = { count: parts.length, bytes: parts.length > 0 ? Buffer.from(`[${parts.join(',')}]`, 'utf8') : null };
          if (chunks.size >= REPLAY_CHUNKS_KEPT) chunks.delete(chunks.keys().next().value!);
          chunks.set(key, chunk);
        }
        replayed += chunk.count;
        if (chunk.bytes) socket.emit('replay', { hubId, fromSeq: from, toSeq: to, events: chunk.bytes });
        return false;
      });
      if (gone) return;
    }
    socket.emit('resumed', { hubId, fromSeq: lastSeq, seq, replayed, now: handler.clock.now() });
  });

  // A socket lives no longer than the session that opened it: logout ends it at once, expiry within a sweep.
  const endSessionSockets = (token: string | null) => {
    for (const socket of io.of('/').sockets.values()) {
      const d = socket.data;
      if (!d.token || d.principal?.kind !== 'staff') continue;
      if ((token !== null && d.token === token) || (token === null && !principals.resolve(d.token))) {
        socket.emit('session.ended', { reason: token !== null ? 'logout' : 'expired' });
        socket.disconnect(true);
      }
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
      recent.push(e);
      broadcast(io, e);
      if (e.type.startsWith('ticket.') || e.type.startsWith('window.')) countsChanged = true;
    }
    if (countsChanged && !countsTimer) {
      // Counts are derived and only need to be fresh within a moment: one broadcast per burst.
      // Counts from a committed state only (`read` waits out a group still on its way to disk).
      const sendCounts = () =>
        void handler.read((state, now) => {
          countsTimer = null;
          const counts: QueueCounts = {
            seq: handler.seq,
            at: now,
            type: 'queue.counts',
            data: {
              categories: config.categories.map((c) => {
                const waiting = state.waiting.get(c.id)?.size ?? 0;
                const est = estimateFor(state, config, c.id, waiting, now);
                const probe = probeIssue(state, config, now, c.id, 'any');
                const issued = state.issued.get(`${businessDate(now, config.hall.timeZone)}|${c.id}`) ?? 0;
                return {
                  id: c.id,
                  waiting,
                  estimatedWaitMin: est.minutes,
                  issue: issueStateOf(probe.ok ? null : probe.code),
                  openWindows: est.openWindows ?? 0,
                  quotaLeft: c.dailyQuota === undefined ? null : Math.max(0, c.dailyQuota - issued),
                  longestWaitingSince: longestWaitingSince(state, c.id),
                };
              }),
            },
          };
          io.to(['hall', 'manager']).emit('queue.counts', counts);
        });
      countsTimer = setTimeout(sendCounts, COUNTS_COALESCE_MS);
      countsTimer.unref();
    }
  });

  return {
    io,
    recent,
    emitTo: (room, type, message) => {
      const op = io.to(room);
      (op.emit as (ev: string, m: unknown) => boolean).call(op, type, message);
    },
  };
}

/** Each audience once, in its own form: manager whole, named clerks, pads, then public screens. */
function broadcast(io: HubServer, e: StoredEvent): void {
  const present = io.sockets.adapter.rooms;
  const send = (rooms: string[], except: string[], data: unknown) => {
    // Encoding a message for rooms nobody is in is work for nothing (socket.io encodes before it looks).
    if (!rooms.some((r) => present.has(r))) return;
    const op = io.to(rooms).except(except);
    // Logged events are typed per name in the map; here the name is a runtime value.
    (op.emit as (ev: string, m: unknown) => boolean).call(op, e.type, { seq: e.seq, at: e.at, type: e.type, data });
  };
  send(['manager'], [], e.data);
  const route = routeOf(e);
  const done = ['manager'];
  for (const [tier, rooms] of [
    ['staff', route.staff],
    ['pad', route.pad],
    ['public', route.public],
  ] as const) {
    if (rooms.length === 0) continue;
    const data = dataFor(e, tier);
    if (data !== null) send(rooms, done, data);
    done.push(...rooms);
  }
}

/** A gap older than the ring: read it from the log (a private client only; public ones take a snapshot). */
function fromLog(events: StoredEvent[], tierOf: (route: Route) => ReturnType<typeof tierFor>): string[] {
  const out: string[] = [];
  for (const e of events) {
    const tier = tierOf(routeOf(e));
    if (!tier) continue;
    const json = envelopeJson(e, tier);
    if (json !== null) out.push(json);
  }
  return out;
}
