import { EventEmitter } from 'node:events';
import type { DeviceLink, LinkStatus } from '../../link/device-link.ts';
import { LinkSupervisor } from '../../link/link-supervisor.ts';
import { type Scheduler, systemScheduler } from '../../scheduler.ts';
import { type ByteTransport, TransportError } from '../../transport.ts';
import { LedError } from '../errors.ts';
import type { LedAddress, LedDriver, LedDriverEvents, LedLinkState, LedLinkStatus, LedShowOptions, LedState, LedStatus } from '../led-driver.ts';
import type { LedCommand, LedProtocol, ReplyDecoder } from './led-protocol.ts';

export interface BusLedDriverOptions {
  /** Clock and timers. Default: the real ones. */
  scheduler?: Scheduler;
  /** How long to wait for an ACK/NAK after a frame is written. */
  replyTimeoutMs?: number;
  /** Attempts after the first when no reply or a NAK comes (3 → up to 4 frames). */
  retries?: number;
  /**
   * Every this many ms: static content is re-sent to each address, other addresses are pinged.
   * 0 turns it off. A bar that lost power comes back blank; this puts its text back.
   */
  refreshIntervalMs?: number;
  /** Addresses watched from the start (pinged after connecting and on refresh) even before anything is shown. */
  addresses?: LedAddress[];
  /** Reopen delay after the link fails: initialMs doubling to maxMs. Default 500 ms → 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

type ContentCommand = Extract<LedCommand, { kind: 'show' | 'clear' }>;

interface Waiter {
  resolve: () => void;
  reject: (err: LedError) => void;
}

interface Job {
  cmd: LedCommand;
  frame: Buffer;
  waiters: Waiter[];
  /** A refresh or resync nobody waits for: queued behind every command someone waits for. */
  background: boolean;
}

interface InFlight {
  job: Job;
  attempts: number;
  /** Some attempt went unanswered: its answer may still be on the way. */
  timedOut: boolean;
  cancelTimer: (() => void) | null;
}

function isContent(cmd: LedCommand): cmd is ContentCommand {
  return cmd.kind === 'show' || cmd.kind === 'clear';
}

function asLedError(err: unknown, address: LedAddress): LedError {
  if (err instanceof LedError) return err;
  return new LedError('HQ_ERR_LED_BAD_ARGUMENT', err instanceof Error ? err.message : String(err), { address, cause: err });
}

/**
 * LedDriver over one ByteTransport and a LedProtocol: a FIFO of commands, one on the wire at a
 * time, each retried on timeout or NAK; the latest content per address remembered and re-sent
 * (link back up, address answering again, periodic refresh). Opening, backoff and reconnecting are
 * the link's (devices/link); `link` here is the LED view of it. See led-driver.ts for the contract.
 */
export class BusLedDriver<Item> extends EventEmitter<LedDriverEvents> implements LedDriver {
  /** The transport's supervisor (open, backoff, reconnect). */
  readonly deviceLink: DeviceLink;
  readonly #protocol: LedProtocol<Item>;
  readonly #decoder: ReplyDecoder<Item>;
  readonly #scheduler: Scheduler;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #refreshMs: number;

  #running = false;
  #link: LedLinkStatus;
  #queue: Job[] = [];
  #current: InFlight | null = null;
  #pumpQueued = false;
  /** Set while late replies to a retried command drain (see #finish). */
  #cancelDrain: (() => void) | null = null;
  readonly #desired = new Map<LedAddress, ContentCommand>();
  readonly #statuses = new Map<LedAddress, LedStatus>();
  readonly #watched = new Set<LedAddress>();
  #cancelRefresh: (() => void) | null = null;

  constructor(transport: ByteTransport, protocol: LedProtocol<Item>, opts: BusLedDriverOptions & { replyTimeoutMs: number; retries: number; refreshIntervalMs: number }) {
    super();
    this.#protocol = protocol;
    this.#decoder = protocol.newDecoder();
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.#timeoutMs = opts.replyTimeoutMs;
    this.#retries = opts.retries;
    this.#refreshMs = opts.refreshIntervalMs;
    for (const [name, v] of [['replyTimeoutMs', this.#timeoutMs], ['retries', this.#retries], ['refreshIntervalMs', this.#refreshMs]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new TypeError(`"${name}" must be an integer ≥ 0, got ${v}`);
    }
    for (const a of opts.addresses ?? []) {
      try {
        protocol.encode({ kind: 'ping', address: a });
      } catch (err) {
        throw new TypeError(`"addresses": ${err instanceof Error ? err.message : String(err)}`);
      }
      if (protocol.answers(a)) this.#watched.add(a);
    }
    this.#link = { state: 'stopped', detail: 'not started', at: this.#scheduler.now() };
    this.deviceLink = new LinkSupervisor(transport, { scheduler: this.#scheduler, backoff: { initialMs: opts.backoff?.initialMs ?? 500, maxMs: opts.backoff?.maxMs ?? 30_000 } });
    this.deviceLink.on('data', this.#onData);
    this.deviceLink.on('status', this.#onLinkStatus);
    // Prevents a crash when nobody listens for `error` (as the ID-card reader does).
    this.on('error', () => {});
  }

  get protocol(): string {
    return this.#protocol.name;
  }

  get description(): string {
    return this.deviceLink.description;
  }

  get link(): LedLinkStatus {
    return this.#link;
  }

  /** Commands waiting behind the one on the wire. */
  get queued(): number {
    return this.#queue.length;
  }

  statusOf(address: LedAddress): LedStatus {
    return this.#statuses.get(address) ?? { address, state: 'unknown', detail: 'nothing sent yet', at: this.#link.at };
  }

  desiredOf(address: LedAddress): { text: string; opts: LedShowOptions } | null {
    const d = this.#desired.get(address);
    if (!d) return null;
    return d.kind === 'show' ? { text: d.text, opts: d.opts } : { text: '', opts: {} };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.deviceLink.start();
    this.#scheduleRefresh();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#cancelRefresh?.();
    this.#cancelRefresh = null;
    this.#failAll(() => new LedError('HQ_ERR_LED_STOPPED', 'the driver was stopped'));
    this.#setLink('stopped', 'stopped');
    await this.deviceLink.stop();
  }

  show(address: LedAddress, text: string, opts: LedShowOptions = {}): Promise<void> {
    return this.#submit({ kind: 'show', address, text, opts: { ...opts } });
  }

  clear(address: LedAddress): Promise<void> {
    return this.#submit({ kind: 'clear', address });
  }

  brightness(address: LedAddress, level: number): Promise<void> {
    return this.#submit({ kind: 'brightness', address, level });
  }

  ping(address: LedAddress): Promise<void> {
    return this.#submit({ kind: 'ping', address });
  }

  #submit(cmd: LedCommand): Promise<void> {
    let frame: Buffer;
    try {
      frame = this.#protocol.encode(cmd);
    } catch (err) {
      return Promise.reject(asLedError(err, cmd.address));
    }
    if (this.#protocol.answers(cmd.address)) {
      this.#watched.add(cmd.address);
      if (isContent(cmd)) this.#desired.set(cmd.address, cmd);
    }
    if (!this.#running) return Promise.reject(new LedError('HQ_ERR_LED_STOPPED', 'call start() first', { address: cmd.address }));
    if (this.#link.state === 'down') return Promise.reject(new LedError('HQ_ERR_LED_DISCONNECTED', this.#link.detail, { address: cmd.address, cause: this.#link.error }));
    return new Promise<void>((resolve, reject) => {
      this.#enqueue(cmd, frame, { resolve, reject });
      this.#pump();
    });
  }

  /**
   * Queues a command; a queued show/clear (or brightness, or ping) for the same address is
   * replaced by it. Commands someone waits for go before background ones (refreshes), so a call
   * never waits behind a refresh of the whole bus.
   */
  #enqueue(cmd: LedCommand, frame: Buffer, waiter: Waiter | null): void {
    const i = this.#queue.findIndex((j) => j.cmd.address === cmd.address && (isContent(j.cmd) ? isContent(cmd) : j.cmd.kind === cmd.kind));
    const same = this.#queue[i];
    if (same) {
      same.cmd = cmd;
      same.frame = frame;
      if (!waiter) return;
      same.waiters.push(waiter);
      if (!same.background) return;
      this.#queue.splice(i, 1);
    }
    const job: Job = same ?? { cmd, frame, waiters: [], background: waiter === null };
    job.background = waiter === null && job.waiters.length === 0;
    if (waiter && !job.waiters.includes(waiter)) job.waiters.push(waiter);
    if (job.background) {
      this.#queue.push(job);
      return;
    }
    const firstBackground = this.#queue.findIndex((j) => j.background);
    if (firstBackground < 0) this.#queue.push(job);
    else this.#queue.splice(firstBackground, 0, job);
  }

  /** Queues what the driver knows it should do for `address`: its content, or a ping. */
  #enqueueRefresh(address: LedAddress, contentOnly: boolean, staticOnly: boolean): void {
    const d = this.#desired.get(address);
    const resend = d && !(staticOnly && d.kind === 'show' && d.opts.effect === 'scroll');
    const cmd: LedCommand | null = resend ? d : contentOnly ? null : { kind: 'ping', address };
    if (!cmd) return;
    try {
      this.#enqueue(cmd, this.#protocol.encode(cmd), null);
    } catch {
      // The content encoded when it was accepted; a failure here would be a protocol bug. Skip it.
    }
  }

  #pump(): void {
    if (this.#current || this.#cancelDrain || this.#link.state !== 'up') return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#current = { job, attempts: 0, timedOut: false, cancelTimer: null };
    this.#attempt(this.#current);
  }

  /** Pumps after the current call stack: replies left in the same chunk must not meet the next command. */
  #pumpSoon(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  #attempt(cur: InFlight): void {
    cur.attempts += 1;
    // Devices speak only when spoken to: nothing buffered now belongs to the coming reply.
    this.#decoder.reset();
    const { address } = cur.job.cmd;
    const answers = this.#protocol.answers(address);
    if (answers) cur.cancelTimer = this.#scheduler.schedule(this.#timeoutMs, () => this.#onTimeout(cur));
    this.deviceLink.write(cur.job.frame).then(
      () => {
        if (!answers) this.#finish(cur, null);
      },
      (err: unknown) => {
        // A write that lost the link took it down first: that failed this command with the rest.
        if (this.#current !== cur) return;
        const cause = err instanceof TransportError ? err : new TransportError(String(err), { cause: err });
        this.#finish(cur, new LedError('HQ_ERR_LED_DISCONNECTED', `write failed: ${cause.message}`, { address, cause }));
      },
    );
  }

  #onTimeout(cur: InFlight): void {
    if (this.#current !== cur) return;
    cur.cancelTimer = null;
    cur.timedOut = true;
    if (cur.attempts <= this.#retries) return this.#attempt(cur);
    this.#finish(cur, new LedError('HQ_ERR_LED_NO_REPLY', `no reply from ${this.#protocol.name} address ${cur.job.cmd.address} after ${cur.attempts} attempts of ${this.#timeoutMs} ms`, { address: cur.job.cmd.address }));
  }

  readonly #onData = (chunk: Buffer): void => {
    for (const item of this.#decoder.push(chunk)) {
      const cur = this.#current;
      if (!cur || !cur.cancelTimer) continue;
      const verdict = this.#protocol.classify(item, cur.job.cmd.address);
      if (!verdict) continue;
      cur.cancelTimer();
      cur.cancelTimer = null;
      if (verdict.ack) this.#finish(cur, null);
      else if (cur.attempts <= this.#retries) this.#attempt(cur);
      else this.#finish(cur, new LedError('HQ_ERR_LED_REJECTED', `${verdict.detail} from address ${cur.job.cmd.address} after ${cur.attempts} attempts`, { address: cur.job.cmd.address }));
    }
  };

  #finish(cur: InFlight, err: LedError | null): void {
    if (this.#current !== cur) return;
    this.#current = null;
    cur.cancelTimer?.();
    const { cmd } = cur.job;
    if (this.#protocol.answers(cmd.address)) {
      if (err) {
        this.#setStatus(cmd.address, err.code === 'HQ_ERR_LED_REJECTED' ? 'rejected' : err.code === 'HQ_ERR_LED_NO_REPLY' ? 'no-reply' : 'disconnected', err.message, err);
      } else {
        const before = this.statusOf(cmd.address).state;
        this.#setStatus(cmd.address, 'ok', `${cmd.kind} acknowledged`);
        // Answering again after failing: it may have lost power, so put its content back.
        if (before !== 'ok' && before !== 'unknown' && !isContent(cmd)) this.#enqueueRefresh(cmd.address, true, false);
      }
    }
    if (err) this.emit('error', err);
    for (const w of cur.job.waiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
    if (cur.timedOut && this.#link.state === 'up') {
      // An unanswered attempt may still be answered late. Neither protocol numbers its frames,
      // so wait 1.5 reply timeouts before the next frame: a late answer to the last attempt
      // (sent one timeout after the one that got through) then finds nothing in flight instead
      // of acknowledging the next command.
      this.#cancelDrain = this.#scheduler.schedule(Math.ceil(this.#timeoutMs * 1.5), () => {
        this.#cancelDrain = null;
        this.#pump();
      });
    } else {
      this.#pumpSoon();
    }
  }

  #failAll(makeError: () => LedError): void {
    this.#cancelDrain?.();
    this.#cancelDrain = null;
    const jobs = this.#current ? [this.#current.job, ...this.#queue] : [...this.#queue];
    this.#current?.cancelTimer?.();
    this.#current = null;
    this.#queue = [];
    for (const job of jobs) {
      const err = makeError();
      for (const w of job.waiters) w.reject(err);
    }
  }

  #setStatus(address: LedAddress, state: LedState, detail: string, error?: LedError): void {
    const prev = this.#statuses.get(address);
    if (prev && prev.state === state) return;
    const status: LedStatus = { address, state, detail, at: this.#scheduler.now(), ...(error ? { error } : {}) };
    this.#statuses.set(address, status);
    this.emit('status', status);
  }

  #setLink(state: LedLinkState, detail: string, error?: LedError): void {
    this.#link = { state, detail, at: this.#scheduler.now(), ...(error ? { error } : {}) };
    this.emit('link', this.#link);
  }

  readonly #onLinkStatus = (s: LinkStatus): void => {
    if (!this.#running) return;
    switch (s.state) {
      case 'connecting':
        this.#setLink('connecting', s.detail);
        return;
      case 'up':
        this.#decoder.reset();
        this.#setLink('up', s.detail);
        for (const address of this.#watched) this.#enqueueRefresh(address, false, false);
        this.#pump();
        return;
      case 'down':
      case 'failed':
        this.#linkDown(s.error);
        return;
      default:
        return;
    }
  };

  /** The link went down (or could not be opened): everything in flight fails; the link reopens it. */
  #linkDown(cause: TransportError | undefined): void {
    if (this.#link.state === 'down') return;
    const err = new LedError('HQ_ERR_LED_DISCONNECTED', cause?.message ?? `${this.description} closed`, { cause });
    this.#setLink('down', err.message, err);
    this.#failAll(() => err);
    for (const address of new Set([...this.#watched, ...this.#statuses.keys()])) this.#setStatus(address, 'disconnected', err.message, err);
    this.emit('error', err);
  }

  #scheduleRefresh(): void {
    if (this.#refreshMs === 0) return;
    this.#cancelRefresh = this.#scheduler.schedule(this.#refreshMs, () => {
      this.#cancelRefresh = null;
      if (!this.#running) return;
      if (this.#link.state === 'up') {
        for (const address of this.#watched) this.#enqueueRefresh(address, false, true);
        this.#pump();
      }
      this.#scheduleRefresh();
    });
  }
}
