import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate, instantOf } from '../domain/calendar.ts';
import type { Clock } from '../clock.ts';
import { EVENT_KEYS, typeColumnValues } from './event-keys.ts';
import { STRIKE_HORIZON_DAYS } from '../domain/state.ts';
import type { Db } from './open-db.ts';
import { TimedBatch } from './timed-batch.ts';

/** Each batch aims at this: three kinds of work in a step stay well inside the hall's 50 ms. */
const BATCH_MS = 10;

/**
 * The store's housekeeping, in small steps off the start path (issue #11): each step is one short
 * transaction over an indexed range, so it never holds the write lock for more than a few tens of
 * milliseconds, however long the history. `step()` does one batch and says whether work remains.
 *
 * - Projection rows of finished tickets older than yesterday leave the database: the log keeps them,
 *   the fact tables keep what the reports count, memory never loads them again. Bookings stay as the
 *   history of booking until the personal-data retention (no-shows at least 120 days, for suspensions).
 * - Personal fields older than `privacy.retentionDays` leave the log, the appointments and the service
 *   facts (DESIGN §5), walking the log by seq and the facts by date with watermarks, so each row is
 *   rewritten once.
 * - Delivered upload records older than 30 days (they point at the rating event, which stays), and
 *   idempotency records older than a day, go.
 */
/** How long a delivered upload's record stays: enough to answer "was it sent?" for a month. */
const DELIVERED_KEEP_DAYS = 30;

export class Maintenance {
  readonly #oldTickets;
  readonly #servicesOf;
  readonly #deleteService;
  readonly #deleteRating;
  readonly #keepRating;
  readonly #deleteTicket;
  readonly #meta;
  readonly #setMeta;
  readonly #atOf;
  readonly #lastSeq;
  readonly #purgeEvents;
  readonly #appointmentsAfter;
  readonly #purgeAppointment;
  readonly #purgeFacts;
  readonly #firstFactDate;
  readonly #purgeOutbox;
  readonly #purgeResults;
  readonly #oldAppointments;
  readonly #tasks = [() => this.#compact(), () => this.#purgePersonalData(), () => this.#purgeRecords()];
  /** Whether each task had more to do when it last ran (all unknown, so due, at first). */
  readonly #pending = this.#tasks.map(() => true);
  #nextTask = 0;
  readonly #batches = {
    appointments: new TimedBatch(BATCH_MS, 100),
    tickets: new TimedBatch(BATCH_MS, 50),
    events: new TimedBatch(BATCH_MS, 500, 50),
    purgeAppointments: new TimedBatch(BATCH_MS, 100),
    facts: new TimedBatch(BATCH_MS, 500),
    outbox: new TimedBatch(BATCH_MS, 200),
    results: new TimedBatch(BATCH_MS, 200),
  };

  constructor(
    private readonly db: Db,
    private readonly config: HallConfig,
    private readonly clock: Clock,
  ) {
    this.#oldTickets = db.prepare(`SELECT id, data FROM tickets WHERE business_date < ? AND status NOT IN ('waiting', 'called', 'serving') LIMIT ?`);
    this.#servicesOf = (data: string) => (JSON.parse(data) as { serviceIds: string[] }).serviceIds;
    this.#deleteService = db.prepare('DELETE FROM services WHERE id = ?');
    // A rating with a follow-up stays: the manager's list and the monthly 差评回访 table show its words.
    // Follow-ups are a few in a hundred ratings, so this keeps little.
    this.#keepRating = db.prepare(`SELECT 1 FROM followups WHERE json_extract(data, '$.serviceId') = ?`);
    this.#deleteRating = db.prepare('DELETE FROM ratings WHERE service_id = ?');
    this.#deleteTicket = db.prepare('DELETE FROM tickets WHERE id = ?');
    this.#meta = db.prepare('SELECT value FROM hall_meta WHERE key = ?');
    this.#setMeta = db.prepare('INSERT INTO hall_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.#atOf = db.prepare('SELECT at FROM events WHERE seq = ?');
    this.#lastSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events');
    // Compact events leave null fields out (event-codec.ts): removing a field is setting it to null.
    // Each field and type under both of its names: rows from before short names (event-keys.ts) have the long one.
    const paths = (...fields: string[]) => fields.flatMap((f) => [`'$.${f}'`, `'$.${EVENT_KEYS[f]}'`]).join(', ');
    this.#purgeEvents = db.prepare(
      `UPDATE events SET data = CASE
         WHEN type IN (${typeColumnValues('ticket.issued')}) THEN json_remove(data, ${paths('holder', 'phoneMasked')})
         WHEN type IN (${typeColumnValues('rating.recorded')}) THEN json_remove(data, ${paths('holder', 'comment')})
         ELSE json_remove(data, ${paths('holderHmac', 'nameMasked', 'phoneMasked', 'idMasked')}) END
       WHERE seq > ? AND seq <= ? AND type IN (${typeColumnValues('ticket.issued', 'rating.recorded', 'appointment.booked', 'appointment.missed')})`,
    );
    this.#firstFactDate = db.prepare('SELECT MIN(business_date) AS d FROM service_facts');
    this.#purgeFacts = db.prepare(
      `UPDATE service_facts SET holder_masked = NULL WHERE (business_date, number, idx) IN
         (SELECT business_date, number, idx FROM service_facts WHERE business_date >= ? AND business_date < ? AND holder_masked IS NOT NULL LIMIT ?)`,
    );
    // Walked in index order (used, slot_end, code) from a watermark per `used`: selecting "not yet
    // purged" from the start each time rescanned every row already done (a city year: 6 s a step at the end).
    this.#appointmentsAfter = db.prepare(
      `SELECT slot_end AS slotEnd, code, json_extract(data, '$.nameMasked') IS NOT NULL AS named FROM appointments INDEXED BY appointments_live
       WHERE used = ? AND (slot_end > ? OR (slot_end = ? AND code > ?)) AND slot_end < ? ORDER BY slot_end, code LIMIT ?`,
    );
    this.#purgeAppointment = db.prepare(`UPDATE appointments SET data = json_set(data, '$.holderHmac', json('null'), '$.nameMasked', json('null'), '$.phoneMasked', json('null'), '$.idMasked', json('null')) WHERE code = ?`);
    this.#purgeOutbox = db.prepare(
      `DELETE FROM upstream_outbox WHERE seq IN (SELECT seq FROM upstream_outbox WHERE delivered_at IS NOT NULL AND delivered_at < ? LIMIT ?)
       AND seq < (SELECT seq FROM upstream_outbox WHERE delivered_at IS NOT NULL ORDER BY seq DESC LIMIT 1)`,
    );
    // Bookings are the hall's history of booking (issue #15): kept until the personal-data retention,
    // and no-shows at least as long as the suspension rule can reach them (STRIKE_HORIZON_DAYS).
    this.#oldAppointments = db.prepare('DELETE FROM appointments WHERE code IN (SELECT code FROM appointments WHERE used IN (0, 1) AND slot_end < ? LIMIT ?)');
    this.#purgeResults = db.prepare('DELETE FROM command_results WHERE key IN (SELECT key FROM command_results WHERE at < ? LIMIT ?)');
  }

  /**
   * One batch of each kind of work that fits about `budgetMs`, starting where the last step stopped
   * (so no kind waits behind another that always has work); true while more remains.
   */
  step(budgetMs = 30): boolean {
    const started = performance.now();
    for (let i = 0; i < this.#tasks.length; i++) {
      // A task is a few batches of ~BATCH_MS: the next one starts only inside the first half of the budget.
      if (i > 0 && performance.now() - started > budgetMs / 2) break;
      const k = this.#nextTask;
      this.#nextTask = (k + 1) % this.#tasks.length;
      this.#pending[k] = this.#tasks[k]!();
    }
    return this.#pending.some(Boolean);
  }

  /** Everything due, now (tests and tools; the hub runs `step` on a timer). Returns the steps taken. */
  runAll(): number {
    let n = 0;
    while (this.step(Infinity)) n++;
    return n + 1;
  }

  #compact(): boolean {
    const today = businessDate(this.clock.now(), this.config.hall.timeZone);
    const keepDays = Math.max(this.config.privacy.retentionDays, STRIKE_HORIZON_DAYS);
    const apptsBefore = instantOf(addDays(today, -keepDays), 0, this.config.hall.timeZone);
    const apptsMore = this.#batches.appointments.run((n) => this.#oldAppointments.run(apptsBefore, n).changes === n);
    return (
      this.#batches.tickets.run((n) => {
        const rows = this.#oldTickets.all(addDays(today, -1), n) as { id: string; data: string }[];
        if (rows.length === 0) return false;
        this.db.transaction(() => {
          for (const r of rows) {
            for (const sid of this.#servicesOf(r.data)) {
              this.#deleteService.run(sid);
              if (!this.#keepRating.get(sid)) this.#deleteRating.run(sid);
            }
            this.#deleteTicket.run(r.id);
          }
        })();
        return rows.length === n;
      }) || apptsMore
    );
  }

  /** Walks the log from the watermark up to the first event inside the retention, one window at a time. */
  #purgePersonalData(): boolean {
    const today = businessDate(this.clock.now(), this.config.hall.timeZone);
    const cutoffMs = instantOf(addDays(today, -this.config.privacy.retentionDays), 0, this.config.hall.timeZone);
    const done = Number((this.#meta.get('purged_seq') as { value: string } | undefined)?.value ?? 0);
    const upTo = this.#lastSeqBefore(cutoffMs);
    let more = false;
    if (upTo > done) {
      // As many events as fit the batch's time: the rewrite of 5,000 held the write lock ~95 ms on a busy machine.
      more = this.#batches.events.run((n) => {
        const to = Math.min(upTo, done + n);
        this.db.transaction(() => {
          this.#purgeEvents.run(done, to);
          this.#setMeta.run('purged_seq', String(to));
        })();
        return to < upTo;
      });
    }
    for (const used of [0, 1]) if (this.#batches.purgeAppointments.run((n) => this.#purgeAppointmentsAfter(used, cutoffMs, n))) more = true;
    // The facts' masked names, a batch of a day's rows per step (a city day is ~10,000 rows), up to the retention's first day.
    const cutoffDate = addDays(today, -this.config.privacy.retentionDays);
    const factsDone = (this.#meta.get('facts_purged_date') as { value: string } | undefined)?.value ?? '0000-00-00';
    if (factsDone < cutoffDate) {
      const first = factsDone === '0000-00-00' ? ((this.#firstFactDate.get() as { d: string | null }).d ?? cutoffDate) : factsDone;
      const next = first < cutoffDate ? addDays(first, 1) : cutoffDate;
      this.#batches.facts.run((n) =>
        this.db.transaction(() => {
          // The day is done only when a step finds fewer rows than it may change.
          if (this.#purgeFacts.run(factsDone, next, n).changes < n) this.#setMeta.run('facts_purged_date', next);
        })(),
      );
      more = true;
    }
    return more;
  }

  /** Up to `n` bookings (of one `used` value) past the watermark and before the cutoff; true if more may remain. */
  #purgeAppointmentsAfter(used: number, cutoffMs: number, n: number): boolean {
    const key = `appointments_purged_${used}`;
    // The walk starts over each business date: a booking rewritten with its names from memory after
    // the walk passed it (a late status change), or one below the mark after a clock correction, is
    // cleared on the next day's walk instead of never.
    const today = businessDate(this.clock.now(), this.config.hall.timeZone);
    const mark = JSON.parse((this.#meta.get(key) as { value: string } | undefined)?.value ?? '[-1, "", ""]') as [number, string, string?];
    const [afterEnd, afterCode] = mark[2] === today ? mark : [-1, ''];
    const rows = this.#appointmentsAfter.all(used, afterEnd, afterEnd, afterCode, cutoffMs, n) as { slotEnd: number; code: string; named: number }[];
    if (rows.length === 0) return false;
    const last = rows[rows.length - 1]!;
    this.db.transaction(() => {
      for (const r of rows) if (r.named) this.#purgeAppointment.run(r.code);
      this.#setMeta.run(key, JSON.stringify([last.slotEnd, last.code, today]));
    })();
    return rows.length === n;
  }

  #purgeRecords(): boolean {
    const now = this.clock.now();
    const a = this.#batches.outbox.run((n) => this.#purgeOutbox.run(now - DELIVERED_KEEP_DAYS * 24 * 3600_000, n).changes === n);
    const b = this.#batches.results.run((n) => this.#purgeResults.run(now - 24 * 3600_000, n).changes === n);
    return a || b;
  }

  /**
   * The last seq written before `ms`, by bisection on the seq key (the log's times follow its seqs,
   * give or take a clock jump, which only moves the line by the jump).
   */
  #lastSeqBefore(ms: number): number {
    let lo = 0;
    let hi = (this.#lastSeq.get() as { seq: number }).seq;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const at = (this.#atOf.get(mid) as { at: number } | undefined)?.at;
      if (at !== undefined && at < ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
