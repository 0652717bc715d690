import { EventEmitter } from 'node:events';
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
 * then find → select → read, one `card` event per placement.
 *
 * @example
 * const reader = new IdCardReader(new SerialTransport({ path: '/dev/ttyUSB0' }));
 * reader.on('card', (card) => cardReads.accept(card));
 * reader.on('status', (s) => log.info({ device: 'idcard', ...s }));
 * reader.start();
 * // later: await reader.stop();
 */
export class IdCardReader extends EventEmitter<IdCardReaderEvents> {
  readonly #transport: ByteTransport;
  readonly #scheduler: Scheduler;
  readonly #channel: CommandChannel;
  readonly #opts: Required<Omit<IdCardReaderOptions, 'scheduler' | 'backoff'>> & { backoff: BackoffOptions };

  #running = false;
  #loop: Promise<void> | null = null;
  #linkUp = false;
  #samOk = false;
  /** A link loss seen while no command was in flight, to be reported by the loop. */
  #linkLoss: TransportError | null = null;
  #failures = 0;
  #placement: Placement | null = null;
  /** "No card" replies in a row while a card was on the reader. */
  #misses = 0;
  #status: ReaderStatus | null = null;
  #sleeper: { cancel: () => void; wake: () => void } | null = null;

  constructor(transport: ByteTransport, opts: IdCardReaderOptions = {}) {
    super();
    this.#transport = transport;
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.#channel = new CommandChannel(transport, this.#scheduler);
    this.#opts = {
      pollIntervalMs: opts.pollIntervalMs ?? 500,
      commandTimeoutMs: opts.commandTimeoutMs ?? 1000,
      readTimeoutMs: opts.readTimeoutMs ?? 3000,
      cardRetryDelayMs: opts.cardRetryDelayMs ?? 100,
      removalRecheckMs: opts.removalRecheckMs ?? 100,
      maxReadAttempts: opts.maxReadAttempts ?? 3,
      backoff: opts.backoff ?? {},
    };
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
    this.#transport.on('data', this.#onData);
    this.#transport.on('close', this.#onClose);
    this.#transport.on('error', this.#onTransportError);
    this.#loop = this.#run();
  }

  /** Stops polling and closes the transport. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#channel.failPending(new TransportError('reader stopped', { canceled: true }));
    this.#wake();
    await this.#loop;
    this.#loop = null;
    if (this.#transport.isOpen) await this.#transport.close().catch(() => {});
    this.#transport.off('data', this.#onData);
    this.#transport.off('close', this.#onClose);
    this.#transport.off('error', this.#onTransportError);
    this.#linkUp = false;
    this.#samOk = false;
    this.#placement = null;
    this.#failures = 0;
    this.#linkLoss = null;
    // A later start() announces its status afresh.
    this.#status = null;
  }

  // --- the loop ---------------------------------------------------------------------------

  async #run(): Promise<void> {
    let delay = 0;
    while (this.#running) {
      if (delay > 0) await this.#sleep(delay);
      if (!this.#running) break;
      try {
        delay = await this.#step();
        this.#failures = 0;
        this.#setStatus({ state: 'ok', detail: `reader on ${this.#transport.description} ready` });
      } catch (err) {
        delay = this.#fail(err);
      }
    }
  }

  /** One pass: (re)connect and check the SAM if needed, then one find cycle. Returns the next delay. */
  async #step(): Promise<number> {
    if (this.#linkLoss) {
      const loss = this.#linkLoss;
      this.#linkLoss = null;
      throw loss;
    }
    if (!this.#linkUp) await this.#connect();
    if (!this.#samOk) await this.#checkSam();
    return this.#poll();
  }

  async #connect(): Promise<void> {
    if (!this.#transport.isOpen) {
      try {
        await this.#transport.open();
      } catch (err) {
        throw new IdCardDriverError('HQ_ERR_IDCARD_PORT_OPEN_FAILED', `${this.#transport.description}: ${messageOf(err)}`, { cause: err, sdkCode: 0x01 });
      }
    }
    this.#channel.reset();
    this.#linkUp = true;
    this.#samOk = false;
  }

  async #checkSam(): Promise<void> {
    let reply: ResponseFrame;
    try {
      reply = await this.#exchange('samStatus');
    } catch (err) {
      if (err instanceof IdCardDriverError && err.code === 'HQ_ERR_IDCARD_TIMEOUT') {
        throw new IdCardDriverError('HQ_ERR_IDCARD_SAM_PORT_UNUSABLE', `no answer to the SAM status on ${this.#transport.description}`, { cause: err, sdkCode: 0x05 });
      }
      throw err;
    }
    this.#expect(reply, 'samStatus', SW3.OK);
    this.#samOk = true;
    this.#setStatus({ state: 'ok', detail: `reader on ${this.#transport.description} ready` });
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

  /** Reports a failure that stopped the step; returns the backoff before the next try. */
  #fail(err: unknown): number {
    if (!this.#running) return 0;
    this.#failures += 1;
    this.#channel.reset();
    const e = asReaderError(err);
    if (e instanceof TransportError) {
      this.#linkUp = false;
      this.#samOk = false;
      this.#cardGone();
      const gone = e.disconnected || !this.#transport.isOpen;
      this.#setStatus({ state: gone ? 'disconnected' : 'error', detail: e.message, error: e });
    } else if (e instanceof IdCardDriverError && e.code === 'HQ_ERR_IDCARD_PORT_OPEN_FAILED') {
      const gone = e.cause instanceof TransportError ? e.cause.disconnected : true;
      this.#setStatus({ state: gone ? 'disconnected' : 'error', detail: e.message, error: e });
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

  // --- helpers ----------------------------------------------------------------------------

  #exchange(command: CommandName, timeoutMs = this.#opts.commandTimeoutMs): Promise<ResponseFrame> {
    // stop() may have come while we were awaiting something else (open, a previous reply).
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

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#scheduler.schedule(ms, () => {
        this.#sleeper = null;
        resolve();
      });
      this.#sleeper = { cancel, wake: resolve };
    });
  }

  #wake(): void {
    const s = this.#sleeper;
    if (!s) return;
    this.#sleeper = null;
    s.cancel();
    s.wake();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#channel.onData(chunk);
  };

  readonly #onClose = (err?: TransportError): void => {
    if (!this.#running || !this.#linkUp) return;
    this.#linkUp = false;
    this.#samOk = false;
    const loss = err ?? new TransportError(`${this.#transport.description} closed`, { disconnected: true });
    // A command in flight fails with the loss and the loop reports it; otherwise report it now.
    if (!this.#channel.failPending(loss)) {
      this.#linkLoss = loss;
      this.#wake();
    }
  };

  readonly #onTransportError = (err: unknown): void => {
    if (this.#running) this.#report(asReaderError(err));
  };
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
