import type { Statement } from 'better-sqlite3';
import { decodeRow } from '../store/event-log.ts';
import type { Db } from '../store/open-db.ts';
import type { ApplicantSeal } from '../personal/applicant-seal.ts';
import type { Applicant, RecordKind } from './record.ts';

/**
 * `next_attempt_at` of a dead letter: a record the platform refused as malformed, parked so the
 * ratings behind it can go (see worker.ts). It stays undelivered, keeps its error, is counted in
 * `backlog().deadLetters`, and is sent again only after `requeue`. The schema has no state column;
 * "never by itself" is exactly what this value says, and `next` skips it with the same index scan.
 */
export const DEAD_LETTER = Number.MAX_SAFE_INTEGER;

/** The key of the row holding a ticket's applicant before its record exists. */
export const HOLD_PREFIX = 'hold:';

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
  /** The row holds a sealed applicant that would not open (the key was changed?): the row must not go without it. */
  applicantError?: string;
  /** The row holds a sealed applicant (opened or not). */
  applicantHeld: boolean;
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
  /** The event's columns, where the row points at one (all null, or none). */
  event_seq: number | null;
  event_at: number | null;
  event_type: string | null;
  event_actor: string | null;
  event_data: string | null;
  created_at: number;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  delivered_at: number | null;
  kind: string;
  ticket_id: string | null;
  applicant: Buffer | null;
}

/** Only a rating's row is read from its event (the others keep their payload), and rating.recorded needs nothing of the hall's context to be read back. */
const RATING_CODEC = { timeZone: 'UTC', ratingTimeoutMs: 0 };

/** The row, and its rating event where the row points at one (the record is built from it). */
const COLUMNS =
  'o.seq AS seq, o.rating_id AS rating_id, o.payload AS payload, o.created_at AS created_at, o.attempts AS attempts, o.last_error AS last_error, o.next_attempt_at AS next_attempt_at, ' +
  'o.delivered_at AS delivered_at, o.kind AS kind, o.ticket_id AS ticket_id, o.applicant AS applicant, e.seq AS event_seq, e.at AS event_at, e.type AS event_type, e.actor AS event_actor, e.data AS event_data';
/** Rows that are records; a `hold` row only keeps a ticket's applicant until its record is made. */
const RECORD = "kind <> 'hold'";
const FROM = 'upstream_outbox o LEFT JOIN events e ON e.seq = o.event_seq';

function toRow(r: RawRow, seal: ApplicantSeal | null | undefined): OutboxRow {
  const payload =
    r.payload ??
    (r.event_seq !== null ? JSON.stringify(decodeRow({ seq: r.event_seq, at: r.event_at!, type: r.event_type!, actor: r.event_actor!, data: r.event_data! }, RATING_CODEC).data) : '{}');
  let applicant: Applicant | null = null;
  let applicantError: string | undefined;
  // A listing (the manager's dead letters) passes `undefined`: it only says whether one is held.
  if (r.applicant !== null && seal !== undefined) {
    try {
      if (!seal) throw new Error('no applicant key is loaded');
      applicant = seal.open(r.applicant, r.ticket_id ?? '');
    } catch (err) {
      applicantError = `the sealed applicant does not open (${(err as Error).message}): check HALLQ_APPLICANT_KEY_FILE`;
    }
  }
  return {
    seq: r.seq,
    ratingId: r.rating_id,
    kind: r.kind as RecordKind,
    payload,
    applicant,
    ...(applicantError ? { applicantError } : {}),
    applicantHeld: r.applicant !== null,
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
  readonly #expired: Statement<[number], { seq: number; rating_id: string; kind: string; attempts: number }>;
  readonly #dropHold: Statement<[number]>;
  readonly #erase: Statement<[string, number, number]>;
  readonly #hold: Statement<[string, string, number, Buffer, number]>;
  readonly #seal: ApplicantSeal | null;
  readonly #parkAnswers: Statement<[{ error: string; seq: number }]>;
  readonly #requeueAnswers: Statement<[{ dead: number; seq: number }]>;
  readonly #keyOf: Statement<[number], { rating_id: string }>;

  /** `seal` opens the applicants rows hold; without it a row holding one is not sent (`applicantError`). */
  constructor(
    readonly db: Db,
    seal: ApplicantSeal | null = null,
  ) {
    this.#seal = seal;
    this.#head = db.prepare<[number], RawRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE delivered_at IS NULL AND next_attempt_at < ? AND ${RECORD} ORDER BY o.seq LIMIT 1`);
    // Acknowledged: the applicant has reached the platform and is erased here at once.
    this.#delivered = db.prepare<[number, number]>('UPDATE upstream_outbox SET delivered_at = ?, applicant = NULL, erase_at = NULL WHERE seq = ? AND delivered_at IS NULL');
    this.#failed = db.prepare<[string, number, number]>(
      'UPDATE upstream_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE seq = ? AND delivered_at IS NULL',
    );
    this.#backlog = db.prepare<[number, number], { count: number | null; oldest: number | null; dead: number | null }>(
      `SELECT SUM(next_attempt_at < ?) AS count, MIN(CASE WHEN next_attempt_at < ? THEN created_at END) AS oldest, SUM(next_attempt_at = ${DEAD_LETTER}) AS dead
       FROM upstream_outbox WHERE delivered_at IS NULL AND ${RECORD}`,
    );
    this.#lastDelivered = db.prepare<[], { at: number | null }>('SELECT MAX(delivered_at) AS at FROM upstream_outbox');
    this.#deadStreak = db.prepare<[number], { n: number }>(
      `SELECT COUNT(*) AS n FROM upstream_outbox WHERE delivered_at IS NULL AND next_attempt_at = ? AND ${RECORD} AND kind <> 'followup'
       AND seq > COALESCE((SELECT MAX(seq) FROM upstream_outbox WHERE delivered_at IS NOT NULL), 0)`,
    );
    this.#deadList = db.prepare<[number, number], RawRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE delivered_at IS NULL AND next_attempt_at = ? AND ${RECORD} ORDER BY o.seq LIMIT ?`);
    this.#requeueAll = db.prepare<[number]>(`UPDATE upstream_outbox SET attempts = 0, next_attempt_at = 0 WHERE delivered_at IS NULL AND next_attempt_at = ? AND ${RECORD}`);
    this.#requeueOne = db.prepare<[number, number]>(
      'UPDATE upstream_outbox SET attempts = 0, next_attempt_at = 0 WHERE delivered_at IS NULL AND next_attempt_at = ? AND seq = ?',
    );
    this.#get = db.prepare<[string], RawRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE rating_id = ?`);
    this.#purge = db.prepare<[number]>(
      `DELETE FROM upstream_outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?
       AND seq < (SELECT MAX(seq) FROM upstream_outbox WHERE delivered_at IS NOT NULL)`,
    );
    this.#expired = db.prepare<[number], { seq: number; rating_id: string; kind: string; attempts: number }>(
      // By the erase index: with ORDER BY seq alone SQLite walks the whole table by its key (a city year
      // keeps ~500,000 rows: 60–150 ms every 5 s on the hall's thread).
      'SELECT seq, rating_id, kind, attempts FROM upstream_outbox INDEXED BY upstream_outbox_erase WHERE applicant IS NOT NULL AND erase_at <= ? ORDER BY seq',
    );
    this.#parkAnswers = db.prepare<[{ error: string; seq: number }]>(
      `UPDATE upstream_outbox SET next_attempt_at = ${DEAD_LETTER}, last_error = @error
       WHERE delivered_at IS NULL AND answers = (SELECT rating_id FROM upstream_outbox WHERE seq = @seq)`,
    );
    this.#requeueAnswers = db.prepare<[{ dead: number; seq: number }]>(
      `UPDATE upstream_outbox SET attempts = 0, next_attempt_at = 0
       WHERE delivered_at IS NULL AND next_attempt_at = @dead AND answers = (SELECT rating_id FROM upstream_outbox WHERE seq = @seq)`,
    );
    this.#keyOf = db.prepare<[number], { rating_id: string }>('SELECT rating_id FROM upstream_outbox WHERE seq = ?');
    this.#dropHold = db.prepare<[number]>(`DELETE FROM upstream_outbox WHERE seq = ? AND kind = 'hold'`);
    this.#erase = db.prepare<[string, number, number]>(
      'UPDATE upstream_outbox SET applicant = NULL, erase_at = NULL, last_error = ?, next_attempt_at = ? WHERE seq = ? AND delivered_at IS NULL',
    );
    this.#hold = db.prepare<[string, string, number, Buffer, number]>(
      `INSERT INTO upstream_outbox (rating_id, kind, ticket_id, created_at, applicant, erase_at) VALUES (?, 'hold', ?, ?, ?, ?)
       ON CONFLICT(rating_id) DO UPDATE SET applicant = excluded.applicant, erase_at = excluded.erase_at`,
    );
  }

  /**
   * Keeps a ticket's applicant, sealed, until its rating (or unrated service) makes the record it
   * goes with; a later word (the business system's, after the card's) replaces an earlier one.
   * Runs inside the transaction that records what made it known.
   */
  holdApplicant(ticketId: string, sealed: Buffer, at: number, eraseAt: number): void {
    this.#hold.run(`${HOLD_PREFIX}${ticketId}`, ticketId, at, sealed, eraseAt);
  }

  /**
   * Applicants past their time (`upstream.applicant.eraseAfterHours`) are erased whether or not
   * they were delivered: a held one is dropped; a record still waiting becomes a dead letter saying
   * so (it can be resent, without the applicant). Returns the records so parked.
   */
  eraseExpired(now: number, why: string): { seq: number; ratingId: string; attempts: number }[] {
    const parked: { seq: number; ratingId: string; attempts: number }[] = [];
    // Looked at before every send: nothing due costs one index probe, no transaction.
    const due = this.#expired.all(now);
    if (due.length === 0) return parked;
    this.db.transaction(() => {
      for (const r of due) {
        if (r.kind === 'hold') this.#dropHold.run(r.seq);
        else if (this.#erase.run(why, DEAD_LETTER, r.seq).changes === 1) {
          this.#parkAnswers.run({ error: this.#waitingFor(r.seq), seq: r.seq });
          parked.push({ seq: r.seq, ratingId: r.rating_id, attempts: r.attempts });
        }
      }
    })();
    return parked;
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
    return { row: toRow(raw, this.#seal), dueInMs: Math.max(0, raw.next_attempt_at - now) };
  }

  /** The platform acknowledged the row. False if it was already marked (or does not exist). */
  markDelivered(seq: number, at: number): boolean {
    return this.#delivered.run(at, seq).changes === 1;
  }

  /** An attempt failed: counts it, keeps the error, and holds the row until `nextAttemptAt`. */
  markFailed(seq: number, error: string, nextAttemptAt: number): boolean {
    return this.#failed.run(error, Math.min(nextAttemptAt, DEAD_LETTER - 1), seq).changes === 1;
  }

  /**
   * Parks the row: counted as an attempt, kept with its error, skipped by `next` until `requeue`.
   * The follow-up results answering it are parked with it: the platform cannot take a result for a
   * rating it does not have.
   */
  markDeadLetter(seq: number, error: string): boolean {
    return this.db.transaction(() => {
      const parked = this.#failed.run(error, DEAD_LETTER, seq).changes === 1;
      if (parked) this.#parkAnswers.run({ error: this.#waitingFor(seq), seq });
      return parked;
    })();
  }

  #waitingFor(seq: number): string {
    return `waiting for the rating it answers (${this.#keyOf.get(seq)?.rating_id ?? seq}), a dead letter`;
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

  /** The parked rows, oldest first; their applicants are not opened (`applicantHeld` says whether one is kept). */
  deadLetters(limit = 100): OutboxRow[] {
    return this.#deadList.all(DEAD_LETTER, limit).map((r) => toRow(r, undefined));
  }

  /**
   * Puts dead letters (one, or all) back in the queue with a fresh attempt count. They go next,
   * ahead of newer rows, since they have the lowest `seq`: a requeued record is late, not reordered
   * among the others. Returns how many were requeued.
   */
  requeue(seq?: number): number {
    if (seq === undefined) return this.#requeueAll.run(DEAD_LETTER).changes;
    return this.db.transaction(() => {
      const n = this.#requeueOne.run(DEAD_LETTER, seq).changes;
      // Its follow-up results go again after it (they have higher seqs).
      return n === 0 ? 0 : n + this.#requeueAnswers.run({ dead: DEAD_LETTER, seq }).changes;
    })();
  }

  byRatingId(ratingId: string): OutboxRow | null {
    const raw = this.#get.get(ratingId);
    return raw ? toRow(raw, this.#seal) : null;
  }

  /**
   * Deletes rows delivered before `before` (retention: payloads hold the masked holder and HMAC).
   * The newest delivered row is kept, so `seq` never restarts and the dead-letter streak stays right.
   */
  purgeDelivered(before: number): number {
    return this.#purge.run(before).changes;
  }
}
