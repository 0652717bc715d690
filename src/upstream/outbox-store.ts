import type { Statement } from 'better-sqlite3';
import { decodeActor, decodeData } from '../store/event-codec.ts';
import type { Db } from '../store/open-db.ts';
import type { Applicant, RecordKind } from './record.ts';

/**
 * `next_attempt_at` of a dead letter: a record the platform refused as malformed, parked so the
 * ratings behind it can go (see worker.ts). It stays undelivered, keeps its error, is counted in
 * `backlog().deadLetters`, and is sent again only after `requeue`. The schema has no state column;
 * "never by itself" is exactly what this value says, and `next` skips it with the same index scan.
 */
export const DEAD_LETTER = Number.MAX_SAFE_INTEGER;

/**
 * The insert the hub runs inside the rating's own transaction, so a recorded rating can never miss
 * its upload. `OR IGNORE`: a rating enqueued twice (a replayed event) is sent once. `seq` is the
 * rowid, so upload order is the order of the commits.
 */
export const OUTBOX_INSERT_SQL = 'INSERT OR IGNORE INTO upstream_outbox (rating_id, payload, created_at) VALUES (?, ?, ?)';

const insertStatements = new WeakMap<Db, Statement>();

/** Enqueues one rating; call it inside the transaction that records the rating. False if already there. */
export function enqueueOutbox(db: Db, ratingId: string, payload: unknown, createdAt: number): boolean {
  let stmt = insertStatements.get(db);
  if (!stmt) {
    stmt = db.prepare(OUTBOX_INSERT_SQL);
    insertStatements.set(db, stmt);
  }
  return stmt.run(ratingId, JSON.stringify(payload), createdAt).changes === 1;
}

export interface OutboxRow {
  seq: number;
  /** Also the idempotency key sent upstream. */
  ratingId: string;
  /** What it is a record of. */
  kind: RecordKind;
  /** The JSON record: the data of its event (a rating's `rating.recorded`), as enqueued. */
  payload: string;
  /** The applicant, opened from the row's sealed copy for this attempt only; null when none is held. */
  applicant: Applicant | null;
  createdAt: number;
  /** Failed attempts so far. */
  attempts: number;
  /** The last failure, kept after delivery as history. */
  lastError: string | null;
  /** Not before this (ms since epoch); `DEAD_LETTER` for a parked record. */
  nextAttemptAt: number;
  deliveredAt: number | null;
}

export interface Backlog {
  /** Rows waiting to be sent, dead letters not included. */
  count: number;
  /** `created_at` of the oldest of them. */
  oldestCreatedAt: number | null;
  /** Parked rows: refused by the platform, waiting for an operator (`requeue`). */
  deadLetters: number;
}

interface RawRow {
  seq: number;
  rating_id: string;
  payload: string | null;
  event_at: number | null;
  event_actor: string | null;
  event_data: string | null;
  created_at: number;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  delivered_at: number | null;
}

/** A rating.recorded event needs nothing of the hall's context to be read back (only its level). */
const RATING_CODEC = { timeZone: 'UTC', ratingTimeoutMs: 0 };

/** The row, and its rating event where the row points at one (the record is built from it). */
const COLUMNS = 'o.seq AS seq, rating_id, payload, created_at, attempts, last_error, next_attempt_at, delivered_at, e.at AS event_at, e.actor AS event_actor, e.data AS event_data';
const FROM = 'upstream_outbox o LEFT JOIN events e ON e.seq = o.event_seq';

function toRow(r: RawRow): OutboxRow {
  const payload = r.payload ?? (r.event_data !== null && r.event_at !== null ? JSON.stringify(decodeData('rating.recorded', r.event_data, 0, r.event_at, RATING_CODEC, decodeActor(r.event_actor ?? 'system:unknown'))) : '{}');
  return {
    seq: r.seq,
    ratingId: r.rating_id,
    kind: 'rating',
    payload,
    applicant: null,
    createdAt: r.created_at,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
  };
}

/**
 * The `upstream_outbox` table (migration 2) as the upload worker sees it. Strict order: `next` only
 * ever returns the oldest undelivered row that is not a dead letter, never one behind it, whether or
 * not it is due. Every write is one statement (its own transaction, fsynced like every commit).
 */
export class OutboxStore {
  readonly #head: Statement<[number], RawRow>;
  readonly #delivered: Statement<[number, number]>;
  readonly #failed: Statement<[string, number, number]>;
  readonly #backlog: Statement<[number, number], { count: number | null; oldest: number | null; dead: number | null }>;
  readonly #lastDelivered: Statement<[], { at: number | null }>;
  readonly #deadStreak: Statement<[number], { n: number }>;
  readonly #deadList: Statement<[number, number], RawRow>;
  readonly #requeueAll: Statement<[number]>;
  readonly #requeueOne: Statement<[number, number]>;
  readonly #get: Statement<[string], RawRow>;
  readonly #purge: Statement<[number]>;

  constructor(readonly db: Db) {
    this.#head = db.prepare<[number], RawRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE delivered_at IS NULL AND next_attempt_at < ? ORDER BY o.seq LIMIT 1`);
    this.#delivered = db.prepare<[number, number]>('UPDATE upstream_outbox SET delivered_at = ? WHERE seq = ? AND delivered_at IS NULL');
    this.#failed = db.prepare<[string, number, number]>(
      'UPDATE upstream_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE seq = ? AND delivered_at IS NULL',
    );
    this.#backlog = db.prepare<[number, number], { count: number | null; oldest: number | null; dead: number | null }>(
      `SELECT SUM(next_attempt_at < ?) AS count, MIN(CASE WHEN next_attempt_at < ? THEN created_at END) AS oldest, SUM(next_attempt_at = ${DEAD_LETTER}) AS dead
       FROM upstream_outbox WHERE delivered_at IS NULL`,
    );
    this.#lastDelivered = db.prepare<[], { at: number | null }>('SELECT MAX(delivered_at) AS at FROM upstream_outbox');
    this.#deadStreak = db.prepare<[number], { n: number }>(
      `SELECT COUNT(*) AS n FROM upstream_outbox WHERE delivered_at IS NULL AND next_attempt_at = ?
       AND seq > COALESCE((SELECT MAX(seq) FROM upstream_outbox WHERE delivered_at IS NOT NULL), 0)`,
    );
    this.#deadList = db.prepare<[number, number], RawRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE delivered_at IS NULL AND next_attempt_at = ? ORDER BY o.seq LIMIT ?`);
    this.#requeueAll = db.prepare<[number]>('UPDATE upstream_outbox SET attempts = 0, next_attempt_at = 0 WHERE delivered_at IS NULL AND next_attempt_at = ?');
    this.#requeueOne = db.prepare<[number, number]>(
      'UPDATE upstream_outbox SET attempts = 0, next_attempt_at = 0 WHERE delivered_at IS NULL AND next_attempt_at = ? AND seq = ?',
    );
    this.#get = db.prepare<[string], RawRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE rating_id = ?`);
    this.#purge = db.prepare<[number]>(
      `DELETE FROM upstream_outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?
       AND seq < (SELECT MAX(seq) FROM upstream_outbox WHERE delivered_at IS NOT NULL)`,
    );
  }

  /** Same as the hub's insert; for tests and tools. False if the rating is already there. */
  enqueue(ratingId: string, payload: unknown, createdAt: number): boolean {
    return enqueueOutbox(this.db, ratingId, payload, createdAt);
  }

  /**
   * The oldest undelivered row (dead letters skipped) and how long until it is due: 0 when it may
   * be sent now. Null when nothing is waiting.
   */
  next(now: number): { row: OutboxRow; dueInMs: number } | null {
    const raw = this.#head.get(DEAD_LETTER);
    if (!raw) return null;
    return { row: toRow(raw), dueInMs: Math.max(0, raw.next_attempt_at - now) };
  }

  /** The platform acknowledged the row. False if it was already marked (or does not exist). */
  markDelivered(seq: number, at: number): boolean {
    return this.#delivered.run(at, seq).changes === 1;
  }

  /** An attempt failed: counts it, keeps the error, and holds the row until `nextAttemptAt`. */
  markFailed(seq: number, error: string, nextAttemptAt: number): boolean {
    return this.#failed.run(error, Math.min(nextAttemptAt, DEAD_LETTER - 1), seq).changes === 1;
  }

  /** Parks the row: counted as an attempt, kept with its error, skipped by `next` until `requeue`. */
  markDeadLetter(seq: number, error: string): boolean {
    return this.#failed.run(error, DEAD_LETTER, seq).changes === 1;
  }

  backlog(): Backlog {
    const r = this.#backlog.get(DEAD_LETTER, DEAD_LETTER);
    return { count: r?.count ?? 0, oldestCreatedAt: r?.oldest ?? null, deadLetters: r?.dead ?? 0 };
  }

  /** The error of the row the queue is waiting on, or null if it has not failed (or nothing waits). */
  lastError(): { seq: number; ratingId: string; error: string; attempts: number } | null {
    const raw = this.#head.get(DEAD_LETTER);
    if (!raw || raw.last_error === null) return null;
    return { seq: raw.seq, ratingId: raw.rating_id, error: raw.last_error, attempts: raw.attempts };
  }

  lastDeliveredAt(): number | null {
    return this.#lastDelivered.get()?.at ?? null;
  }

  /** Dead letters after the newest delivered row: how many records in a row the platform refused. */
  deadLetterStreak(): number {
    return this.#deadStreak.get(DEAD_LETTER)?.n ?? 0;
  }

  deadLetters(limit = 100): OutboxRow[] {
    return this.#deadList.all(DEAD_LETTER, limit).map(toRow);
  }

  /**
   * Puts dead letters (one, or all) back in the queue with a fresh attempt count. They go next,
   * ahead of newer rows, since they have the lowest `seq`: a requeued record is late, not reordered
   * among the others. Returns how many were requeued.
   */
  requeue(seq?: number): number {
    return (seq === undefined ? this.#requeueAll.run(DEAD_LETTER) : this.#requeueOne.run(DEAD_LETTER, seq)).changes;
  }

  byRatingId(ratingId: string): OutboxRow | null {
    const raw = this.#get.get(ratingId);
    return raw ? toRow(raw) : null;
  }

  /**
   * Deletes rows delivered before `before` (retention: payloads hold the masked holder and HMAC).
   * The newest delivered row is kept, so `seq` never restarts and the dead-letter streak stays right.
   */
  purgeDelivered(before: number): number {
    return this.#purge.run(before).changes;
  }
}
