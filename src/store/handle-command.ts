import type { HallConfig } from '../config/schema.ts';
import { businessDate } from '../domain/calendar.ts';
import type { Actor, HallCommand } from '../domain/commands.ts';
import { decide } from '../domain/decide.ts';
import { HallqError } from '../domain/errors.ts';
import { evolve } from '../domain/evolve.ts';
import type { HallState } from '../domain/state.ts';
import { EventLog, type StoredEvent } from './event-log.ts';
import type { Db } from './open-db.ts';
import { emptyTouched, markTouched, Projections } from './projections.ts';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

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

/**
 * The thin shell around the engine: decide → one SQLite transaction (append events, update
 * projections, store the idempotent reply) → apply to memory → publish. Synchronous from end to end,
 * so two commands never interleave and two "call next" presses can never get the same ticket.
 */
export class CommandHandler {
  state: HallState;
  #seq: number;
  readonly log: EventLog;
  readonly #projections: Projections;
  readonly #listeners: CommittedListener[] = [];
  readonly #findIdem;
  readonly #saveIdem;

  constructor(
    readonly db: Db,
    readonly config: HallConfig,
    readonly clock: Clock,
  ) {
    this.log = new EventLog(db);
    this.#projections = new Projections(db);
    this.#findIdem = db.prepare('SELECT fingerprint, status, body FROM idempotency WHERE key = ?');
    this.#saveIdem = db.prepare('INSERT INTO idempotency (key, fingerprint, status, body, at) VALUES (?, ?, ?, ?, ?)');
    this.#seq = this.log.lastSeq();
    this.state = this.#load();
  }

  get seq(): number {
    return this.#seq;
  }

  #load(): HallState {
    return this.#projections.load(businessDate(this.clock.now(), this.config.hall.timeZone));
  }

  onCommitted(listener: CommittedListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /**
   * Runs one command. A rule violation throws `HallqError` and changes nothing; a retry with the
   * same idempotency key gets the first reply, without running the command again.
   */
  run<R extends Reply>(
    command: HallCommand,
    actor: Actor,
    toReply: (events: StoredEvent[], state: HallState) => R,
    idem?: Idempotency,
  ): R {
    if (idem) {
      const prior = this.#findIdem.get(idem.key) as { fingerprint: string; status: number; body: string | null } | undefined;
      if (prior) {
        if (prior.fingerprint !== idem.fingerprint) throw new HallqError('HQ_ERR_IDEMPOTENCY_KEY_REUSED');
        return { status: prior.status, body: prior.body === null ? undefined : JSON.parse(prior.body) } as R;
      }
    }
    const at = this.clock.now();
    const events = decide(this.state, command, { config: this.config, at, actor });
    let stored: StoredEvent[] = [];
    let reply: R;
    try {
      reply = this.db.transaction(() => {
        stored = this.log.append(this.#seq, events, actor, at);
        const touched = emptyTouched();
        for (const e of events) {
          evolve(this.state, e, this.config.queue.estimateAlpha);
          markTouched(touched, e);
        }
        this.#projections.write(this.state, touched);
        const r = toReply(stored, this.state);
        if (idem) this.#saveIdem.run(idem.key, idem.fingerprint, r.status, r.body === undefined ? null : JSON.stringify(r.body), at);
        return r;
      }).immediate();
    } catch (err) {
      // The transaction rolled back but memory may have moved: reload what was committed.
      this.state = this.#load();
      this.#seq = this.log.lastSeq();
      throw err;
    }
    this.#seq += stored.length;
    if (stored.length > 0) {
      for (const l of this.#listeners) {
        // A failing subscriber (a screen fan-out, a device) must not turn a committed command into an error.
        try {
          l(stored);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    return reply;
  }

  onListenerError: (err: unknown) => void = (err) => console.error('committed-event listener failed', err);

  /** Drops idempotency records older than `maxAgeMs` (a retry comes within minutes, not days). */
  purgeIdempotency(maxAgeMs: number): number {
    return this.db.prepare('DELETE FROM idempotency WHERE at < ?').run(this.clock.now() - maxAgeMs).changes;
  }
}
