import { RECENT_TAIL, takeStateSnapshot, writeStateSnapshot, type SnapshotKey } from './state-snapshot.ts';
import type { HallConfig } from '../config/schema.ts';
import { addDays, businessDate } from '../domain/calendar.ts';
import type { Actor, HallCommand } from '../domain/commands.ts';
import { decide } from '../domain/decide.ts';
import { HallqError } from '../domain/errors.ts';
import { evolve } from '../domain/evolve.ts';
import { pruneFinished, type HallState, type ReadonlyHallState } from '../domain/state.ts';
import { codecContext, EventLog, type StoredEvent } from './event-log.ts';
import type { Db } from './open-db.ts';
import { emptyTouched, markTouched, Projections } from './projections.ts';
import { Maintenance } from './maintenance.ts';
import type { Clock } from '../clock.ts';
import type { Applicant } from '../upstream/record.ts';
import { uploadChoices } from '../upstream/config.ts';

export { systemClock, type Clock } from '../clock.ts';

export interface Idempotency {
  /** Principal-scoped key: a retry by someone else never sees another's answer. */
  key: string;
  /** Method, path and body hash: the same key with another request is refused. */
  fingerprint: string;
}

/**
 * A command on disk: the events it produced, in order (none for a call with nobody waiting).
 * `replayed` says this is the first answer given again to a retry with the same idempotency key.
 */
export interface Committed {
  events: StoredEvent[];
  replayed: boolean;
}

/** How the last commit went: a full disk shows here at once, not only in the replies it fails. */
export interface CommitOutcome {
  ok: boolean;
  at: number | null;
  error: string | null;
}

type CommittedListener = (events: StoredEvent[]) => void;

/**
 * What comes with a command but never goes into its events: the applicant the 好差评 platform needs
 * (full ID number or credit code). It is handed to the keeper inside the command's own transaction,
 * so it is held exactly when the ticket's issue or completion is on disk, and never otherwise.
 */
export interface Attachments {
  applicant?: Applicant;
  /** A mobile number for SMS (a ticket taken by SMS or with a number typed, a booking): only its masked form is in the events. */
  phone?: string;
}

/** Keeps an applicant for a ticket (the upload outbox, sealed); runs inside the commit's transaction. */
export interface ApplicantKeeper {
  hold(ticketId: string, applicant: Applicant, at: number): void;
}

/** Keeps a phone number for the ticket or booking a command made (the contact vault, sealed); runs inside the commit's transaction. */
export interface ContactKeeper {
  hold(owner: `ticket:${string}` | `booking:${string}`, phone: string, at: number): void;
}

interface Pending {
  stored: StoredEvent[];
  idem: Idempotency | undefined;
  attach?: Attachments;
  at: number;
  settle: { resolve: (c: Committed) => void; reject: (err: unknown) => void } | null;
}

/** What a snapshot must match besides the log's last event and the date (`state-snapshot.ts`). */
export type SnapshotIdentity = Omit<SnapshotKey, 'seq' | 'businessDate'>;

/** `readLog` without a limit reads this many, as the log does. */
const READ_LIMIT = 10_000;

/**
 * The one path every command takes (DESIGN §2), sealed: nothing outside `src/store` sees its state
 * but through `read`, and nothing acts on the hall but through `submit` or `run`.
 *
 * 1. `decide` on the working state, then `evolve` the working state and number the events — one
 *    command at a time, synchronously, so two "call next" presses never see the same queue;
 * 2. the commands of one event-loop turn are committed together: one SQLite transaction (events,
 *    projections, idempotency records) and so one fsync for the group;
 * 3. only then are commands resolved (with their events) and events broadcast. If the commit fails,
 *    every command of the group fails, the working state is reloaded from SQLite, and nothing was
 *    acknowledged.
 *
 * The working state runs ahead of the disk while a group is open; `read` waits for the group to
 * commit, so a reader sees exactly what is on disk. A reply is built by its caller from the events
 * after the commit, never inside it: a bug in one route's reply cannot fail another client's command,
 * and a retry rebuilds the same reply from the same events (kept in the log).
 */
export class CommandHandler {
  #state: HallState;
  #seq: number;
  #committedSeq: number;
  readonly #log: EventLog;
  readonly #projections: Projections;
  readonly #maintenance: Maintenance;
  readonly #listeners: CommittedListener[] = [];
  readonly #findIdem;
  readonly #saveIdem;
  #batch: Pending[] = [];
  #touched = emptyTouched();
  #pendingIdem = new Map<string, { fingerprint: string; done: Promise<Committed> }>();
  #flushScheduled = false;
  #waiters: (() => void)[] = [];
  readonly #outbox: StoredEvent[][] = [];
  #dispatching = false;
  #lastCommit: CommitOutcome = { ok: true, at: null, error: null };
  #loadedDates = new Set<string>();
  /** Set by the first `applyForBatch`: a history generator drives this handler, not a hall. */
  #generator = false;
  #keeper: ApplicantKeeper | null = null;
  #contacts: ContactKeeper | null = null;
  #firstAt: number | null;
  /** A failed commit's reload failed too: memory may be ahead of the disk until a reload succeeds. */
  #suspect = false;
  /** The log's last events from a snapshot, until the start's readers have them. */
  #recentTail: StoredEvent[] | null = null;

  constructor(
    private readonly db: Db,
    readonly config: HallConfig,
    readonly clock: Clock,
    opts: { snapshot?: { file: string; key: SnapshotIdentity } } = {},
  ) {
    this.#log = new EventLog(db, codecContext(config));
    this.#projections = new Projections(db, config.hall.timeZone, uploadChoices(config.upstream), (id) =>
      id === null ? null : (config.staff.find((s) => s.id === id)?.name ?? null),
    );
    this.#maintenance = new Maintenance(db, config, clock);
    this.#findIdem = db.prepare('SELECT fingerprint, first_seq, event_count FROM command_results WHERE key = ?');
    this.#saveIdem = db.prepare('INSERT INTO command_results (key, fingerprint, first_seq, event_count, at) VALUES (?, ?, ?, ?, ?)');
    this.#seq = this.#committedSeq = this.#log.lastSeq();
    this.#firstAt = this.#log.firstAt();
    const restored = opts.snapshot ? this.#restore(opts.snapshot.file, opts.snapshot.key) : null;
    this.startedFrom = restored ? 'snapshot' : 'sqlite';
    this.#state = restored ?? this.#load();
  }

  /** Where the working state came from at start: a graceful stop's snapshot, or SQLite. */
  readonly startedFrom: 'snapshot' | 'sqlite';

  /** Seq of the last event committed to disk (what screens and the log agree on). */
  get seq(): number {
    return this.#committedSeq;
  }

  /** The outcome of the last commit (health reports it). */
  get lastCommit(): CommitOutcome {
    return { ...this.#lastCommit };
  }

  /**
   * Reads the committed state: waits out a group on its way to disk, then calls `fn` synchronously
   * with the state and the clock's time. `fn` must not keep the state: it is the hub's own.
   */
  async read<T>(fn: (state: ReadonlyHallState, now: number) => T): Promise<T> {
    while (this.#batch.length > 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return fn(this.#state, this.clock.now());
  }

  /**
   * The synchronous form, for code that runs where no group can be open: a committed-event
   * listener, or a timer's tick. Throws if a group is open (a bug: use `read`). In a generator
   * (after `applyForBatch`) it reads the working state: the group is the hall as it stands.
   */
  readNow<T>(fn: (state: ReadonlyHallState, now: number) => T): T {
    if (this.#batch.length > 0 && !this.#generator) throw new Error('readNow with a group still to commit: use read()');
    return fn(this.#state, this.clock.now());
  }

  /** Events after `seq`, oldest first, at most `limit`: from the log on disk. */
  readLog(seq: number, limit?: number): StoredEvent[] {
    const tail = this.#recentTail;
    if (tail && tail.length > 0 && seq + 1 >= tail[0]!.seq) {
      // The log's end as a snapshot kept it (the same events, decoded); what came after, from disk.
      const max = limit ?? READ_LIMIT;
      const from = tail.findIndex((e) => e.seq > seq);
      const held = from < 0 ? [] : tail.slice(from, from + max);
      const after = held.length > 0 ? held[held.length - 1]!.seq : seq;
      return held.length === max ? held : [...held, ...this.#log.readSince(after, max - held.length)];
    }
    return this.#log.readSince(seq, limit);
  }

  /** The snapshot's events are only for the start (the resume ring takes them): let them go. */
  releaseRecentTail(): void {
    this.#recentTail = null;
  }

  /** When the log's first event was made (committed or in the open group), or null while it is empty. */
  firstEventAt(): number | null {
    return this.#firstAt;
  }

  /** When the last event was written, or null for an empty log. */
  lastEventAt(): number | null {
    return this.#log.lastAt();
  }

  onCommitted(listener: CommittedListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Where applicants attached to commands are kept; without one (no upload configured) they are dropped. */
  setApplicantKeeper(keeper: ApplicantKeeper | null): void {
    this.#keeper = keeper;
  }

  /** Where phone numbers attached to commands are kept; without one only their masked form (in the events) is. */
  setContactKeeper(keeper: ContactKeeper | null): void {
    this.#contacts = keeper;
  }

  onListenerError: (err: unknown) => void = (err) => console.error('committed-event listener failed', err);

  /** Told how long each commit's transaction took, fsync included (for `/metrics`). */
  onCommitTimed: ((ms: number) => void) | null = null;

  /**
   * Runs a command and resolves once it is on disk, with its events. A rule violation rejects with
   * `HallqError` and changes nothing; a retry with the same idempotency key gets the first command's
   * events again (`replayed: true`) and changes nothing either.
   */
  submit(command: HallCommand, actor: Actor, idem?: Idempotency, attach?: Attachments): Promise<Committed> {
    let entry: Pending | Promise<Committed>;
    try {
      entry = this.#apply(command, actor, idem);
    } catch (err) {
      return Promise.reject(err);
    }
    if (entry instanceof Promise) return entry;
    const pending = entry;
    if (attach) pending.attach = attach;
    const done = new Promise<Committed>((resolve, reject) => {
      pending.settle = { resolve, reject };
    });
    if (idem) this.#pendingIdem.set(idem.key, { fingerprint: idem.fingerprint, done });
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    return done;
  }

  /**
   * The synchronous form, for the hub's own jobs (timers, start-up): commits at once, after any open
   * group. In a generator (after `applyForBatch`) it joins the open group, which the generator's
   * `commitBatch` writes: a job's command costs no commit of its own there.
   */
  run(command: HallCommand, actor: Actor): Committed {
    const entry = this.#apply(command, actor, undefined);
    if (entry instanceof Promise) throw new HallqError('HQ_ERR_WRONG_STATE', { reason: 'idempotent retry still committing' });
    if (this.#generator) return { events: entry.stored, replayed: false };
    const err = this.#flush();
    if (err !== null) throw err;
    return { events: entry.stored, replayed: false };
  }

  /**
   * For generators (the hall simulator, history for the bench): applies a command now and returns
   * its events, numbered, without committing; `commitBatch` writes everything applied since, in one
   * transaction. The same decide, evolve, projections and log as `submit`; only the grouping differs.
   * A rule violation throws and changes nothing. Never mix with `submit` in a live hub: the first
   * call makes this handler a generator's (`readNow` then reads the open group, `run` joins it).
   */
  applyForBatch(command: HallCommand, actor: Actor): StoredEvent[] {
    this.#generator = true;
    const entry = this.#apply(command, actor, undefined);
    if (entry instanceof Promise) throw new Error('unreachable: no idempotency key');
    return entry.stored;
  }

  /** Commits what `applyForBatch` applied; throws if the commit fails (memory is then reloaded from disk). */
  commitBatch(): void {
    const err = this.#flush();
    if (err !== null) throw err;
  }

  /**
   * The first answer to an idempotency key, if it was used before (or is being committed): the
   * events of that command, read back from the log. Throws `HQ_ERR_IDEMPOTENCY_KEY_REUSED` when the
   * key came with a different request.
   */
  replayOf(idem: Idempotency): Promise<Committed> | null {
    const inFlight = this.#pendingIdem.get(idem.key);
    if (inFlight) {
      if (inFlight.fingerprint !== idem.fingerprint) throw new HallqError('HQ_ERR_IDEMPOTENCY_KEY_REUSED');
      return inFlight.done.then((c) => ({ ...c, replayed: true }));
    }
    const prior = this.#findIdem.get(idem.key) as { fingerprint: string; first_seq: number; event_count: number } | undefined;
    if (!prior) return null;
    if (prior.fingerprint !== idem.fingerprint) throw new HallqError('HQ_ERR_IDEMPOTENCY_KEY_REUSED');
    const events = prior.event_count === 0 ? [] : this.#log.readSince(prior.first_seq - 1, prior.event_count);
    return Promise.resolve({ events, replayed: true });
  }

  #apply(command: HallCommand, actor: Actor, idem: Idempotency | undefined): Pending | Promise<Committed> {
    if (idem) {
      const known = this.replayOf(idem);
      if (known) return known;
    }
    const at = this.clock.now();
    this.#ensureDate(businessDate(at, this.config.hall.timeZone));
    const events = decide(this.#state, command, { config: this.config, at, actor, seq: this.#seq + 1 });
    const stored = EventLog.number(this.#seq, events, actor, at);
    try {
      for (const e of stored) {
        evolve(this.#state, e, this.config.queue.estimateAlpha);
        markTouched(this.#touched, e);
      }
    } catch (err) {
      // evolve never throws; if it ever did, memory moved past what any commit holds: fail the open group and reload.
      this.#batch.push({ stored, idem, at, settle: null });
      this.#seq += stored.length;
      this.#fail(err);
      throw err;
    }
    this.#seq += stored.length;
    if (this.#firstAt === null && stored.length > 0) this.#firstAt = at;
    const pending: Pending = { stored, idem, at, settle: null };
    this.#batch.push(pending);
    return pending;
  }

  /** Commits the open group; returns the error if the commit failed (the group is then rejected). */
  #flush(): unknown {
    this.#flushScheduled = false;
    const batch = this.#batch;
    if (batch.length === 0) return null;
    // Commands that changed nothing and keep no idempotency record need no transaction (a timer's check, an empty call).
    if (batch.every((p) => p.stored.length === 0 && !p.idem)) {
      this.#batch = [];
      for (const p of batch) p.settle?.resolve({ events: [], replayed: false });
      this.#wake();
      return null;
    }
    const touched = this.#touched;
    const started = performance.now();
    try {
      this.db
        .transaction(() => {
          let next = this.#committedSeq + 1;
          // Before the projections: a rating in this same group then finds the applicant it goes with.
          for (const p of batch) if (p.attach?.applicant) this.#hold(p, p.attach.applicant);
          for (const p of batch) if (p.attach?.phone) this.#holdPhone(p, p.attach.phone);
          for (const p of batch) {
            this.#log.insert(p.stored);
            if (p.idem) this.#saveIdem.run(p.idem.key, p.idem.fingerprint, next, p.stored.length, p.at);
            next += p.stored.length;
          }
          this.#projections.write(this.#state, touched);
        })
        .immediate();
    } catch (err) {
      this.#lastCommit = { ok: false, at: this.clock.now(), error: err instanceof Error ? err.message : String(err) };
      this.#fail(err);
      return err;
    }
    this.#lastCommit = { ok: true, at: this.clock.now(), error: null };
    this.onCommitTimed?.(performance.now() - started);
    this.#batch = [];
    this.#touched = emptyTouched();
    this.#pendingIdem.clear();
    this.#committedSeq = this.#seq;
    for (const p of batch) p.settle?.resolve({ events: p.stored, replayed: false });
    const events = batch.flatMap((p) => p.stored);
    this.#wake();
    if (events.length > 0) this.#dispatch(events);
    return null;
  }

  /** The ticket the command issued or completed holds the applicant until its record is made. */
  #hold(p: Pending, applicant: Applicant): void {
    if (!this.#keeper) return;
    const e = p.stored.find((x) => x.type === 'ticket.issued' || x.type === 'ticket.completed');
    if (e && (e.type === 'ticket.issued' || e.type === 'ticket.completed')) this.#keeper.hold(e.data.ticketId, applicant, p.at);
  }

  /** The ticket or booking the command made holds the number while it lives. */
  #holdPhone(p: Pending, phone: string): void {
    if (!this.#contacts) return;
    for (const e of p.stored) {
      if (e.type === 'ticket.issued') this.#contacts.hold(`ticket:${e.data.ticketId}`, phone, p.at);
      else if (e.type === 'appointment.booked') this.#contacts.hold(`booking:${e.data.code}`, phone, p.at);
    }
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
    this.#suspect = true;
    try {
      this.#seq = this.#committedSeq = this.#log.lastSeq();
      this.#firstAt = this.#log.firstAt();
      this.#state = this.#load();
      this.#suspect = false;
    } finally {
      this.#wake();
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** The state a graceful stop left (`state-snapshot.ts`), if it is exactly what the log on disk makes today. */
  #restore(file: string, identity: SnapshotIdentity): HallState | null {
    const snap = takeStateSnapshot(file, { ...identity, seq: this.#seq, businessDate: businessDate(this.clock.now(), this.config.hall.timeZone) });
    if (!snap) return null;
    this.#loadedDates = new Set(snap.loadedDates);
    this.#recentTail = snap.recent;
    return snap.state;
  }

  /**
   * At a graceful stop, after the last commit: the state, for the next start to take back instead of
   * loading it from SQLite. False (nothing written) while a group is open, or in a generator.
   */
  saveSnapshot(file: string, identity: SnapshotIdentity): boolean {
    // After a failed commit whose reload failed too, memory may hold what the disk does not: keep nothing.
    if (this.#batch.length > 0 || this.#generator || this.#seq !== this.#committedSeq || this.#suspect || !this.#lastCommit.ok) return false;
    const key = { ...identity, seq: this.#committedSeq, businessDate: businessDate(this.clock.now(), this.config.hall.timeZone) };
    const recent = this.#log.readSince(Math.max(0, this.#committedSeq - RECENT_TAIL), RECENT_TAIL);
    writeStateSnapshot(file, { key, state: this.#state, loadedDates: [...this.#loadedDates], recent });
    return true;
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
    this.#projections.loadDate(this.#state, date);
    this.#loadedDates.add(date);
  }

  /** Drops finished tickets of dates before `beforeDate` from memory (they stay in SQLite). */
  pruneBefore(beforeDate: string): number {
    for (const d of [...this.#loadedDates]) if (d < beforeDate) this.#loadedDates.delete(d);
    return pruneFinished(this.#state, beforeDate);
  }

  /**
   * One small batch of housekeeping (old projection rows, personal fields past the retention, old
   * upload and idempotency records; see `maintenance.ts`); true while more remains. Run it between
   * commands, never inside a group.
   */
  maintenanceStep(budgetMs = 30): boolean {
    if (this.#batch.length > 0) return true;
    return this.#maintenance.step(budgetMs);
  }

  /** All housekeeping due, now (tests and tools). */
  runAllMaintenance(): void {
    if (this.#batch.length > 0) this.#flush();
    this.#maintenance.runAll();
  }
}
