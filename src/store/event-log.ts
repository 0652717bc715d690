import type { Actor } from '../domain/commands.ts';
import type { HallEvent } from '../domain/events.ts';
import type { Db } from './open-db.ts';

/** An event as stored and as sent to screens: `{seq, at, type, data}` plus who caused it. */
export type StoredEvent = HallEvent & { seq: number; at: number; actor: Actor };

/** The append-only log. `seq` is contiguous: the hub assigns it inside the command's transaction. */
export class EventLog {
  readonly #insert;
  readonly #since;
  readonly #last;
  readonly #count;

  constructor(db: Db) {
    this.#insert = db.prepare('INSERT INTO events (seq, at, type, actor, data) VALUES (?, ?, ?, ?, ?)');
    this.#since = db.prepare('SELECT seq, at, type, actor, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#last = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events');
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM events WHERE seq > ?');
  }

  lastSeq(): number {
    return (this.#last.get() as { seq: number }).seq;
  }

  /** Appends with seq = after + 1, after + 2, …; must run inside the command's transaction. */
  append(after: number, events: HallEvent[], actor: Actor, at: number): StoredEvent[] {
    const actorJson = JSON.stringify(actor);
    return events.map((e, i) => {
      const seq = after + i + 1;
      this.#insert.run(seq, at, e.type, actorJson, JSON.stringify(e.data));
      return { ...e, seq, at, actor } as StoredEvent;
    });
  }

  /** Events after `seq`, oldest first, at most `limit`. */
  readSince(seq: number, limit = 10_000): StoredEvent[] {
    const rows = this.#since.all(seq, limit) as { seq: number; at: number; type: string; actor: string; data: string }[];
    return rows.map((r) => ({ seq: r.seq, at: r.at, type: r.type, actor: JSON.parse(r.actor), data: JSON.parse(r.data) }) as StoredEvent);
  }

  countSince(seq: number): number {
    return (this.#count.get(seq) as { n: number }).n;
  }
}
