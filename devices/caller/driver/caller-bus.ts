import { EventEmitter } from 'node:events';
import { type Scheduler, systemScheduler } from '../../scheduler.ts';
import { TransportError, type ByteTransport } from '../../transport.ts';
import { encodeFrame } from '../codec/encode-frame.ts';
import { type CallerFrame, frameKey, sameFrame } from '../codec/frame.ts';
import { FrameDecoder } from '../codec/frame-decoder.ts';
import { type LcdContent, beepFrame, lcdFrame, starsFrame, startRatingFrame } from '../codec/host-frames.ts';
import { ackFor, comboOf, interpretFrame } from '../codec/interpret.ts';
import {
  type BeepPatternSpec,
  type CallerCombo,
  type CallerKey,
  type CallerProtocol,
  RATING_LABELS,
  type RatingLevel,
  callerProtocol,
} from '../codec/protocol.ts';
import { type BackoffOptions, backoffDelay } from '../../backoff.ts';
import { levelInOrder, type RatingOrder } from '../../rating-levels.ts';
import { checkRatingOrders, type RatingOrders } from '../codec/rating-orders.ts';
import { CallerBusError } from './errors.ts';
import { ResendFilter } from './resend-filter.ts';

/** A key pressed on a keypad; a resent frame never makes a second one. */
export interface CallerKeyEvent {
  /** The keypad's bus address (config maps it to a window). */
  address: number;
  key: CallerKey;
  /**
   * Digits typed before this key: digit frames since the last key plus digits inside this frame
   * (`3` then 转移 → `'3'`). For `digit`, the entry so far, this digit included. `''` when none.
   */
  digits: string;
  /** Set when key + digits form a combo of the protocol table (6+确认 → `noShow`). */
  combo?: CallerCombo;
  /** The key's code on the wire. */
  code: number;
  /** scheduler.now() when the frame arrived. */
  at: number;
  /** The frame as hex (`68 … 16`), for logs. */
  frame: string;
}

/** An evaluator on the bus was pressed (FUNC 0x11). Issue #5 wires it; the bus already ACKs and decodes it. */
export interface CallerRatingEvent {
  address: number;
  level: RatingLevel;
  /** 非常满意 … 非常不满意. */
  label: string;
  /** The score index on the wire (DATA[0]). */
  index: number;
  at: number;
  frame: string;
}

/** A frame the protocol table does not know: learn mode for an installer mapping a new model. */
export interface CallerUnknownEvent {
  address: number;
  func: number;
  data: Buffer;
  why: string;
  at: number;
  frame: string;
}

/**
 * - `up`: the port is open; keys are read and commands sent;
 * - `down`: the port is closed or cannot be opened; reopening with backoff.
 * RS-485 keypads speak only when pressed, so a silent keypad is not a fault (see `lastSeen`).
 */
export type CallerBusState = 'up' | 'down';

export interface CallerBusStatus {
  state: CallerBusState;
  detail: string;
  error?: CallerBusError | TransportError;
}

export type CallerBusFailure = CallerBusError | TransportError;

/**
 * - `key`: one per press (ACKed at once, resends dropped);
 * - `rating`: one per evaluator press;
 * - `unknown`: a good frame the table does not map (also ACKed);
 * - `status`: when the bus goes up or down;
 * - `error`: bad frames, write failures, link losses, a throwing listener. A no-op listener is
 *   installed, so an unheard error never crashes the process.
 */
export interface CallerBusEvents {
  key: [event: CallerKeyEvent];
  rating: [event: CallerRatingEvent];
  unknown: [event: CallerUnknownEvent];
  status: [status: CallerBusStatus];
  error: [err: CallerBusFailure];
}

export interface CallerBusOptions {
  /** Clock and timers. Default: the real ones. */
  scheduler?: Scheduler;
  /** Overrides of the protocol table (codec/protocol.ts), e.g. an installer's key codes. */
  protocol?: Partial<CallerProtocol>;
  /**
   * Evaluators whose keys run the other way, by address: `{ 3: 'worst-first' }` (index 0 = 1
   * 非常不满意). Others run in DEFAULT_RATING_ORDER (best-first), the order `ratingLevels` is written in.
   */
  ratingOrders?: RatingOrders;
  /** A frame seen again within this time of its last sighting is a resend, not a press. Default 1000 ms. */
  resendWindowMs?: number;
  /**
   * A frame we sent that comes back within this time is our own echo (RS-485 adapters that hear
   * their own transmitter) and is ignored. Default 100 ms; 0 turns it off.
   */
  ownEchoWindowMs?: number;
  /** Quiet time after each frame we send (RS-485 turnaround). Default 10 ms. */
  interFrameGapMs?: number;
  /** Digits typed and not followed by a key are forgotten after this. Default 10 s. */
  digitEntryTimeoutMs?: number;
  /** Longest digit entry kept (older digits drop off). Default 6. */
  maxDigits?: number;
  /** Re-send every address's last LCD content this often, for keypads that rebooted. Default 0: never. */
  lcdRefreshMs?: number;
  /**
   * Beep pattern sent by `showLcd` when an address's waiting count goes from 0 to more ("be
   * ready"). Default null: the hub calls `beep` itself.
   */
  beepOnQueueFilled?: string | null;
  /** Largest L the decoder takes. Default 32. */
  maxFrameLength?: number;
  /** Reopen backoff. Default 250 ms doubling to 30 s. */
  backoff?: BackoffOptions;
}

export interface CallerBusStats {
  framesIn: number;
  framesOut: number;
  badFrames: number;
  /** Frames dropped as a keypad's resend (their ACK was sent again). */
  resends: number;
  ownEchoes: number;
  unknown: number;
}

type Outgoing = { frame: CallerFrame; kind: 'ack' | 'lcd' | 'command'; resolve: (sent: boolean) => void };

/**
 * One RS-485 bus of caller keypads (and evaluators) over any ByteTransport.
 *
 * @example
 * const bus = new CallerBus(new SerialTransport({ path: '/dev/ttyUSB1', baudRate: 9600 }));
 * bus.on('key', (k) => hub.keypadKey(windowOf(k.address), k));
 * bus.on('status', (s) => deviceStatus.set('caller', s.state, s.detail));
 * bus.start();
 * void bus.showLcd(3, { waiting: 7, current: 'A012' });
 * void bus.beep(3, 'ready');
 * // later: await bus.stop();
 */
export class CallerBus extends EventEmitter<CallerBusEvents> {
  readonly protocol: CallerProtocol;
  readonly stats: CallerBusStats = { framesIn: 0, framesOut: 0, badFrames: 0, resends: 0, ownEchoes: 0, unknown: 0 };
  readonly #transport: ByteTransport;
  readonly #scheduler: Scheduler;
  readonly #decoder: FrameDecoder;
  readonly #resends: ResendFilter;
  readonly #opts: Required<Omit<CallerBusOptions, 'scheduler' | 'protocol' | 'resendWindowMs' | 'maxFrameLength' | 'backoff' | 'ratingOrders'>> & { backoff: BackoffOptions };
  readonly #orderOf: (address: number) => RatingOrder;

  #running = false;
  #up = false;
  #failures = 0;
  #status: CallerBusStatus | null = null;
  #queue: Outgoing[] = [];
  #pumping = false;
  /** Frames we wrote, for telling our own echo from a keypad. */
  #sent: { frame: CallerFrame; at: number }[] = [];
  #lcd = new Map<number, LcdContent>();
  #lastSeen = new Map<number, number>();
  #entries = new Map<number, { digits: string; cancel: () => void }>();
  #timers = new Set<() => void>();
  #sleepers = new Set<() => void>();

  constructor(transport: ByteTransport, opts: CallerBusOptions = {}) {
    super();
    this.#transport = transport;
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.protocol = callerProtocol(opts.protocol);
    this.#orderOf = checkRatingOrders(opts.ratingOrders);
    this.#decoder = new FrameDecoder(opts.maxFrameLength === undefined ? {} : { maxLength: opts.maxFrameLength });
    this.#resends = new ResendFilter(opts.resendWindowMs ?? 1000);
    this.#opts = {
      ownEchoWindowMs: opts.ownEchoWindowMs ?? 100,
      interFrameGapMs: opts.interFrameGapMs ?? 10,
      digitEntryTimeoutMs: opts.digitEntryTimeoutMs ?? 10_000,
      maxDigits: opts.maxDigits ?? 6,
      lcdRefreshMs: opts.lcdRefreshMs ?? 0,
      beepOnQueueFilled: opts.beepOnQueueFilled ?? null,
      backoff: opts.backoff ?? {},
    };
    if (this.#opts.beepOnQueueFilled !== null) this.#pattern(this.#opts.beepOnQueueFilled);
    // Prevents a crash when nobody listens for `error` (as socket.io's Socket does).
    this.on('error', () => {});
  }

  /** The last status emitted, or null before the first one. */
  get status(): CallerBusStatus | null {
    return this.#status;
  }

  get running(): boolean {
    return this.#running;
  }

  /** scheduler.now() of the last frame heard from `address`, or undefined. */
  lastSeen(address: number): number | undefined {
    return this.#lastSeen.get(address);
  }

  /** The LCD content last asked for `address` (sent again after a reconnect). */
  lcdOf(address: number): LcdContent | undefined {
    return this.#lcd.get(address);
  }

  /** Opens the transport and starts listening. Failures are reported as events, never thrown. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#transport.on('data', this.#onData);
    this.#transport.on('close', this.#onClose);
    this.#transport.on('error', this.#onTransportError);
    void this.#connect();
    if (this.#opts.lcdRefreshMs > 0) this.#refreshLater();
  }

  /** Stops: pending commands resolve false, timers are cancelled, the transport is closed. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#up = false;
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
    for (const wake of this.#sleepers) wake();
    this.#sleepers.clear();
    this.#dropQueue();
    this.#entries.clear();
    if (this.#transport.isOpen) await this.#transport.close().catch(() => {});
    this.#transport.off('data', this.#onData);
    this.#transport.off('close', this.#onClose);
    this.#transport.off('error', this.#onTransportError);
    this.#decoder.reset();
    this.#resends.clear();
    this.#sent = [];
    this.#failures = 0;
    // A later start() announces its status afresh.
    this.#status = null;
  }

  // --- commands to keypads ---------------------------------------------------------------

  /**
   * Shows the waiting count and the current number on a keypad's LCD. The content is remembered
   * and sent again after a reconnect (and every `lcdRefreshMs`); a newer call for the same
   * address replaces one still queued. Resolves true once written, false when dropped (bus down,
   * replaced, stopped). Throws TypeError for a bad address or count.
   */
  showLcd(address: number, content: LcdContent): Promise<boolean> {
    const frame = lcdFrame(address, content, this.protocol);
    const before = this.#lcd.get(address);
    this.#lcd.set(address, { ...content });
    const filled = before?.waiting === 0 && (content.waiting ?? 0) > 0;
    const sent = this.#enqueue(frame, 'lcd');
    if (filled && this.#opts.beepOnQueueFilled !== null) void this.beep(address, this.#opts.beepOnQueueFilled);
    return sent;
  }

  /**
   * Beeps a keypad: a named pattern of `protocol.beepPatterns` (`once`, `ready`, `urgent`) or a
   * spec. The wire has one beep frame; a pattern repeats it `count` times, `gapMs` apart. Resolves
   * true when every beep was written; a beep while the bus is down is dropped, not saved for later.
   */
  beep(address: number, pattern: string | BeepPatternSpec = 'ready'): Promise<boolean> {
    const spec = this.#pattern(pattern);
    const frame = beepFrame(address, this.protocol);
    const beeps: Promise<boolean>[] = [this.#enqueue(frame, 'command')];
    for (let i = 1; i < spec.count; i++) {
      beeps.push(new Promise((resolve) => this.#after(i * spec.gapMs, () => resolve(this.#enqueue(frame, 'command')), () => resolve(false))));
    }
    return Promise.all(beeps).then((all) => all.every(Boolean));
  }

  /** Tells the evaluator at `address` to start an evaluation (`FUNC 0x01 DATA 0x0B`). */
  requestRating(address: number): Promise<boolean> {
    return this.#enqueue(startRatingFrame(address, this.protocol), 'command');
  }

  /** Shows a star level on the evaluator at `address` (`FUNC 0x02 DATA level`). */
  showStars(address: number, level: RatingLevel): Promise<boolean> {
    return this.#enqueue(starsFrame(address, level, this.protocol), 'command');
  }

  /** Sends any frame (an installer trying a model's other functions). */
  send(frame: CallerFrame): Promise<boolean> {
    encodeFrame(frame); // validates
    return this.#enqueue(frame, 'command');
  }

  /** Resolves when nothing is queued or being written. */
  async flushed(): Promise<void> {
    while (this.#queue.length > 0 || this.#pumping) await new Promise<void>((r) => setImmediate(r));
  }

  // --- the write queue -------------------------------------------------------------------

  #pattern(pattern: string | BeepPatternSpec): BeepPatternSpec {
    const spec = typeof pattern === 'string' ? this.protocol.beepPatterns[pattern] : pattern;
    if (!spec) throw new TypeError(`unknown beep pattern "${String(pattern)}"; known: ${Object.keys(this.protocol.beepPatterns).join(', ')}`);
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > 10 || !(spec.gapMs >= 0)) throw new TypeError('a beep pattern needs count 1..10 and gapMs ≥ 0');
    return spec;
  }

  #enqueue(frame: CallerFrame, kind: Outgoing['kind']): Promise<boolean> {
    if (!this.#up) return Promise.resolve(false);
    return new Promise((resolve) => {
      const item: Outgoing = { frame, kind, resolve };
      if (kind === 'ack') {
        // ACKs first: the keypad is waiting and will resend.
        const at = this.#queue.findIndex((q) => q.kind !== 'ack');
        this.#queue.splice(at < 0 ? this.#queue.length : at, 0, item);
      } else if (kind === 'lcd') {
        const queued = this.#queue.findIndex((q) => q.kind === 'lcd' && q.frame.address === frame.address);
        if (queued >= 0) {
          this.#queue[queued]!.resolve(false);
          this.#queue[queued] = item;
        } else this.#queue.push(item);
      } else this.#queue.push(item);
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#up) {
        const item = this.#queue.shift();
        if (!item) break;
        this.#sent.push({ frame: item.frame, at: this.#scheduler.now() });
        try {
          await this.#transport.write(encodeFrame(item.frame));
          this.stats.framesOut += 1;
          item.resolve(true);
        } catch (err) {
          item.resolve(false);
          // A lost link also arrives as `close`, which reconnects.
          if (this.#running && !(err instanceof TransportError && err.canceled)) {
            this.#report(new CallerBusError('HQ_ERR_CALLER_WRITE_FAILED', `${this.#transport.description}: ${messageOf(err)}`, { cause: err }));
          }
        }
        if (this.#opts.interFrameGapMs > 0) await this.#sleep(this.#opts.interFrameGapMs);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #dropQueue(): void {
    const items = this.#queue;
    this.#queue = [];
    for (const item of items) item.resolve(false);
  }

  // --- receiving -------------------------------------------------------------------------

  readonly #onData = (chunk: Buffer): void => {
    if (!this.#running) return;
    for (const item of this.#decoder.push(chunk)) {
      if (!item.ok) {
        this.stats.badFrames += 1;
        this.#report(new CallerBusError('HQ_ERR_CALLER_BAD_FRAME', `${item.reason} in ${hex(item.raw)}`));
        continue;
      }
      this.#onFrame(item.frame, hex(item.raw));
    }
  };

  #onFrame(frame: CallerFrame, raw: string): void {
    const now = this.#scheduler.now();
    if (this.#isOwnEcho(frame, now)) {
      this.stats.ownEchoes += 1;
      return;
    }
    this.stats.framesIn += 1;
    const input = interpretFrame(frame, this.protocol);
    const fromHost = input.kind === 'unknown' && this.#isHostFunc(frame.func);
    // Another master's command (or our own very late echo): neither ACKed nor counted as a keypad.
    if (!fromHost) {
      this.#lastSeen.set(frame.address, now);
      void this.#enqueue(ackFor(frame, this.protocol), 'ack');
    }
    if (this.#resends.isResend(frameKey(frame), now)) {
      this.stats.resends += 1;
      return;
    }
    switch (input.kind) {
      case 'key':
        this.#onKey(input.address, input.key, input.code, input.digits, now, raw);
        return;
      case 'rating': {
        const level = levelInOrder(input.level, this.#orderOf(input.address));
        this.#deliver('rating', { address: input.address, level, label: RATING_LABELS[level], index: input.index, at: now, frame: raw });
        return;
      }
      case 'unknown':
        this.stats.unknown += 1;
        this.#deliver('unknown', { address: input.address, func: input.func, data: input.data, why: input.why, at: now, frame: raw });
        return;
      default: {
        const unhandled: never = input;
        return unhandled;
      }
    }
  }

  #onKey(address: number, key: CallerKey, code: number, frameDigits: string, at: number, frame: string): void {
    const entry = this.#entries.get(address);
    entry?.cancel();
    this.#entries.delete(address);
    const typed = (entry?.digits ?? '') + frameDigits;
    if (key === 'digit') {
      const digits = typed.slice(-this.#opts.maxDigits);
      const cancel = this.#after(this.#opts.digitEntryTimeoutMs, () => this.#entries.delete(address));
      this.#entries.set(address, { digits, cancel });
      this.#deliver('key', { address, key, digits, code, at, frame });
      return;
    }
    // 取消 clears the entry; any other key consumes it.
    const digits = key === 'cancel' ? '' : typed.slice(-this.#opts.maxDigits);
    const combo = comboOf(key, digits, this.protocol);
    this.#deliver('key', { address, key, digits, ...(combo ? { combo } : {}), code, at, frame });
  }

  #isOwnEcho(frame: CallerFrame, now: number): boolean {
    const window = this.#opts.ownEchoWindowMs;
    if (window <= 0) return false;
    this.#sent = this.#sent.filter((s) => now - s.at <= window);
    const i = this.#sent.findIndex((s) => sameFrame(s.frame, frame));
    if (i < 0) return false;
    this.#sent.splice(i, 1);
    return true;
  }

  /** A FUNC only the host sends (with the defaults: 0x02 LCD/stars, 0x03 beep; 0x01 is also the keys'). */
  #isHostFunc(func: number): boolean {
    const p = this.protocol;
    if (func === p.keyFunc || func === p.ratingFunc) return false;
    return func === p.lcdFunc || func === p.beepFunc || func === p.starsFunc || func === p.startRating.func || func === p.ratingAckFunc;
  }

  #deliver<E extends 'key' | 'rating' | 'unknown'>(event: E, ...args: CallerBusEvents[E]): void {
    try {
      (this.emit as (e: E, ...a: CallerBusEvents[E]) => boolean)(event, ...args);
    } catch (err) {
      // A throwing listener is the hub's bug, not the bus's: report it, keep listening.
      this.#report(new CallerBusError('HQ_ERR_CALLER_LISTENER_FAILED', `${event}: ${messageOf(err)}`, { cause: err }));
    }
  }

  // --- the link --------------------------------------------------------------------------

  async #connect(): Promise<void> {
    if (!this.#running) return;
    try {
      if (!this.#transport.isOpen) await this.#transport.open();
    } catch (err) {
      if (!this.#running) return;
      this.#failures += 1;
      const e = new CallerBusError('HQ_ERR_CALLER_PORT_OPEN_FAILED', `${this.#transport.description}: ${messageOf(err)}`, { cause: err });
      this.#setStatus({ state: 'down', detail: e.message, error: e });
      this.#report(e);
      this.#after(backoffDelay(this.#failures, this.#opts.backoff), () => void this.#connect());
      return;
    }
    if (!this.#running) {
      // stop() came while the port was opening, and found nothing open to close.
      await this.#transport.close().catch(() => {});
      return;
    }
    this.#failures = 0;
    this.#decoder.reset();
    this.#up = true;
    this.#setStatus({ state: 'up', detail: `caller bus on ${this.#transport.description}` });
    // Keypads kept their LCD through a host-side outage, or went blank with the bus: either way, show it again.
    this.#resendLcds();
  }

  readonly #onClose = (err?: TransportError): void => {
    if (!this.#running || !this.#up) return;
    this.#up = false;
    this.#dropQueue();
    const loss = err ?? new TransportError(`${this.#transport.description} closed`, { disconnected: true });
    this.#failures += 1;
    this.#setStatus({ state: 'down', detail: loss.message, error: loss });
    this.#report(loss);
    this.#after(backoffDelay(this.#failures, this.#opts.backoff), () => void this.#connect());
  };

  readonly #onTransportError = (err: unknown): void => {
    if (!this.#running) return;
    this.#report(err instanceof TransportError ? err : new CallerBusError('HQ_ERR_CALLER_WRITE_FAILED', messageOf(err), { cause: err }));
  };

  #resendLcds(): void {
    for (const [address, content] of this.#lcd) void this.#enqueue(lcdFrame(address, content, this.protocol), 'lcd');
  }

  #refreshLater(): void {
    this.#after(this.#opts.lcdRefreshMs, () => {
      this.#resendLcds();
      this.#refreshLater();
    });
  }

  // --- helpers ---------------------------------------------------------------------------

  #setStatus(status: CallerBusStatus): void {
    if (this.#status?.state === status.state) return;
    this.#status = status;
    this.emit('status', status);
  }

  #report(err: CallerBusFailure): void {
    this.emit('error', err);
  }

  /** Runs `fn` after `ms` unless stop() comes first (then `onCancel`). Returns a cancel function. */
  #after(ms: number, fn: () => void, onCancel?: () => void): () => void {
    let done = false;
    const cancelTimer = this.#scheduler.schedule(ms, () => {
      done = true;
      this.#timers.delete(cancel);
      if (this.#running) fn();
      else onCancel?.();
    });
    const cancel = (): void => {
      if (done) return;
      done = true;
      cancelTimer();
      this.#timers.delete(cancel);
      onCancel?.();
    };
    this.#timers.add(cancel);
    return cancel;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleepers.delete(wake);
        resolve();
      };
      this.#sleepers.add(wake);
      this.#after(ms, wake, wake);
    });
  }
}

function hex(bytes: Buffer): string {
  return bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
