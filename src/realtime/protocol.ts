import type { HallView } from '../api/views.ts';
import type { EventType } from '../domain/events.ts';

/**
 * The socket.io contract (DESIGN §4), shared by the hub and the UIs.
 *
 * Handshake `auth: {token?, rooms?, lastSeq?, hubId?}`. Without a token a client joins only `hall`.
 * With `lastSeq` (and the `hubId` it last saw) it receives the envelopes it missed, in order, then
 * `resumed`; otherwise, or when the hub has restarted or the gap is too long, a `snapshot`.
 */
export interface Handshake {
  token?: string;
  rooms?: string[];
  lastSeq?: number;
  hubId?: string;
}

/** Every event reaches a client as `{seq, at, type, data}` under the event name `type`. */
export interface Envelope<T extends string = EventType, D = unknown> {
  seq: number;
  at: number;
  type: T;
  data: D;
}

export interface Snapshot {
  seq: number;
  hubId: string;
  rooms: string[];
  state: HallView;
}

export interface Resumed {
  hubId: string;
  fromSeq: number;
  seq: number;
  replayed: number;
}

/**
 * Derived, not logged: the waiting counts after a change. It carries the `seq` of the event it
 * follows, so a client never mistakes it for a missed event.
 */
export type QueueCounts = Envelope<'queue.counts', { categories: { id: string; waiting: number; estimatedWaitMin: number }[] }>;

/** Past this many missed events a client gets a snapshot instead of a replay. */
export const MAX_REPLAY = 5_000;
