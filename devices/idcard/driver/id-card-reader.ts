import { EventEmitter } from 'node:events';
import type { DeviceLink, LinkStatus } from '../../link/device-link.ts';
import { LinkSupervisor } from '../../link/link-supervisor.ts';
import { TransportError, type ByteTransport } from '../../transport.ts';
import type { IdCardFields } from '../card/id-card-fields.ts';
import { parseTextBlock } from '../card/parse-text-block.ts';
import type { CommandName } from '../codec/commands.ts';
import type { ResponseFrame } from '../codec/frame.ts';
import { decodeReadPayload } from '../codec/read-payload.ts';
import { IdCardDataError, IdCardDriverError, IdCardError, IdCardStatusError } from '../status/errors.ts';
import { SW3, statusError } from '../status/sw3.ts';
import { type BackoffOptions, backoffDelay } from '../../backoff.ts';
import { CommandChannel } from './command-channel.ts';
import { type Scheduler, systemScheduler } from '../../scheduler.ts';

/** One card placement, as the `card` event delivers it. Holds a full ID number: never log it whole. */
export interface IdCard extends IdCardFields {
  /** The 1024-byte WLT photo, opaque without the vendor's decoder. */
  photoWlt: Buffer;
  /** scheduler.now() when the read finished. */
  readAt: number;
}

/**
 * - `ok`: reader answers and its SAM passed the status check;
 * - `no-sam`: the reader answers but its SAM failed (SW3 0x60 self-test, 0x66 unauthorised);
 * - `disconnected`: the link is down or cannot be opened; reopening with backoff;
 * - `error`: the link is up but the reader does not answer sensibly (timeouts, garbled replies).
 */
export type ReaderState = 'ok' | 'no-sam' | 'disconnected' | 'error';

export interface ReaderStatus {
  state: ReaderState;
  /** Short English text for logs and the device-status screen. */
  detail: string;
  /** The failure that caused this state; absent for `ok`. */
  error?: IdCardError | TransportError;
}

export type IdCardReaderError = IdCardError | TransportError;

/**
 * - `card` once per placement, after a good read;
 * - `removed` when find fails after a card was detected (also when the link drops with one on);
 * - `status` when the state changes;
 * - `error` for every failure, retried or not. `err.retryable` (IdCardError) says whether the
 *   driver will get past it alone. A no-op listener is installed, so an unheard error never
 *   crashes the process.
 */
export interface IdCardReaderEvents {
  card: [card: IdCard];
  removed: [];
  status: [status: ReaderStatus];
  error: [err: IdCardReaderError];
}

export interface IdCardReaderOptions {
  /** Clock and timers. Default: the real ones. */
  scheduler?: Scheduler;
  /** Time between find commands while idle or while a read card stays on. Default 500 ms. */
  pollIntervalMs?: number;
  /** Reply timeout for status/find/select. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Reply timeout for the 1295-byte read (a real reader takes about a second). Default 3000 ms. */
  readTimeoutMs?: number;
  /** Delay before retrying a failed read of the same card. Default 100 ms. */
  cardRetryDelayMs?: number;
  /**
   * After a card was found, one "no card" (SW3 0x80) is not enough to call it removed: the find is
   * repeated after this delay, and only a second 0x80 in a row counts, as the vendors' samples do.
   * Default 100 ms.
   */
  removalRecheckMs?: number;
  /** Failed find→select→read cycles on one placement before giving up until it is removed. Default 3. */
  maxReadAttempts?: number;
  /** Backoff after link, reader or SAM failures. Default 250 ms doubling to 30 s. */
  backoff?: BackoffOptions;
}

type Placement = { state: 'reading'; attempts: number } | { state: 'done' };

/**
 * Polls a second-generation ID-card reader over any ByteTransport: SAM status once per link,
 * then find → select → read, one `card` event per placement. Opening the port, reopening it with
 * backoff after a pulled cable and noticing the loss are the link's (devices/link); the reader
 * keeps its protocol timing (the poll, reply timeouts, read retries, backoff after SAM faults).
 *
 * @example
 * const reader = new IdCardReader(new SerialTransport({ path: '/dev/ttyUSB0' }));
 * reader.on('card', (card) => cardReads.accept(card));
 * reader.on('status', (s) => log.info({ device: 'idcard', ...s }));
 * reader.start();
 * // later: await reader.stop();
 */
export class IdCardReader extends EventEmitter<IdCardReaderEvents> {
  /** The reader's link (open, backoff, reconnect). */
  readonly link: DeviceLink;
  readonly #scheduler: Scheduler;
  readonly #channel: CommandChannel;
  readonly #opts: Required<Omit<IdCardReaderOptions, 'scheduler' | 'backoff'>> & { backoff: BackoffOptions };

  #running = false;
  #loop: Promise<void> | null = null;
  #samOk = false;
  /** Reader (not link) failures in a row, for the protocol backoff. */
  #failures = 0;
  #placement: Placement | null = null;
  /** "No card" replies in a row while a card was on the reader. */
  #misses = 0;
  #status: ReaderStatus | null = null;
  /** Wakes the loop from a sleep or a wait for the link (stop(), link up, link down). */
  #wake: (() => void) | null = null;

  constructor(transport: ByteTransport, opts: IdCardReaderOptions = {}) {
    super();
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.#opts = {
      pollIntervalMs: opts.pollIntervalMs ?? 500,
      commandTimeoutMs: opts.commandTimeoutMs ?? 1000,
      readTimeoutMs: opts.readTimeoutMs ?? 3000,
      cardRetryDelayMs: opts.cardRetryDelayMs ?? 100,
      removalRecheckMs: opts.removalRecheckMs ?? 100,
      maxReadAttempts: opts.maxReadAttempts ?? 3,
      backoff: opts.backoff ?? {},
    };
    this.link = new LinkSupervisor(transport, { scheduler: this.#scheduler, backoff: this.#opts.backoff });
    this.#channel = new CommandChannel(this.link, this.#scheduler);
    this.link.on('data', (chunk) => this.#channel.onData(chunk));
    this.link.on('status', this.#onLink);
    this.link.on('error', (err) => {
      if (this.#running) this.#report(err);
    });
    // Prevents a crash when nobody listens for `error` (as socket.io's Socket does).
    this.on('error', () => {});
  }

  /** The last status emitted, or null before the first one. */
  get status(): ReaderStatus | null {
    return this.#status;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Opens the transport and starts polling. Failures are reported as events, never thrown. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.link.start();
    this.#loop = this.#run();
  }

  /** Stops polling and closes the transport. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#channel.failPending(new TransportError('reader stopped', { canceled: true }));
    this.#wakeUp();
    await this.#loop;
    this.#loop = null;
    await this.link.stop();
    this.#samOk = false;
    this.#placement = null;
    this.#misses = 0;
    this.#failures = 0;
    // A later start() announces its status afresh.
    this.#status = null;
  }

  // --- the loop ---------------------------------------------------------------------------

  async #run(): Promise<void> {
    let delay = 0;
    while (this.#running) {
      if (!this.link.isUp) {
        // The link reopens itself; its status handler reports the outage.
        await this.#waitForWake();
        delay = 0;
        continue;
      }
      if (delay > 0) {
        await this.#waitForWake(delay);
        delay = 0;
        continue;
      }
      try {
        if (!this.#samOk) await this.#checkSam();
        delay = await this.#poll();
        this.#failures = 0;
        this.#setStatus({ state: 'ok', detail: `reader on ${this.link.description} ready` });
      } catch (err) {
        // A command cut short by a lost link (or by stop()) was reported by the link's status.
        if (!this.#running || !this.link.isUp) continue;
        delay = this.#fail(err);
      }
    }
  }

  async #checkSam(): Promise<void> {
    let reply: ResponseFrame;
    try {
      reply = await this.#exchange('samStatus');
    } catch (err) {
      if (err instanceof IdCardDriverError && err.code === 'HQ_ERR_IDCARD_TIMEOUT') {
        throw new IdCardDriverError('HQ_ERR_IDCARD_SAM_PORT_UNUSABLE', `no answer to the SAM status on ${this.link.description}`, { cause: err, sdkCode: 0x05 });
      }
      throw err;
    }
    this.#expect(reply, 'samStatus', SW3.OK);
    this.#samOk = true;
    this.#setStatus({ state: 'ok', detail: `reader on ${this.link.description} ready` });
  }

  async #poll(): Promise<number> {
    const found = await this.#exchange('findCard');
    if (found.sw3 === SW3.NO_CARD) {
      // A card resting on the reader sometimes misses one find; a second miss in a row is a removal.
      if (this.#placement && ++this.#misses < 2) return this.#opts.removalRecheckMs;
      this.#cardGone();
      return this.#opts.pollIntervalMs;
    }
    this.#expect(found, 'findCard', SW3.CARD_FOUND);
    this.#misses = 0;
    const current = this.#placement;
    if (current?.state === 'done') return this.#opts.pollIntervalMs;
    const placement = current ?? { state: 'reading' as const, attempts: 0 };
    this.#placement = placement;
    try {
      this.#expect(await this.#exchange('selectCard'), 'selectCard', SW3.OK);
      const read = await this.#exchange('readBase', this.#opts.readTimeoutMs);
      this.#expect(read, 'readBase', SW3.OK);
      const payload = decodeReadPayload(read.data, false);
      const fields = parseTextBlock(payload.text);
      this.#placement = { state: 'done' };
      this.#deliverCard({ ...fields, photoWlt: payload.photo, readAt: this.#scheduler.now() });
      return this.#opts.pollIntervalMs;
    } catch (err) {
      if (err instanceof IdCardDataError) {
        // The same card will read the same way: report once, wait for it to be taken away.
        this.#placement = { state: 'done' };
        this.#report(err);
        return this.#opts.pollIntervalMs;
      }
      if (!isCardFailure(err)) throw err;
      placement.attempts += 1;
      this.#report(err);
      if (!err.retryable || placement.attempts >= this.#opts.maxReadAttempts) {
        this.#placement = { state: 'done' };
        this.#report(new IdCardDriverError('HQ_ERR_IDCARD_READ_ABANDONED', `${placement.attempts} failed read(s), last ${err.code}`, { cause: err }));
        return this.#opts.pollIntervalMs;
      }
      return this.#opts.cardRetryDelayMs;
    }
  }

  /** Reports a reader failure that stopped the step (the link is up); returns the backoff before the next try. */
  #fail(err: unknown): number {
    this.#failures += 1;
    this.#channel.reset();
    const e = asReaderError(err);
    if (e instanceof TransportError) {
      // The link is up but a write failed: check the SAM again, and the card is no longer known to be there.
      this.#samOk = false;
      this.#cardGone();
      this.#setStatus({ state: 'error', detail: e.message, error: e });
    } else if (e instanceof IdCardStatusError && e.scope === 'sam') {
      this.#samOk = false;
      this.#cardGone();
      this.#setStatus({ state: 'no-sam', detail: e.message, error: e });
    } else if (this.#status?.state === 'ok' && this.#failures < 2 && e.retryable) {
      // One garbled reply or timeout is noise; a second in a row is a reader problem.
    } else {
      this.#setStatus({ state: 'error', detail: e.message, error: e });
    }
    this.#report(e);
    return backoffDelay(this.#failures, this.#opts.backoff);
  }

  /** The link's view: up (check the SAM again), down (the card is gone with it), failed. */
  readonly #onLink = (s: LinkStatus): void => {
    if (!this.#running) return;
    switch (s.state) {
      case 'up':
        this.#samOk = false;
        this.#channel.reset();
        this.#wakeUp();
        return;
      case 'down':
      case 'failed': {
        this.#samOk = false;
        const loss = s.error ?? new TransportError(`${this.link.description}: ${s.detail}`, { disconnected: true });
        // A command in flight fails now; the loop sees the link down and waits for it.
        this.#channel.failPending(loss);
        this.#cardGone();
        if (s.cause === 'lost') {
          this.#setStatus({ state: 'disconnected', detail: loss.message, error: loss });
          this.#report(loss);
        } else {
          const e = new IdCardDriverError('HQ_ERR_IDCARD_PORT_OPEN_FAILED', `${this.link.description}: ${loss.message}`, { cause: loss, sdkCode: 0x01 });
          this.#setStatus({ state: loss.disconnected || loss.unavailable ? 'disconnected' : 'error', detail: e.message, error: e });
          this.#report(e);
        }
        this.#wakeUp();
        return;
      }
      default:
        return;
    }
  };

  // --- helpers ----------------------------------------------------------------------------

  #exchange(command: CommandName, timeoutMs = this.#opts.commandTimeoutMs): Promise<ResponseFrame> {
    // stop() may have come while we were awaiting something else (a previous reply).
    if (!this.#running) return Promise.reject(new TransportError('reader stopped', { canceled: true }));
    return this.#channel.exchange(command, timeoutMs);
  }

  /** Throws the typed error unless the reply carries `ok`. A success code of another command means a stale reply. */
  #expect(reply: ResponseFrame, command: CommandName, ok: number): void {
    if (reply.sw3 === ok) return;
    const isOtherSuccess = reply.sw3 === SW3.OK || reply.sw3 === SW3.CARD_FOUND;
    if (isOtherSuccess) throw new IdCardDriverError('HQ_ERR_IDCARD_UNEXPECTED_REPLY', `SW3 0x${reply.sw3.toString(16)} to ${command}`);
    throw statusError(reply.sw3, command);
  }

  #cardGone(): void {
    this.#misses = 0;
    if (!this.#placement) return;
    this.#placement = null;
    this.emit('removed');
  }

  #deliverCard(card: IdCard): void {
    try {
      this.emit('card', card);
    } catch (err) {
      // A throwing listener is the hub's bug, not the reader's: report it, keep polling.
      this.#report(asReaderError(err));
    }
  }

  #report(err: IdCardReaderError): void {
    this.emit('error', err);
  }

  #setStatus(status: ReaderStatus): void {
    if (this.#status?.state === status.state) return;
    this.#status = status;
    this.emit('status', status);
  }

  /** Waits for `ms` (or, without, until woken): stop(), or the link going up or down, wakes it early. */
  #waitForWake(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = ms === undefined ? () => {} : this.#scheduler.schedule(ms, () => wake());
      const wake = (): void => {
        if (this.#wake === wake) this.#wake = null;
        cancel();
        resolve();
      };
      this.#wake = wake;
    });
  }

  #wakeUp(): void {
    this.#wake?.();
  }
}

/**
 * Failures of select/read that count against the card on the reader (retried soon, up to
 * maxReadAttempts) rather than against the link (backoff): a card status, or a garbled, missing
 * or odd reply while a card sits half in the field.
 */
function isCardFailure(err: unknown): err is IdCardError {
  if (err instanceof IdCardStatusError) return err.scope === 'card';
  if (!(err instanceof IdCardDriverError)) return false;
  return err.code === 'HQ_ERR_IDCARD_UNEXPECTED_REPLY' || err.code === 'HQ_ERR_IDCARD_TIMEOUT' || err.code === 'HQ_ERR_IDCARD_TRANSFER';
}

function asReaderError(err: unknown): IdCardReaderError {
  if (err instanceof IdCardError || err instanceof TransportError) return err;
  return new IdCardDriverError('HQ_ERR_IDCARD_TRANSFER', messageOf(err), { cause: err });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
