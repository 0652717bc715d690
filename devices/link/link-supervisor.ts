import { EventEmitter } from 'node:events';
import { type BackoffOptions, backoffDelay } from '../backoff.ts';
import { type Scheduler, systemScheduler } from '../scheduler.ts';
import { type ByteTransport, TransportError } from '../transport.ts';
import type { DeviceLink, DeviceLinkEvents, LinkMode, LinkStatus } from './device-link.ts';

export interface LinkSupervisorOptions {
  /** Clock and the reopen timer. Default: the real ones. */
  scheduler?: Scheduler;
  /** Reopen delays (persistent mode). Default 250 ms doubling to 30 s (devices/backoff.ts). */
  backoff?: BackoffOptions;
  /** Default `persistent`. See DeviceLink. */
  mode?: LinkMode;
}

/**
 * The link supervisor every driver runs its transport through (the DeviceLink contract is in
 * device-link.ts). One instance per transport.
 *
 * @example
 * const link = new LinkSupervisor(new SerialTransport({ path: '/dev/ttyUSB0' }), { scheduler });
 * link.on('status', (s) => s.state === 'up' && resync());
 * link.on('data', (chunk) => decoder.push(chunk));
 * link.start();
 * await link.write(frame);
 * // later: await link.stop();
 */
export class LinkSupervisor extends EventEmitter<DeviceLinkEvents> implements DeviceLink {
  readonly description: string;
  readonly mode: LinkMode;
  readonly #transport: ByteTransport;
  readonly #scheduler: Scheduler;
  readonly #backoff: BackoffOptions;

  #running = false;
  /** Bumped by start() and stop(): an open or a timer of an older run does nothing. */
  #generation = 0;
  #status: LinkStatus;
  #failures = 0;
  #cancelRetry: (() => void) | null = null;
  /** The open in progress (its clean-up included); never rejects. */
  #opening: Promise<void> | null = null;

  constructor(transport: ByteTransport, opts: LinkSupervisorOptions = {}) {
    super();
    this.#transport = transport;
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.#backoff = opts.backoff ?? {};
    this.mode = opts.mode ?? 'persistent';
    if (this.mode !== 'persistent' && this.mode !== 'on-demand') throw new TypeError(`"mode" must be 'persistent' or 'on-demand', got ${JSON.stringify(this.mode)}`);
    this.description = transport.description;
    this.#status = { state: 'stopped', detail: 'not started', at: this.#scheduler.now(), failures: 0 };
    // Prevents a crash when nobody listens for `error` (as socket.io's Socket does).
    this.on('error', () => {});
  }

  get status(): LinkStatus {
    return this.#status;
  }

  get isUp(): boolean {
    return this.#status.state === 'up';
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const generation = ++this.#generation;
    this.#failures = 0;
    this.#transport.on('data', this.#onData);
    this.#transport.on('close', this.#onClose);
    this.#transport.on('error', this.#onError);
    if (this.mode === 'persistent') void this.#open(generation);
    else this.#set({ state: 'idle', detail: `${this.description} opens on demand` });
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#generation += 1;
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    this.#failures = 0;
    // Stopped before closing, so the transport's own `close` is not taken for a loss.
    this.#set({ state: 'stopped', detail: 'stopped' });
    if (this.#transport.isOpen) await this.#transport.close().catch(() => {});
    this.#transport.off('data', this.#onData);
    this.#transport.off('close', this.#onClose);
    this.#transport.off('error', this.#onError);
  }

  async write(bytes: Buffer): Promise<void> {
    if (!this.#running) throw new TransportError(`${this.description}: the link is stopped`, { canceled: true });
    if (this.#status.state !== 'up') throw new TransportError(`${this.description} is ${this.#status.state}`, { disconnected: true, cause: this.#status.error });
    const generation = this.#generation;
    try {
      await this.#transport.write(bytes);
    } catch (err) {
      const e = asTransportError(err, this.description);
      if (e.disconnected && generation === this.#generation && this.#status.state === 'up') {
        this.#failed(e, 'lost');
        void this.#transport.close().catch(() => {});
      }
      throw e;
    }
  }

  async acquire(): Promise<void> {
    if (!this.#running) throw new TransportError(`${this.description}: the link is stopped`, { canceled: true });
    if (this.#status.state === 'up') return;
    if (this.mode === 'persistent') throw new TransportError(`${this.description} is ${this.#status.state}`, { disconnected: true, cause: this.#status.error });
    if (this.#status.state === 'failed') throw this.#status.error ?? new TransportError(`${this.description} is unavailable`, { unavailable: true });
    await this.#open(this.#generation);
    const after = this.status; // read again: the open changed it
    if (after.state === 'up') return;
    throw after.error ?? new TransportError(`${this.description}: the link is ${after.state}`, { canceled: !this.#running });
  }

  async release(): Promise<void> {
    if (this.mode !== 'on-demand' || this.#status.state !== 'up') return;
    // Idle before closing, so the transport's own `close` is not taken for a loss.
    this.#set({ state: 'idle', detail: `${this.description} closed after use` });
    await this.#transport.close().catch(() => {});
  }

  /** Opens the transport for this run; waits for an earlier open (and its clean-up) to finish first. */
  #open(generation: number): Promise<void> {
    const previous = this.#opening;
    const attempt = this.#attemptOpen(generation, previous);
    const tracked = attempt.finally(() => {
      if (this.#opening === tracked) this.#opening = null;
    });
    this.#opening = tracked;
    return tracked;
  }

  async #attemptOpen(generation: number, previous: Promise<void> | null): Promise<void> {
    // Without an earlier open this runs synchronously up to transport.open(): `connecting` is set at once.
    if (previous) await previous;
    if (generation !== this.#generation) return;
    this.#set({ state: 'connecting', detail: `opening ${this.description}` });
    try {
      if (!this.#transport.isOpen) await this.#transport.open();
    } catch (err) {
      if (generation === this.#generation) this.#failed(asTransportError(err, `cannot open ${this.description}`), 'open-failed');
      return;
    }
    if (generation !== this.#generation) {
      // stop() came while the transport was opening, and found nothing open to close.
      await this.#transport.close().catch(() => {});
      return;
    }
    this.#failures = 0;
    this.#set({ state: 'up', detail: `${this.description} open` });
  }

  #failed(error: TransportError, cause: 'open-failed' | 'lost'): void {
    this.#failures += 1;
    const generation = this.#generation;
    if (error.unavailable) {
      this.#set({ state: 'failed', detail: error.message, cause, error });
      return;
    }
    if (this.mode === 'on-demand') {
      this.#set({ state: 'down', detail: error.message, cause, error });
      return;
    }
    const delay = backoffDelay(this.#failures, this.#backoff);
    this.#cancelRetry?.();
    // The timer first: a status listener that calls stop() then cancels it.
    this.#cancelRetry = this.#scheduler.schedule(delay, () => {
      this.#cancelRetry = null;
      if (generation === this.#generation) void this.#open(generation);
    });
    this.#set({ state: 'down', detail: error.message, cause, error, retryAt: this.#scheduler.now() + delay });
  }

  #set(status: Omit<LinkStatus, 'at' | 'failures'>): void {
    this.#status = { ...status, at: this.#scheduler.now(), failures: this.#failures };
    this.emit('status', this.#status);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#running && this.#status.state === 'up') this.emit('data', chunk);
  };

  readonly #onClose = (err?: TransportError): void => {
    if (!this.#running || this.#status.state !== 'up') return;
    this.#failed(err ?? new TransportError(`${this.description} closed`, { disconnected: true }), 'lost');
  };

  readonly #onError = (err: unknown): void => {
    if (this.#running) this.emit('error', asTransportError(err, this.description));
  };
}

function asTransportError(err: unknown, what: string): TransportError {
  if (err instanceof TransportError) return err;
  return new TransportError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
