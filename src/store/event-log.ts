import type { Actor } from '../domain/commands.ts';
import type { HallEvent } from '../domain/events.ts';
import type { HallConfig } from '../config/schema.ts';
import { decodeActor, decodeData, encodeActor, encodeData, type CodecContext } from './event-codec.ts';
import { EVENT_TYPE_CODES, typeOfColumn } from './event-keys.ts';
import type { Db } from './db.ts';

/** An `events` row back to the event the hub decided. */
export function decodeRow(r: { seq: number; at: number; type: string; actor: string; data: string }, c: CodecContext): StoredEvent {
  const type = typeOfColumn(r.type);
  const actor = decodeActor(r.actor);
  return { seq: r.seq, at: r.at, type, actor, data: decodeData(type, r.data, r.seq, r.at, c, actor) } as StoredEvent;
}

/** The codec's context from the hall config. */
export function codecContext(config: HallConfig): CodecContext {
  return { timeZone: config.hall.timeZone, ratingTimeoutMs: config.ratings.timeoutSec * 1000 };
}

/** An event as stored and as sent to screens: `{seq, at, type, data}` plus who caused it. */
export type StoredEvent = HallEvent & { seq: number; at: number; actor: Actor };

/** The append-only log. `seq` is contiguous: the hub assigns it inside the command's transaction. */
export class EventLog {
  readonly #insert;
  readonly #since;
  readonly #last;
  readonly #lastAt;
  readonly #firstAt;

  constructor(
    db: Db,
    private readonly codec: CodecContext,
  ) {
    this.#insert = db.prepare('INSERT INTO events (seq, at, type, actor, data) VALUES (?, ?, ?, ?, ?)');
    this.#since = db.prepare('SELECT seq, at, type, actor, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#last = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events');
    this.#lastAt = db.prepare('SELECT at FROM events ORDER BY seq DESC LIMIT 1');
    this.#firstAt = db.prepare('SELECT at FROM events ORDER BY seq LIMIT 1');
  }

  /** When the first event was written, or null for an empty log. */
  firstAt(): number | null {
    return (this.#firstAt.get() as { at: number } | undefined)?.at ?? null;
  }

  /** When the last event was written, or null for an empty log. */
  lastAt(): number | null {
    return (this.#lastAt.get() as { at: number } | undefined)?.at ?? null;
  }

  lastSeq(): number {
    return (this.#last.get() as { seq: number }).seq;
  }

  /** Numbers events seq = after + 1, after + 2, …, without writing them. */
  static number(after: number, events: HallEvent[], actor: Actor, at: number): StoredEvent[] {
    return events.map((e, i) => ({ ...e, seq: after + i + 1, at, actor }) as StoredEvent);
  }

  /** Writes numbered events, compactly (`event-codec.ts`); must run inside the commit's transaction. */
  insert(events: StoredEvent[]): void {
    for (const e of events) this.#insert.run(e.seq, e.at, EVENT_TYPE_CODES[e.type], encodeActor(e.actor), encodeData(e.type, e.data as unknown as Record<string, unknown>, e.seq, e.at, this.codec, e.actor));
  }

  /** Events after `seq`, oldest first, at most `limit`. */
  readSince(seq: number, limit = 10_000): StoredEvent[] {
    const rows = this.#since.all(seq, limit) as { seq: number; at: number; type: string; actor: string; data: string }[];
    return rows.map((r) => decodeRow(r, this.codec));
  }
}
