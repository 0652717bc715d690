import { EventEmitter } from 'node:events';
import { RATING_LABELS } from '../../rating-levels.ts';
import type { BackoffOptions } from '../../backoff.ts';
import { type Scheduler, systemScheduler } from '../../scheduler.ts';
import type { DeviceLink, LinkStatus } from '../../link/device-link.ts';
import { LinkSupervisor } from '../../link/link-supervisor.ts';
import { type IgnoreReason, type ReportDecoder, createDecoder } from '../codec/decoder.ts';
import type { DecoderConfig, DecoderConfigInput } from '../codec/decoder-config.ts';
import { toHex } from '../codec/hex.ts';
import type { RatingLevel } from '../codec/key-levels.ts';
import { RatingPadError } from '../errors.ts';
import type { ByteTransport } from '../../transport.ts';
import { type HidTarget, type OpenHid, describeTarget } from '../transport/hid-device.ts';
import { HidTransport } from '../transport/hid-transport.ts';

/**
 * A level read from a pad. Same core as the tablet page's and the RS-485 evaluators' ratings:
 * `{ level, source, raw }`; `source` is the ratings table's channel (`src/domain/ratings.ts`).
 */
export interface HidRatingEvent {
  /** 5 非常满意 … 1 非常不满意. */
  level: RatingLevel;
  /** 非常满意 … 非常不满意. */
  label: string;
  source: 'hid';
  /** The input report as hex (`00 00 22 00 00 00 00 00`), for the record and for support. */
  raw: string;
  /** The key usage (keyboard wedge) or masked byte value (custom report) that mapped. */
  code: number;
  /** `Digit5 (0x22) → 5`. */
  detail: string;
  /** scheduler.now() when the report arrived. */
  at: number;
  /** `hid:/dev/hidraw3`, `hid:1a2b:3c4d`. */
  device: string;
  /** From the options, when given. */
  windowId?: number;
}

/** A report that gave no level (key release, repeat, unmapped key…): for logs and installers. */
export interface HidIgnoredEvent {
  reason: IgnoreReason;
  detail: string;
  raw: string;
  at: number;
  device: string;
  windowId?: number;
}

/**
 * - `ok`: the pad is open and read;
 * - `disconnected`: not found, cannot be opened, or unplugged; reopening with backoff;
 * - `unavailable`: node-hid (or libusb) cannot be loaded; the driver stays idle until restarted.
 */
export type HidPadState = 'ok' | 'disconnected' | 'unavailable';

export interface HidPadStatus {
  state: HidPadState;
  /** `中文 / English`. */
  detail: string;
  error?: RatingPadError;
}

/**
 * - `rating`: one per key press that maps to a level;
 * - `ignored`: every other report (releases included);
 * - `status`: when the state (or the reason it is not `ok`) changes;
 * - `error`: open/read failures and throwing listeners. A no-op listener is installed, so an unheard
 *   error never crashes the process.
 */
export interface HidPadEvents {
  rating: [event: HidRatingEvent];
  ignored: [event: HidIgnoredEvent];
  status: [status: HidPadStatus];
  error: [err: RatingPadError];
}

export interface HidPadDriverOptions {
  /** `{ path }` (from `learn hid`) or `{ vendorId, productId, … }`, as a `hid:` uri parses. Give this or `transport`. */
  target?: HidTarget;
  /** The pad's transport as endpointForUri('ratingPad', uri) gives it (`sim` included), instead of `target`. */
  transport?: ByteTransport;
  /** The decoder config (hall config `decoder:`); checked here, throws RatingPadConfigError. */
  decoder: DecoderConfigInput | DecoderConfig;
  /** Copied into events. */
  windowId?: number;
  /** Clock and timers. Default: the real ones. */
  scheduler?: Scheduler;
  /** Opens the device. Default: node-hid, imported on first use (transport/node-hid.ts). Tests pass FakeHidBus.openHid. */
  openHid?: OpenHid;
  /** Reopen backoff. Default 1 s doubling to 30 s. */
  backoff?: BackoffOptions;
}

export interface HidPadStats {
  reports: number;
  ratings: number;
  ignored: number;
  /** Successful opens after the first. */
  reconnects: number;
}

/**
 * One USB HID rating pad: reports in, ratings out. Opening, reopening with backoff and noticing an
 * unplugged pad are the link's (devices/link, over an HidTransport); this class decodes reports and
 * turns link states into pad states. Never throws after construction: every failure is a status and
 * an `error` event, and the hub runs on.
 *
 * @example
 * const pad = new HidPadDriver({ target: { vendorId: 0x1a2b, productId: 0x3c4d }, decoder: { kind: 'keyboard-wedge' }, windowId: 3 });
 * pad.on('rating', (r) => ratings.fromDevice(r.windowId, r.level, r.source, r.raw));
 * pad.on('status', (s) => deviceStatus.set(`pad-${3}`, s.state, s.detail));
 * pad.start();
 * // later: await pad.stop();
 */
export class HidPadDriver extends EventEmitter<HidPadEvents> {
  /** Null when the driver was given a transport. */
  readonly target: HidTarget | null;
  readonly description: string;
  readonly decoder: ReportDecoder;
  readonly windowId: number | undefined;
  readonly stats: HidPadStats = { reports: 0, ratings: 0, ignored: 0, reconnects: 0 };
  /** The pad's link (open, backoff, reconnect). */
  readonly link: DeviceLink;
  readonly #scheduler: Scheduler;

  #running = false;
  #opened = 0;
  #status: HidPadStatus | null = null;

  constructor(opts: HidPadDriverOptions) {
    super();
    if (!opts.target && !opts.transport) throw new TypeError('a HidPadDriver needs "target" or "transport"');
    this.target = opts.target ?? null;
    const transport = opts.transport ?? new HidTransport(opts.target!, opts.openHid);
    this.description = opts.target ? describeTarget(opts.target) : transport.description;
    this.decoder = createDecoder(opts.decoder);
    this.windowId = opts.windowId;
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.link = new LinkSupervisor(transport, {
      scheduler: this.#scheduler,
      backoff: { initialMs: 1000, maxMs: 30_000, ...opts.backoff },
    });
    this.link.on('data', this.#onReport);
    this.link.on('status', this.#onLink);
    this.on('error', () => {});
  }

  /** The last status emitted, or null before the first one. */
  get status(): HidPadStatus | null {
    return this.#status;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Opens the pad (in the background) and keeps it open. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.link.start();
  }

  /** Closes the pad and cancels the reopen timer. A later start() opens it afresh. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#status = null;
    this.decoder.reset();
    await this.link.stop();
  }

  readonly #onLink = (s: LinkStatus): void => {
    if (!this.#running) return;
    switch (s.state) {
      case 'up':
        if (this.#opened++ > 0) this.stats.reconnects += 1;
        // A key held when the cable went is a new press once the pad is back.
        this.decoder.reset();
        this.#setStatus({ state: 'ok', detail: `评价器已连接 ${this.description} / rating pad connected: ${this.description}` });
        return;
      case 'down':
      case 'failed': {
        const e = padErrorOf(s, this.description);
        // Unavailable: retrying cannot help before libusb / node-hid is installed and the hub restarted.
        this.#setStatus({ state: s.state === 'failed' ? 'unavailable' : 'disconnected', detail: e.bilingual, error: e });
        this.#report(e);
        return;
      }
      default:
        return;
    }
  };

  readonly #onReport = (report: Buffer): void => {
    if (!this.#running) return;
    this.stats.reports += 1;
    const at = this.#scheduler.now();
    const raw = toHex(report);
    const result = this.decoder.decode(report);
    const where = { device: this.description, ...(this.windowId === undefined ? {} : { windowId: this.windowId }) };
    if (result.ok) {
      this.stats.ratings += 1;
      this.#deliver('rating', { level: result.level, label: RATING_LABELS[result.level], source: 'hid', raw, code: result.code, detail: result.detail, at, ...where });
    } else {
      this.stats.ignored += 1;
      this.#deliver('ignored', { reason: result.reason, detail: result.detail, raw, at, ...where });
    }
  };

  #setStatus(status: HidPadStatus): void {
    const before = this.#status;
    if (before && before.state === status.state && before.error?.code === status.error?.code) return;
    this.#status = status;
    this.#deliver('status', status);
  }

  #deliver<E extends 'rating' | 'ignored' | 'status'>(event: E, ...args: HidPadEvents[E]): void {
    try {
      (this.emit as (e: E, ...a: HidPadEvents[E]) => boolean)(event, ...args);
    } catch (err) {
      // A throwing listener is the hub's bug, not the pad's: report it, keep reading.
      this.#report(new RatingPadError('HQ_ERR_RATINGPAD_LISTENER_FAILED', `${event}: ${messageOf(err)}`, { cause: err }));
    }
  }

  #report(err: RatingPadError): void {
    try {
      this.emit('error', err);
    } catch {
      // An `error` listener that throws has nowhere left to report to.
    }
  }
}

/** The pad's own error behind a link failure (HidTransport puts it in the TransportError's cause). */
function padErrorOf(s: LinkStatus, description: string): RatingPadError {
  const cause = s.error?.cause;
  if (cause instanceof RatingPadError) return cause;
  const code = s.cause === 'lost' ? 'HQ_ERR_RATINGPAD_READ_FAILED' : 'HQ_ERR_RATINGPAD_OPEN_FAILED';
  return new RatingPadError(code, `${description}: ${s.error?.message ?? s.detail}`, { cause: s.error });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
