import { EventEmitter } from 'node:events';
import { backoffDelay as oneBackoffRule } from '../../devices/backoff.ts';
import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import type { DeliveryResult, UpstreamAdapter } from './adapter.ts';
import type { OutboxRow, OutboxStore } from './outbox-store.ts';

export type UpstreamState = 'stopped' | 'idle' | 'sending' | 'backing-off';

/** What the manager room and `/healthz` show of the 好差评 upload. */
export interface UpstreamStatus {
  state: UpstreamState;
  /** Ratings waiting to be sent (dead letters not included). */
  backlog: number;
  /** Ratings parked after the platform refused them; they wait for an operator's `requeue`. */
  deadLetters: number;
  /** How long the oldest waiting rating has waited; null when none waits. */
  oldestAgeMs: number | null;
  /**
   * The most recent failure. Kept after the queue recovers: compare `at` with `lastDeliveredAt`.
   * `at` is null for an error read back from the database at start-up; `ratingId` is null for a
   * database error outside any row.
   */
  lastError: { ratingId: string | null; message: string; at: number | null } | null;
  lastDeliveredAt: number | null;
  /** When backing off: when the next attempt is due. */
  nextAttemptAt: number | null;
  at: number;
}

export interface UpstreamWorkerOptions {
  scheduler?: Scheduler;
  /** Wait after failed attempt n of a record: min(maxMs, baseMs × 2^(n−1)). Defaults 1000 / 300000. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** With nothing to send, look for rows this often. Default 5000; `notify()` wakes it sooner. */
  pollMs?: number;
  /** See "Dead letters" on the class. Defaults 5 / 3. */
  deadLetter?: { afterAttempts?: number; maxInARow?: number };
  /** `status` goes out on every change of state or error, and at most this often for count changes alone. Default 1000. */
  statusEveryMs?: number;
  /** Called with every `status` event. */
  onStatus?: (status: UpstreamStatus) => void;
  /** `upstream.applicant.eraseAfterHours`, for the dead letter's words when an applicant is erased undelivered. */
  applicantEraseAfterHours?: number;
}

export interface DeliveredEvent {
  seq: number;
  ratingId: string;
  at: number;
  /** The platform said it already had it (409). */
  duplicate: boolean;
  /** Failed attempts before this one. */
  attempts: number;
}

export interface FailedEvent {
  seq: number;
  ratingId: string;
  error: string;
  /** Failed attempts so far, this one included. */
  attempts: number;
  nextAttemptAt: number;
  /** The platform refused the record itself (400/413/422). */
  rejected: boolean;
}

export interface DeadLetterEvent {
  seq: number;
  ratingId: string;
  error: string;
  attempts: number;
  at: number;
}

interface UpstreamWorkerEvents {
  status: [UpstreamStatus];
  delivered: [DeliveredEvent];
  failed: [FailedEvent];
  'dead-letter': [DeadLetterEvent];
}

/** min(maxMs, baseMs × 2^(attempt−1)); attempt counts from 1. The devices' one backoff rule. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return oneBackoffRule(attempt, { initialMs: baseMs, maxMs });
}

/**
 * Uploads the outbox to the province, one rating at a time, oldest first.
 *
 * Order and exactly-once: only the oldest undelivered row is ever sent, and only one request is in
 * flight; a row is marked delivered in SQLite (fsynced) before the next one is looked at, so a row
 * acknowledged is never posted again. The one duplicate possible is a row whose acknowledgement
 * arrived but whose mark did not reach the disk (the process died in between, or the write failed):
 * it is sent again with the same `X-Idempotency-Key` (the rating id), and the platform must treat
 * a repeated key as the record it already has, as the mock does (409). One worker per database.
 *
 * Failures: a retryable failure (5xx, timeout, network, 401/403/404…) holds the queue and retries
 * the same row after min(maxMs, baseMs × 2^(n−1)); the count and the time are stored on the row, so
 * the backoff survives a restart, except that the first attempt after `start()` (or `retryNow()`) is
 * made at once: a restart is often the operator's reaction to a fixed cause. A wait read back from
 * the database is never longer than maxMs, so a clock set back cannot stall the queue.
 *
 * Dead letters: strict order means a record the platform will never take (400/413/422: malformed
 * for it) would block every rating behind it for ever. Such a record is retried with the same
 * backoff (a platform can be briefly wrong), and after `deadLetter.afterAttempts` refusals it is
 * parked: marked as a dead letter in the outbox with its error, counted in `deadLetters`, announced
 * as `dead-letter`, and the queue moves on. Nothing is deleted; `OutboxStore.requeue` sends it again
 * once the cause is fixed (it then goes next, ahead of newer rows). But when `deadLetter.maxInARow`
 * records in a row (no delivery between them, counted in the database, so restarts do not reset it)
 * have been parked, the fault is the configuration (mapping, platform version), not the records:
 * no more are parked, the queue holds on the current row with backoff, and `lastError` says so.
 * A bad config thus parks at most `maxInARow` records instead of draining the whole backlog.
 *
 * Events: `status` (UpstreamStatus), `delivered`, `failed`, `dead-letter`.
 */
export class UpstreamWorker extends EventEmitter<UpstreamWorkerEvents> {
  readonly #store: OutboxStore;
  readonly #adapter: UpstreamAdapter;
  readonly #clock: Scheduler;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #pollMs: number;
  readonly #deadAfter: number;
  readonly #maxDeadInARow: number;
  readonly #statusEveryMs: number;
  readonly #onStatus: ((status: UpstreamStatus) => void) | undefined;
  readonly #eraseAfterHours: number;

  #started = false;
  #stopping = false;
  #state: UpstreamState = 'stopped';
  #cancelTimer: (() => void) | null = null;
  #inflight: Promise<void> | null = null;
  /** The next attempt ignores the row's stored backoff (after start and retryNow). */
  #skipBackoff = false;
  #nextAttemptAt: number | null = null;
  #lastError: UpstreamStatus['lastError'];
  #lastDeliveredAt: number | null;
  #storeFailures = 0;
  #lastEmitAt = -Infinity;

  constructor(store: OutboxStore, adapter: UpstreamAdapter, opts: UpstreamWorkerOptions = {}) {
    super();
    this.#store = store;
    this.#adapter = adapter;
    this.#clock = opts.scheduler ?? systemScheduler;
    this.#baseMs = opts.backoff?.baseMs ?? 1000;
    this.#maxMs = Math.max(this.#baseMs, opts.backoff?.maxMs ?? 300_000);
    this.#pollMs = opts.pollMs ?? 5000;
    this.#deadAfter = Math.max(1, opts.deadLetter?.afterAttempts ?? 5);
    this.#maxDeadInARow = Math.max(1, opts.deadLetter?.maxInARow ?? 3);
    this.#statusEveryMs = opts.statusEveryMs ?? 1000;
    this.#onStatus = opts.onStatus;
    this.#eraseAfterHours = opts.applicantEraseAfterHours ?? 72;
    const stored = store.lastError();
    this.#lastError = stored && { ratingId: stored.ratingId, message: stored.error, at: null };
    this.#lastDeliveredAt = store.lastDeliveredAt();
  }

  /** Starts sending. The first attempt is made at once, whatever backoff the database holds. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#skipBackoff = true;
    this.#run();
  }

  /** New rows were committed: if idle, look now instead of at the next poll. Harmless at any time. */
  notify(): void {
    if (this.#started && this.#state === 'idle' && !this.#inflight) this.#run();
  }

  /** Cuts a backoff short (a manager's 「立即重试」 after fixing the cause). */
  retryNow(): void {
    if (!this.#started || this.#state !== 'backing-off' || this.#inflight) return;
    this.#skipBackoff = true;
    this.#run();
  }

  /** Stops after the request in flight, if any, has been answered (or timed out) and recorded. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#clearTimer();
    while (this.#inflight) await this.#inflight;
    this.#started = false;
    this.#stopping = false;
    this.#nextAttemptAt = null;
    this.#setState('stopped');
  }

  get state(): UpstreamState {
    return this.#state;
  }

  status(): UpstreamStatus {
    const now = this.#clock.now();
    const backlog = this.#store.backlog();
    return {
      state: this.#state,
      backlog: backlog.count,
      deadLetters: backlog.deadLetters,
      oldestAgeMs: backlog.oldestCreatedAt === null ? null : Math.max(0, now - backlog.oldestCreatedAt),
      lastError: this.#lastError && { ...this.#lastError },
      lastDeliveredAt: this.#lastDeliveredAt,
      nextAttemptAt: this.#nextAttemptAt,
      at: now,
    };
  }

  /** Looks at the head of the outbox and sends it, waits for it, or idles. */
  #run(): void {
    this.#clearTimer();
    if (!this.#started || this.#stopping || this.#inflight) return;
    let head: ReturnType<OutboxStore['next']>;
    try {
      this.#eraseExpired();
      head = this.#store.next(this.#clock.now());
    } catch (err) {
      this.#wait(this.#storeFailed(null, err));
      return;
    }
    if (!head) {
      this.#nextAttemptAt = null;
      this.#setState('idle');
      this.#cancelTimer = this.#clock.schedule(this.#pollMs, () => this.#run());
      return;
    }
    const waitMs = this.#skipBackoff ? 0 : Math.min(head.dueInMs, this.#maxMs);
    if (waitMs > 0) {
      this.#wait(waitMs);
      return;
    }
    this.#skipBackoff = false;
    this.#nextAttemptAt = null;
    this.#setState('sending');
    this.#inflight = this.#attempt(head.row).then((delayMs) => {
      this.#inflight = null;
      if (this.#stopping) return;
      if (delayMs === 0) this.#run();
      else this.#wait(delayMs);
    });
  }

  /** Applicants past their time are erased, delivered or not; a record still waiting becomes a dead letter. */
  #eraseExpired(): void {
    const now = this.#clock.now();
    const error = `dead-letter: the applicant was erased after ${this.#eraseAfterHours} h without delivery (upstream.applicant.eraseAfterHours); resend to upload the record without it`;
    for (const r of this.#store.eraseExpired(now, error)) {
      this.#lastError = { ratingId: r.ratingId, message: error, at: now };
      this.#tell(() => this.emit('dead-letter', { seq: r.seq, ratingId: r.ratingId, error, attempts: r.attempts, at: now }));
      this.#emitStatus(true);
    }
  }

  #wait(ms: number): void {
    this.#clearTimer();
    this.#nextAttemptAt = this.#clock.now() + ms;
    this.#setState('backing-off');
    this.#cancelTimer = this.#clock.schedule(ms, () => this.#run());
  }

  /** One POST of one row and its bookkeeping; resolves to the wait before the next look (0: at once). */
  async #attempt(row: OutboxRow): Promise<number> {
    let result: DeliveryResult;
    try {
      // A sealed applicant that will not open is the key's fault, not the record's: hold the queue, never send it without.
      result = row.applicantError ? { outcome: 'retry', error: row.applicantError } : await this.#adapter.deliver(row);
    } catch (err) {
      result = { outcome: 'retry', error: `adapter: ${message(err)}` };
    }
    const now = this.#clock.now();
    const attempts = row.attempts + 1;
    try {
      switch (result.outcome) {
        case 'acknowledged': {
          // On disk before anything else happens: from here on the row is never sent again.
          this.#store.markDelivered(row.seq, now);
          this.#storeFailures = 0;
          this.#lastDeliveredAt = now;
          this.#tell(() => this.emit('delivered', { seq: row.seq, ratingId: row.ratingId, at: now, duplicate: result.duplicate, attempts: row.attempts }));
          this.#emitStatus(false);
          return 0;
        }
        case 'retry': {
          const delay = Math.min(this.#maxMs, Math.max(backoffDelay(attempts, this.#baseMs, this.#maxMs), result.retryAfterMs ?? 0));
          this.#failed(row, attempts, result.error, now, delay, false);
          return delay;
        }
        case 'rejected': {
          let error = `rejected: ${result.error}`;
          if (attempts >= this.#deadAfter) {
            const inARow = this.#store.deadLetterStreak();
            if (inARow < this.#maxDeadInARow) {
              error = `dead-letter after ${attempts} attempts: ${result.error}`;
              this.#store.markDeadLetter(row.seq, error);
              this.#lastError = { ratingId: row.ratingId, message: error, at: now };
              this.#tell(() => this.emit('dead-letter', { seq: row.seq, ratingId: row.ratingId, error, attempts, at: now }));
              this.#emitStatus(true);
              return 0;
            }
            error = `${error}; ${inARow} records in a row already parked, so the queue holds here: check the endpoint and the mapping`;
          }
          const delay = backoffDelay(attempts, this.#baseMs, this.#maxMs);
          this.#failed(row, attempts, error, now, delay, true);
          return delay;
        }
        default: {
          const _exhaustive: never = result;
          return _exhaustive;
        }
      }
    } catch (err) {
      // The database refused the write. The row stays as it was and is sent again with the same key.
      return this.#storeFailed(row, err);
    }
  }

  #failed(row: OutboxRow, attempts: number, error: string, now: number, delay: number, rejected: boolean): void {
    this.#store.markFailed(row.seq, error, now + delay);
    this.#storeFailures = 0;
    this.#lastError = { ratingId: row.ratingId, message: error, at: now };
    this.#tell(() => this.emit('failed', { seq: row.seq, ratingId: row.ratingId, error, attempts, nextAttemptAt: now + delay, rejected }));
  }

  #storeFailed(row: OutboxRow | null, err: unknown): number {
    this.#storeFailures += 1;
    this.#lastError = { ratingId: row?.ratingId ?? null, message: `store: ${message(err)}`, at: this.#clock.now() };
    return backoffDelay(this.#storeFailures, this.#baseMs, this.#maxMs);
  }

  #setState(state: UpstreamState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#emitStatus(true);
  }

  #emitStatus(force: boolean): void {
    const now = this.#clock.now();
    if (!force && now - this.#lastEmitAt < this.#statusEveryMs) return;
    this.#lastEmitAt = now;
    let status: UpstreamStatus;
    try {
      status = this.status();
    } catch {
      return; // the database is gone (closing); the next change will tell
    }
    this.#tell(() => this.emit('status', status));
    try {
      this.#onStatus?.(status);
    } catch (err) {
      listenerFailed(err);
    }
  }

  /** A listener's bug must not stop the upload (nor make it take a delivered row for a failed one). */
  #tell(fire: () => void): void {
    try {
      fire();
    } catch (err) {
      listenerFailed(err);
    }
  }

  #clearTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }
}

function listenerFailed(err: unknown): void {
  process.emitWarning(`upstream worker listener threw: ${message(err)}`, 'HallqUpstreamWarning');
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
