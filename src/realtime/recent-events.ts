import type { StoredEvent } from '../store/event-log.ts';
import { dataFor, routeOf, type Route, type Tier } from './disclosure.ts';

interface Entry {
  event: StoredEvent;
  route: Route;
  /** The envelope as JSON per tier, made on first use: a replay to 30 screens serialises once. */
  json: Partial<Record<Tier, string | null>>;
}

/**
 * The last `capacity` committed events, in memory, for resumes. A screen that reconnects after a
 * blip or a restart is caught up from here with no SQLite read and no JSON work per socket; only a
 * gap older than the ring goes to the log.
 */
export class RecentEvents {
  readonly #ring: (Entry | undefined)[];
  #first = 1;
  #next = 1;

  constructor(readonly capacity = 5_000) {
    this.#ring = new Array(capacity);
  }

  /** Fills the ring with the tail of the log (start-up). */
  load(readLog: (after: number, limit: number) => StoredEvent[], lastSeq: number): void {
    const from = Math.max(0, lastSeq - this.capacity);
    this.#first = this.#next = from + 1;
    for (let after = from; after < lastSeq; ) {
      const batch = readLog(after, 1_000);
      if (batch.length === 0) break;
      for (const e of batch) this.push(e);
      after = batch[batch.length - 1]!.seq;
    }
  }

  push(e: StoredEvent): void {
    if (e.seq !== this.#next) {
      // Not contiguous (cannot happen with one writer): start over from here rather than mislead.
      this.#first = e.seq;
    }
    this.#ring[e.seq % this.capacity] = { event: e, route: routeOf(e), json: {} };
    this.#next = e.seq + 1;
    if (this.#next - this.#first > this.capacity) this.#first = this.#next - this.capacity;
  }

  /** Whether every event after `seq` up to the newest is held here. */
  covers(seq: number): boolean {
    return seq + 1 >= this.#first && seq < this.#next;
  }

  get lastSeq(): number {
    return this.#next - 1;
  }

  get(seq: number): StoredEvent | undefined {
    if (seq < this.#first || seq >= this.#next) return undefined;
    return this.#ring[seq % this.capacity]?.event;
  }

  /** The newest event matching `test`, looking back at most `limit` events. */
  findLast(test: (e: StoredEvent) => boolean, limit = this.capacity): StoredEvent | undefined {
    for (let seq = this.#next - 1, n = 0; seq >= this.#first && n < limit; seq--, n++) {
      const e = this.#ring[seq % this.capacity]?.event;
      if (e && test(e)) return e;
    }
    return undefined;
  }

  /**
   * The envelopes after `after` up to `upTo` that a socket in `rooms` may see, as JSON array
   * elements (joined by the caller). `tierOf` picks the socket's tier for each event's route.
   */
  envelopesJson(after: number, upTo: number, tierOf: (route: Route) => Tier | null): string[] {
    const out: string[] = [];
    for (let seq = after + 1; seq <= upTo; seq++) {
      const entry = this.#ring[seq % this.capacity];
      if (!entry || entry.event.seq !== seq) continue;
      const tier = tierOf(entry.route);
      if (!tier) continue;
      let json = entry.json[tier];
      if (json === undefined) json = entry.json[tier] = envelopeJson(entry.event, tier);
      if (json !== null) out.push(json);
    }
    return out;
  }
}

/** `{seq, at, type, data}` as JSON for one tier, or null when that tier sees nothing of it. */
export function envelopeJson(e: StoredEvent, tier: Tier): string | null {
  const data = dataFor(e, tier);
  if (data === null) return null;
  return JSON.stringify({ seq: e.seq, at: e.at, type: e.type, data });
}
