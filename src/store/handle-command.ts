import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate } from '../domain/calendar.ts';
import type { Actor, HallCommand } from '../domain/commands.ts';
import { decide } from '../domain/decide.ts';
import { HallqError } from '../domain/errors.ts';
import { evolve } from '../domain/evolve.ts';
import { pruneFinished, type HallState } from '../domain/state.ts';
import { EventLog, type StoredEvent } from './event-log.ts';
import type { Db } from './open-db.ts';
import { emptyTouched, markTouched, Projections } from './projections.ts';

/**
 * The hub's clocks: the wall clock (`now`, what the hall's day and sessions follow, which an
 * operator or NTP may move) and a monotonic one that only ever advances (how much time really
 * passed). Comparing the two is how the hub notices a jump.
 */
export interface Clock {
  now(): number;
  /** Milliseconds from an arbitrary start, never set back. Default: `performance.now()`. */
  monotonic?(): number;
}
export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/** What an API call answers; stored whole under its idempotency key. */
export interface Reply {
  status: number;
  body: unknown;
}

export interface Idempotency {
  /** Principal-scoped key: a retry by someone else never sees another's answer. */
  key: string;
  /** Method, path and body hash: the same key with another request is refused. */
  fingerprint: string;
}

type CommittedListener = (events: StoredEvent[]) => void;

/** How the last commit went: a full disk shows here at once, not only in the replies it fails. */
export interface CommitOutcome {
  ok: boolean;
  at: number | null;
  error: string | null;
}

interface Pending {
  stored: StoredEvent[];
  reply: Reply;
  idem: Idempotency | undefined;
  at: number;
  settle: { resolve: (r: Reply) => void; reject: (err: unknown) => void } | null;
}

/**
 * The thin shell around the engine (DESIGN §2):
 *
 * 1. `decide` on the current state, then `evolve` it in memory and number the events — one command
 *    at a time, synchronously, so two "call next" presses never see the same queue;
 * 2. the commands of one event-loop turn are committed together: one SQLite transaction (events,
 *    projections, idempotent replies) and so one fsync for the group;
 * 3. only then are replies released and events broadcast. If the commit fails, every command of
 *    the group fails, memory is reloaded from SQLite, and nothing was acknowledged.
 */
export class CommandHandler {
  state: HallState;
  #seq: number;
  #committedSeq: number;
  readonly log: EventLog;
  readonly #projections: Projections;
  readonly #listeners: CommittedListener[] = [];
  readonly #findIdem;
  readonly #saveIdem;
  #batch: Pending[] = [];
  #touched = emptyTouched();
  #pendingIdem = new Map<string, { fingerprint: string; done: Promise<Reply> }>();
  #flushScheduled = false;
  #waiters: (() => void)[] = [];
  readonly #outbox: StoredEvent[][] = [];
  #dispatching = false;
  #lastCommit: CommitOutcome = { ok: true, at: null, error: null };
  #loadedDates = new Set<string>();

  constructor(
    readonly db: Db,
    readonly config: HallConfig,
    readonly clock: Clock,
  ) {
    this.log = new EventLog(db);
    this.#projections = new Projections(db);
    this.#findIdem = db.prepare('SELECT fingerprint, status, body FROM idempotency WHERE key = ?');
    this.#saveIdem = db.prepare('INSERT INTO idempotency (key, fingerprint, status, body, at) VALUES (?, ?, ?, ?, ?)');
    this.#seq = this.#committedSeq = this.log.lastSeq();
    this.state = this.#load();
  }

  /** The outcome of the last commit (health reports it). */
  get lastCommit(): CommitOutcome {
    return { ...this.#lastCommit };
  }

  /** Seq of the last event committed to disk (what screens and the log agree on). */
  get seq(): number {
    return this.#committedSeq;
  }

  #load(): HallState {
    const today = businessDate(this.clock.now(), this.config.hall.timeZone);
    this.#loadedDates = new Set([today, addDays(today, -1)]);
    return this.#projections.load(today);
  }

  /**
   * Memory holds the numbering of the dates it has seen. A clock that lands on another date (set
   * back two days, say) brings that date's tickets and counters in first, so numbers go on from
   * where that day stopped instead of clashing with them.
   */
  #ensureDate(date: string): void {
    if (this.#loadedDates.has(date)) return;
    this.#projections.loadDate(this.state, date);
    this.#loadedDates.add(date);
  }

  /** Drops finished tickets of dates before `beforeDate` from memory (they stay in SQLite). */
  pruneBefore(beforeDate: string): number {
    for (const d of [...this.#loadedDates]) if (d < beforeDate) this.#loadedDates.delete(d);
    return pruneFinished(this.state, beforeDate);
  }

  onCommitted(listener: CommittedListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  onListenerError: (err: unknown) => void = (err) => console.error('committed-event listener failed', err);

  /**
   * Runs a command and resolves once it is on disk, with its reply. A rule violation rejects with
   * `HallqError` and changes nothing; a retry with the same idempotency key gets the first reply.
   */
  submit<R extends Reply>(command: HallCommand, actor: Actor, toReply: (events: StoredEvent[], state: HallState) => R, idem?: Idempotency): Promise<R> {
    let entry: Pending | Promise<Reply>;
    try {
      entry = this.#apply(command, actor, toReply, idem);
    } catch (err) {
      return Promise.reject(err);
    }
    if (entry instanceof Promise) return entry as Promise<R>;
    const pending = entry;
    const done = new Promise<Reply>((resolve, reject) => {
      pending.settle = { resolve, reject };
    });
    if (idem) this.#pendingIdem.set(idem.key, { fingerprint: idem.fingerprint, done });
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    return done as Promise<R>;
  }

  /** The synchronous form, for the hub's own jobs and tests: commits at once (after any open group). */
  run<R extends Reply>(command: HallCommand, actor: Actor, toReply: (events: StoredEvent[], state: HallState) => R, idem?: Idempotency): R {
    const entry = this.#apply(command, actor, toReply, idem);
    if (entry instanceof Promise) throw new HallqError('HQ_ERR_WRONG_STATE', { reason: 'idempotent retry still committing' });
    const err = this.#flush();
    if (err !== null) throw err;
    return entry.reply as R;
  }

  /**
   * The reply already given (or being committed) under this idempotency key, or null. Throws
   * `HQ_ERR_IDEMPOTENCY_KEY_REUSED` when the key came with a different request.
   */
  replyFor(idem: Idempotency): Promise<Reply> | null {
    const inFlight = this.#pendingIdem.get(idem.key);
    if (inFlight) {
      if (inFlight.fingerprint !== idem.fingerprint) throw new HallqError('HQ_ERR_IDEMPOTENCY_KEY_REUSED');
      return inFlight.done;
    }
    const prior = this.#findIdem.get(idem.key) as { fingerprint: string; status: number; body: string | null } | undefined;
    if (!prior) return null;
    if (prior.fingerprint !== idem.fingerprint) throw new HallqError('HQ_ERR_IDEMPOTENCY_KEY_REUSED');
    return Promise.resolve({ status: prior.status, body: prior.body === null ? undefined : JSON.parse(prior.body) });
  }

  /** Whether memory holds commands not yet on disk. */
  get uncommitted(): boolean {
    return this.#batch.length > 0;
  }

  /**
   * Resolves after the open group commits. To read a state that equals the disk, loop
   * `while (handler.uncommitted) await handler.whenCommitted();` and read synchronously after it.
   */
  whenCommitted(): Promise<void> {
    if (this.#batch.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #apply(command: HallCommand, actor: Actor, toReply: (events: StoredEvent[], state: HallState) => Reply, idem: Idempotency | undefined): Pending | Promise<Reply> {
    if (idem) {
      const known = this.replyFor(idem);
      if (known) return known;
    }
    const at = this.clock.now();
    this.#ensureDate(businessDate(at, this.config.hall.timeZone));
    const events = decide(this.state, command, { config: this.config, at, actor, seq: this.#seq + 1 });
    const stored = EventLog.number(this.#seq, events, actor, at);
    let reply: Reply;
    try {
      for (const e of events) {
        evolve(this.state, e, this.config.queue.estimateAlpha);
        markTouched(this.#touched, e);
      }
      reply = toReply(stored, this.state);
    } catch (err) {
      // Memory moved past what any commit holds: fail the whole open group and reload.
      this.#batch.push({ stored, reply: { status: 500, body: undefined }, idem, at, settle: null });
      this.#seq += stored.length;
      this.#fail(err);
      throw err;
    }
    this.#seq += stored.length;
    const pending: Pending = { stored, reply, idem, at, settle: null };
    this.#batch.push(pending);
    return pending;
  }

  /** Commits the open group; returns the error if the commit failed (the group is then rejected). */
  #flush(): unknown {
    this.#flushScheduled = false;
    const batch = this.#batch;
    if (batch.length === 0) return null;
    const touched = this.#touched;
    try {
      this.db
        .transaction(() => {
          for (const p of batch) {
            this.log.insert(p.stored);
            if (p.idem) this.#saveIdem.run(p.idem.key, p.idem.fingerprint, p.reply.status, p.reply.body === undefined ? null : JSON.stringify(p.reply.body), p.at);
          }
          this.#projections.write(this.state, touched);
        })
        .immediate();
    } catch (err) {
      this.#lastCommit = { ok: false, at: this.clock.now(), error: err instanceof Error ? err.message : String(err) };
      this.#fail(err);
      return err;
    }
    this.#lastCommit = { ok: true, at: this.clock.now(), error: null };
    this.#batch = [];
    this.#touched = emptyTouched();
    this.#pendingIdem.clear();
    this.#committedSeq = this.#seq;
    for (const p of batch) p.settle?.resolve(p.reply);
    const events = batch.flatMap((p) => p.stored);
    if (events.length > 0) this.#dispatch(events);
    this.#wake();
    return null;
  }

  /**
   * Hands committed events to every listener in seq order. A listener that runs a command of its
   * own (a device bridge, the announcer) only queues that command's events behind these.
   */
  #dispatch(events: StoredEvent[]): void {
    this.#outbox.push(events);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let next = this.#outbox.shift(); next; next = this.#outbox.shift()) {
        for (const l of this.#listeners) {
          // A failing subscriber (a screen fan-out, a device) must not turn a committed command into an error.
          try {
            l(next);
          } catch (err) {
            this.onListenerError(err);
          }
        }
      }
    } finally {
      this.#dispatching = false;
    }
  }

  /** The open group is lost: reject it, and make memory what the disk holds again. */
  #fail(err: unknown): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#touched = emptyTouched();
    this.#pendingIdem.clear();
    // Reject first: whatever happens to the reload, no caller is left waiting.
    for (const p of batch) p.settle?.reject(err);
    try {
      this.state = this.#load();
      this.#seq = this.#committedSeq = this.log.lastSeq();
    } finally {
      this.#wake();
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Drops idempotency records older than `maxAgeMs` (a retry comes within minutes, not days). */
  purgeIdempotency(maxAgeMs: number): number {
    return this.db.prepare('DELETE FROM idempotency WHERE at < ?').run(this.clock.now() - maxAgeMs).changes;
  }
}
