import { RateLimiter } from '../api/rate-limit.ts';
import { HallqError } from '../domain/errors.ts';

export interface LoginLimits {
  /** Failed attempts one client may make per minute (whatever the job numbers). */
  failuresPerClientPerMin: number;
  /** Password checks one client may have running at once; more wait their turn. */
  inFlightPerClient: number;
  /** Attempts of one client that may wait for a turn; beyond that they are refused at once. */
  queuedPerClient: number;
  /** Failures of one job number from one client before each next try must wait (1 s, 2, 4 … ). */
  freeFailures: number;
  /** The longest such wait. */
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { failuresPerClientPerMin: 10, inFlightPerClient: 2, queuedPerClient: 8, freeFailures: 3, maxDelayMs: 15 * 60_000 };

/**
 * Who may try a password, and when. The limits are by client (its address), and by job number *from
 * that client*: a guesser slows only itself, and a clerk at their own window PC is never locked out
 * by someone else's failures (the lock-out of five failures per job number let anyone lock out any
 * clerk). A flood from one client never reaches the password check: at most `inFlightPerClient`
 * run, a few wait, the rest are refused at once, so the thread pool that runs scrypt stays free for
 * everyone else. Successful logins cost nothing.
 */
export class LoginGuard {
  readonly #failures: RateLimiter;
  readonly #running = new Map<string, number>();
  readonly #queues = new Map<string, (() => void)[]>();
  readonly #pairs = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly now: () => number,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.#failures = new RateLimiter(limits.failuresPerClientPerMin, limits.failuresPerClientPerMin, now);
  }

  /**
   * Waits for this client's turn at the password check and returns its release, or throws
   * `HQ_ERR_TOO_MANY_REQUESTS` with `retryAfterSec`.
   */
  async enter(client: string, jobNo: string): Promise<(succeeded: boolean) => void> {
    this.#check(client, jobNo);
    if ((this.#running.get(client) ?? 0) >= this.limits.inFlightPerClient) {
      const queue = this.#queues.get(client) ?? [];
      if (queue.length >= this.limits.queuedPerClient) throw tooMany(1000);
      this.#queues.set(client, queue);
      await new Promise<void>((resolve) => queue.push(resolve));
      // Failures may have piled up while this attempt waited.
      try {
        this.#check(client, jobNo);
      } catch (err) {
        this.#release(client);
        throw err;
      }
    } else {
      this.#running.set(client, (this.#running.get(client) ?? 0) + 1);
    }
    let released = false;
    return (succeeded) => {
      if (released) return;
      released = true;
      this.#finish(client, jobNo, succeeded);
    };
  }

  #check(client: string, jobNo: string): void {
    const pair = this.#pairs.get(pairKey(client, jobNo));
    const now = this.now();
    if (pair && pair.until > now) throw tooMany(pair.until - now);
    const wait = this.#failures.wait(client);
    if (wait > 0) throw tooMany(wait);
  }

  /** Hands the client's slot to its next waiting attempt, or gives it back. */
  #release(client: string): void {
    const queue = this.#queues.get(client);
    const next = queue?.shift();
    if (queue?.length === 0) this.#queues.delete(client);
    if (next) return next();
    const n = (this.#running.get(client) ?? 1) - 1;
    if (n <= 0) this.#running.delete(client);
    else this.#running.set(client, n);
  }

  #finish(client: string, jobNo: string, succeeded: boolean): void {
    const key = pairKey(client, jobNo);
    // Count the failure before the next waiting attempt is let in, so it sees it.
    if (!succeeded) this.#recordFailure(client, key);
    else this.#pairs.delete(key);
    this.#release(client);
  }

  #recordFailure(client: string, key: string): void {
    this.#failures.take(client);
    if (this.#pairs.size > 10_000) this.#sweep();
    const prev = this.#pairs.get(key);
    // An hour without a failure forgives the earlier ones.
    const count = (prev && this.now() - prev.until < 60 * 60_000 ? prev.count : 0) + 1;
    const { freeFailures, maxDelayMs } = this.limits;
    const delay = count <= freeFailures ? 0 : Math.min(maxDelayMs, 1000 * 2 ** (count - freeFailures - 1));
    this.#pairs.set(key, { count, until: this.now() + delay });
  }

  #sweep(): void {
    const now = this.now();
    for (const [k, f] of this.#pairs) if (f.until + 60 * 60_000 < now) this.#pairs.delete(k);
  }
}

const pairKey = (client: string, jobNo: string) => `${client}|${jobNo}`;
const tooMany = (ms: number) => new HallqError('HQ_ERR_TOO_MANY_REQUESTS', { retryAfterSec: Math.max(1, Math.ceil(ms / 1000)) });
