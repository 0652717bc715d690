import type { Db } from '../store/open-db.ts';
import { maskPhone } from '../personal/id-number.ts';
import type { TextSeal } from '../personal/text-seal.ts';
import type { SmsStatusMessage } from '../realtime/protocol.ts';

/** What a message is: a reply to a text, a reminder, a booking notice. */
export type SmsKind = 'reply' | 'ahead' | 'called' | 'booked' | 'booking-eve' | 'booking-soon';

/** `failed`: refused for itself (no such number, the operator's refusal): sending it again cannot help. */
export type SmsState = 'pending' | 'sent' | 'delivered' | 'undelivered' | 'expired' | 'failed';

export interface OutboxMessage {
  id: number;
  dedupe: string;
  kind: SmsKind;
  phoneMasked: string;
  text: string;
  state: SmsState;
  attempts: number;
  nextAt: number;
  createdAt: number;
  expiresAt: number;
  sentAt: number | null;
  lastError: string | null;
}

/** The outbox's part of the manager's `sms.status` (the wire owns the type). */
export type OutboxSummary = Omit<SmsStatusMessage, 'channel' | 'channelError'>;

/**
 * Messages to send, in a table: each is queued once (by what it is about: `dedupe`), survives a crash,
 * and holds its own sealed copy of the number, bound to that key, until it is sent or given up: a
 * "please come to window 3" still goes out after its ticket has ended and its contact was erased.
 */
export class SmsOutbox {
  readonly #insert;
  readonly #due;
  readonly #sealedOf;
  readonly #sent;
  readonly #failed;
  readonly #givenUp;
  readonly #expire;
  readonly #byRef;
  readonly #report;

  constructor(
    private readonly db: Db,
    private readonly sealer: TextSeal,
  ) {
    this.#insert = db.prepare(
      `INSERT INTO sms_outbox (dedupe, kind, masked, sealed, text, state, next_at, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT(dedupe) DO NOTHING`,
    );
    this.#due = db.prepare(`SELECT ${COLUMNS} FROM sms_outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?`);
    this.#sealedOf = db.prepare('SELECT sealed FROM sms_outbox WHERE id = ?').pluck();
    this.#sent = db.prepare("UPDATE sms_outbox SET state = 'sent', sealed = NULL, sent_at = ?, attempts = attempts + 1, refs = ?, last_error = NULL WHERE id = ?");
    this.#failed = db.prepare('UPDATE sms_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?');
    this.#givenUp = db.prepare("UPDATE sms_outbox SET state = 'failed', sealed = NULL, attempts = attempts + 1, last_error = ? WHERE id = ?");
    this.#expire = db.prepare("UPDATE sms_outbox SET state = 'expired', sealed = NULL WHERE state = 'pending' AND expires_at <= ?");
    // The newest first: a modem's reference wraps at 256, so a report is for the latest text sent with it.
    this.#byRef = db.prepare("SELECT id, refs FROM sms_outbox WHERE state IN ('sent', 'delivered', 'undelivered') AND sent_at >= ? AND refs LIKE ? ORDER BY sent_at DESC, id DESC");
    this.#report = db.prepare('UPDATE sms_outbox SET state = ? WHERE id = ?');
  }

  /** Queues a message; false when one about the same thing was queued before (it is sent once). */
  enqueue(m: { dedupe: string; kind: SmsKind; to: string; text: string; at: number; ttlMs: number }): boolean {
    return this.#insert.run(m.dedupe, m.kind, maskPhone(m.to), this.sealer.seal(m.to, m.dedupe), m.text, m.at, m.at, m.at + m.ttlMs).changes > 0;
  }

  /** Gives up on messages past their time (a reminder for a ticket already called is worth nothing); erases their numbers. */
  expire(now: number): number {
    return this.#expire.run(now).changes;
  }

  due(now: number, limit = 20): OutboxMessage[] {
    return (this.#due.all(now, limit) as Row[]).map(toMessage);
  }

  /** The number a pending message goes to; null once it was sent or given up. */
  recipientOf(m: OutboxMessage): string | null {
    const sealed = this.#sealedOf.get(m.id) as Buffer | null | undefined;
    return sealed ? this.sealer.open(sealed, m.dedupe) : null;
  }

  markSent(id: number, refs: string[], at: number): void {
    this.#sent.run(at, JSON.stringify(refs), id);
  }

  markFailed(id: number, error: string, retryAt: number): void {
    this.#failed.run(retryAt, error.slice(0, 300), id);
  }

  /** Refused for itself: not sent again, its number erased. */
  markGivenUp(id: number, error: string): void {
    this.#givenUp.run(error.slice(0, 300), id);
  }

  /** A delivery report for a part; the message it belongs to becomes delivered (or not). */
  onDelivery(ref: string, delivered: boolean, since: number): boolean {
    const rows = this.#byRef.all(since, `%${JSON.stringify(ref)}%`) as { id: number; refs: string }[];
    const row = rows.find((r) => (JSON.parse(r.refs) as string[]).includes(ref));
    if (!row) return false;
    this.#report.run(delivered ? 'delivered' : 'undelivered', row.id);
    return true;
  }

  list(filter: { state?: SmsState; limit: number }): OutboxMessage[] {
    const rows = filter.state
      ? this.db.prepare(`SELECT ${COLUMNS} FROM sms_outbox WHERE state = ? ORDER BY id DESC LIMIT ?`).all(filter.state, filter.limit)
      : this.db.prepare(`SELECT ${COLUMNS} FROM sms_outbox ORDER BY id DESC LIMIT ?`).all(filter.limit);
    return (rows as Row[]).map(toMessage);
  }

  summary(dayStart: number): OutboxSummary {
    const r = this.db
      .prepare(
        `SELECT
           SUM(state = 'pending') AS pending,
           SUM(state = 'pending' AND attempts > 0) AS retrying,
           MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest,
           SUM(state IN ('sent', 'delivered', 'undelivered') AND sent_at >= ?) AS sent,
           SUM(state IN ('expired', 'failed') AND created_at >= ?) AS expired
         FROM sms_outbox WHERE state = 'pending' OR created_at >= ? OR sent_at >= ?`,
      )
      .get(dayStart, dayStart, dayStart, dayStart) as { pending: number | null; retrying: number | null; oldest: number | null; sent: number | null; expired: number | null };
    const last = this.db.prepare("SELECT last_error FROM sms_outbox WHERE last_error IS NOT NULL AND state = 'pending' ORDER BY id DESC LIMIT 1").pluck().get() as string | undefined;
    return { pending: r.pending ?? 0, retrying: r.retrying ?? 0, oldestPendingAt: r.oldest, sentToday: r.sent ?? 0, expiredToday: r.expired ?? 0, lastError: last ?? null };
  }

  /** Rows of finished messages older than this go (their text names a ticket number and a window, nothing more). */
  purge(before: number): number {
    return this.db.prepare("DELETE FROM sms_outbox WHERE state != 'pending' AND created_at < ?").run(before).changes;
  }
}

const COLUMNS = 'id, dedupe, kind, masked, text, state, attempts, next_at, created_at, expires_at, sent_at, last_error';

interface Row {
  id: number;
  dedupe: string;
  kind: SmsKind;
  masked: string;
  text: string;
  state: SmsState;
  attempts: number;
  next_at: number;
  created_at: number;
  expires_at: number;
  sent_at: number | null;
  last_error: string | null;
}

function toMessage(r: Row): OutboxMessage {
  return {
    id: r.id,
    dedupe: r.dedupe,
    kind: r.kind,
    phoneMasked: r.masked,
    text: r.text,
    state: r.state,
    attempts: r.attempts,
    nextAt: r.next_at,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    sentAt: r.sent_at,
    lastError: r.last_error,
  };
}
