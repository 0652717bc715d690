import { EventEmitter } from 'node:events';
import type { DeviceLink, LinkStatus } from '../../link/device-link.ts';
import { LinkSupervisor } from '../../link/link-supervisor.ts';
import { type Scheduler, systemScheduler } from '../../scheduler.ts';
import { TimerSet } from '../../timer-set.ts';
import { TransportError, type ByteTransport } from '../../transport.ts';
import { encodeFrame } from '../codec/encode-frame.ts';
import { type CallerFrame, frameKey } from '../codec/frame.ts';
import { FrameDecoder } from '../codec/frame-decoder.ts';
import { type LcdContent, beepFrame, lcdFrame, starsFrame, startRatingFrame } from '../codec/host-frames.ts';
import { ackFor, comboOf, interpretFrame } from '../codec/interpret.ts';
import { type BeepPatternSpec, type CallerKey, type CallerProtocol, RATING_LABELS, type RatingLevel, callerProtocol } from '../codec/protocol.ts';
import { levelInOrder, type RatingOrder } from '../../rating-levels.ts';
import { checkRatingOrders } from '../codec/rating-orders.ts';
import type { CallerBusEvents, CallerBusFailure, CallerBusOptions, CallerBusStats, CallerBusStatus } from './caller-bus-types.ts';
import { DigitEntry } from './digit-entry.ts';
import { CallerBusError } from './errors.ts';
import { FrameWriter, type OutgoingKind } from './frame-writer.ts';
import { OwnEchoFilter } from './own-echo-filter.ts';
import { ResendFilter } from './resend-filter.ts';

export type {
  CallerBusEvents,
  CallerBusFailure,
  CallerBusOptions,
  CallerBusState,
  CallerBusStats,
  CallerBusStatus,
  CallerKeyEvent,
  CallerRatingEvent,
  CallerUnknownEvent,
} from './caller-bus-types.ts';

/**
 * One RS-485 bus of caller keypads (and evaluators) over any ByteTransport. The bus reads frames,
 * ACKs them, filters resends and its own echo, collects digit entries, and keeps each keypad's LCD;
 * the write queue is FrameWriter, and opening, backoff and reconnecting are the link's (devices/link).
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
  /** The bus's link (open, backoff, reconnect). */
  readonly link: DeviceLink;
  readonly #scheduler: Scheduler;
  readonly #timers: TimerSet;
  readonly #decoder: FrameDecoder;
  readonly #resends: ResendFilter;
  readonly #echoes: OwnEchoFilter;
  readonly #writer: FrameWriter;
  readonly #digits: DigitEntry;
  readonly #orderOf: (address: number) => RatingOrder;
  readonly #lcdRefreshMs: number;
  readonly #beepOnQueueFilled: string | null;

  #running = false;
  #status: CallerBusStatus | null = null;
  #lcd = new Map<number, LcdContent>();
  #lastSeen = new Map<number, number>();

  constructor(transport: ByteTransport, opts: CallerBusOptions = {}) {
    super();
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.#timers = new TimerSet(this.#scheduler);
    this.protocol = callerProtocol(opts.protocol);
    this.#orderOf = checkRatingOrders(opts.ratingOrders);
    this.#decoder = new FrameDecoder(opts.maxFrameLength === undefined ? {} : { maxLength: opts.maxFrameLength });
    this.#resends = new ResendFilter(opts.resendWindowMs ?? 1000);
    this.#echoes = new OwnEchoFilter(opts.ownEchoWindowMs ?? 100);
    this.#digits = new DigitEntry(this.#timers, opts.digitEntryTimeoutMs ?? 10_000, opts.maxDigits ?? 6);
    this.#lcdRefreshMs = opts.lcdRefreshMs ?? 0;
    this.#beepOnQueueFilled = opts.beepOnQueueFilled ?? null;
    if (this.#beepOnQueueFilled !== null) this.#pattern(this.#beepOnQueueFilled);
    this.link = new LinkSupervisor(transport, { scheduler: this.#scheduler, ...(opts.backoff ? { backoff: opts.backoff } : {}) });
    this.#writer = new FrameWriter({
      write: (bytes) => this.link.write(bytes),
      timers: this.#timers,
      interFrameGapMs: opts.interFrameGapMs ?? 10,
      now: () => this.#scheduler.now(),
      onSending: (frame) => this.#echoes.sending(frame, this.#scheduler.now()),
      onWriteFailed: (err) => {
        // A lost link also arrives as a link status, which reconnects.
        if (this.#running && !(err instanceof TransportError && err.canceled)) {
          this.#report(new CallerBusError('HQ_ERR_CALLER_WRITE_FAILED', `${this.link.description}: ${messageOf(err)}`, { cause: err }));
        }
      },
    });
    this.link.on('data', this.#onData);
    this.link.on('status', this.#onLink);
    this.link.on('error', this.#onLinkError);
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
    this.link.start();
    if (this.#lcdRefreshMs > 0) this.#refreshLater();
  }

  /** Stops: pending commands resolve false, timers are cancelled, the transport is closed. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#writer.close();
    this.#timers.cancelAll();
    this.#digits.clear();
    await this.link.stop();
    this.#decoder.reset();
    this.#resends.clear();
    this.#echoes.clear();
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
    if (filled && this.#beepOnQueueFilled !== null) void this.beep(address, this.#beepOnQueueFilled);
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
    const beeps: Promise<boolean>[] = [this.#enqueue(frame, 'beep')];
    for (let i = 1; i < spec.count; i++) {
      beeps.push(new Promise((resolve) => this.#timers.after(i * spec.gapMs, () => resolve(this.#enqueue(frame, 'beep')), () => resolve(false))));
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
  flushed(): Promise<void> {
    return this.#writer.flushed();
  }

  #pattern(pattern: string | BeepPatternSpec): BeepPatternSpec {
    const spec = typeof pattern === 'string' ? this.protocol.beepPatterns[pattern] : pattern;
    if (!spec) throw new TypeError(`unknown beep pattern "${String(pattern)}"; known: ${Object.keys(this.protocol.beepPatterns).join(', ')}`);
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > 10 || !(spec.gapMs >= 0)) throw new TypeError('a beep pattern needs count 1..10 and gapMs ≥ 0');
    return spec;
  }

  #enqueue(frame: CallerFrame, kind: OutgoingKind): Promise<boolean> {
    const sent = this.#writer.enqueue(frame, kind);
    return sent.then((ok) => {
      if (ok) this.stats.framesOut += 1;
      return ok;
    });
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
    if (this.#echoes.isOwnEcho(frame, now)) {
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
    if (key === 'digit') {
      this.#deliver('key', { address, key, digits: this.#digits.addDigits(address, frameDigits), code, at, frame });
      return;
    }
    // 取消 clears the entry; any other key consumes it.
    const typed = this.#digits.consume(address, frameDigits);
    const digits = key === 'cancel' ? '' : typed;
    const combo = comboOf(key, digits, this.protocol);
    this.#deliver('key', { address, key, digits, ...(combo ? { combo } : {}), code, at, frame });
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

  readonly #onLink = (s: LinkStatus): void => {
    if (!this.#running) return;
    switch (s.state) {
      case 'up':
        this.#decoder.reset();
        this.#writer.open();
        this.#setStatus({ state: 'up', detail: `caller bus on ${this.link.description}` });
        // Keypads kept their LCD through a host-side outage, or went blank with the bus: either way, show it again.
        this.#resendLcds();
        return;
      case 'down':
      case 'failed': {
        this.#writer.close();
        const error = linkFailure(s, this.link.description);
        this.#setStatus({ state: 'down', detail: error.message, error });
        this.#report(error);
        return;
      }
      default:
        return;
    }
  };

  readonly #onLinkError = (err: TransportError): void => {
    if (this.#running) this.#report(err);
  };

  #resendLcds(): void {
    for (const [address, content] of this.#lcd) void this.#enqueue(lcdFrame(address, content, this.protocol), 'lcd');
  }

  #refreshLater(): void {
    this.#timers.after(this.#lcdRefreshMs, () => {
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
}

/** A lost link is the transport's own error; a failed open is the bus's PORT_OPEN_FAILED. */
function linkFailure(s: LinkStatus, description: string): CallerBusFailure {
  const error = s.error ?? new TransportError(`${description}: ${s.detail}`, { disconnected: true });
  if (s.cause === 'lost') return error;
  return new CallerBusError('HQ_ERR_CALLER_PORT_OPEN_FAILED', `${description}: ${error.message}`, { cause: error });
}

function hex(bytes: Buffer): string {
  return bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
