import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type BackoffOptions, backoffDelay } from '../../backoff.ts';
import type { DeviceLink, LinkStatus } from '../../link/device-link.ts';
import { LinkSupervisor } from '../../link/link-supervisor.ts';
import { type Scheduler, systemScheduler } from '../../scheduler.ts';
import { TimerSet } from '../../timer-set.ts';
import { TransportError, type ByteTransport } from '../../transport.ts';
import type { SmsChannel, SmsChannelState, SmsDelivery, SmsInbound } from '../channel.ts';
import { type Assembled, ConcatAssembler } from '../codec/concat-assembler.ts';
import { decodePdu } from '../codec/decode-pdu.ts';
import { encodeSubmit, type EncodedSubmit, type SubmitOptions } from '../codec/encode-submit.ts';
import { isDelivered, type SmsPdu, type StatusReportPdu } from '../codec/pdu.ts';
import { SMS_ERRORS, SmsError } from '../errors.ts';
import { AtChannel, type AtCommand, type Urc } from './at-channel.ts';

export interface SmsModemOptions {
  /** Clock and timers. Default: the real ones. */
  scheduler?: Scheduler;
  /** Answer timeout of ordinary commands. Default 5 s. */
  commandTimeoutMs?: number;
  /** Answer timeout of AT+CMGS: the modem answers once the network took the message. Default 60 s. */
  sendTimeoutMs?: number;
  /** Parts of a received message still missing after this are handed over as they are (complete: false). Default 10 min. */
  concatTimeoutMs?: number;
  /** After the inbound handler rejected, the SIM is read again after this. Default 30 s. */
  handlerRetryMs?: number;
  /** Signal check (AT+CSQ), which also notices a modem that stopped answering. Default 60 s. */
  healthIntervalMs?: number;
  /** Backoff of the link and of a failing initialisation (no SIM yet, modem still booting). */
  backoff?: BackoffOptions;
  /** How texts are sent: validity, status reports (default on), forced UCS-2. */
  submit?: Pick<SubmitOptions, 'validity' | 'statusReport' | 'alphabet'>;
  /** The first concatenation reference (then +1 per long text). Default: from the clock. */
  firstConcatRef?: number;
}

/**
 * - `status` (SmsChannelState) on every change;
 * - `error` for every failure, the retried ones too; a no-op listener is installed.
 */
export interface SmsModemEvents {
  status: [status: SmsChannelState];
  error: [err: SmsError | TransportError];
}

type Work = { kind: 'read'; index: number } | { kind: 'list' } | { kind: 'expire' };

/** Where a part lies on the SIM, and when the centre stamped it. */
interface PartTag {
  index: number;
  at: number;
}

/**
 * A GSM modem (短信猫) on a serial port, in PDU mode (3GPP TS 27.005). Opening the port and
 * reopening it with backoff are the link's (devices/link). The driver initialises the modem after
 * each open (AT, ATE0, AT+CMEE=1, AT+CPIN?, AT+CMGF=0, AT+CPMS, AT+CNMI=2,1,0,1,0, AT+CSQ), sends
 * with AT+CMGS one command at a time, reads each `+CMTI` message with AT+CMGR and deletes it with
 * AT+CMGD only after the owner's handler resolved, and lists the SIM (AT+CMGL=4) at every start
 * so nothing stored while the hub was down is missed.
 *
 * @example
 * const modem = new SmsModem(new SerialTransport({ path: '/dev/ttyUSB1' }));
 * modem.onInbound(async (m) => replies.accept(m));
 * modem.onDelivery((d) => outbox.delivered(d.messageRef, d.delivered));
 * modem.start();
 * const { refs } = await modem.send('+8613800138000', '请到3号窗口办理');
 */
export class SmsModem extends EventEmitter<SmsModemEvents> implements SmsChannel {
  readonly link: DeviceLink;
  readonly #scheduler: Scheduler;
  readonly #timers: TimerSet;
  readonly #at: AtChannel;
  readonly #opts: Required<Omit<SmsModemOptions, 'scheduler' | 'backoff' | 'submit' | 'firstConcatRef'>> & { backoff: BackoffOptions; submit: SmsModemOptions['submit'] };
  readonly #assembler = new ConcatAssembler<PartTag>();

  #running = false;
  #closed = false;
  /** Bumped when the link goes up or down: work of an older link does nothing. */
  #generation = 0;
  #ready = false;
  #initFailures = 0;
  #signal: number | null = null;
  #sendFailed = false;
  #status: SmsChannelState = { state: 'down', lastError: null };
  #concatRef: number;
  #inboundHandler: ((m: SmsInbound) => Promise<void>) | null = null;
  #deliveryHandler: ((d: SmsDelivery) => void) | null = null;
  readonly #work: Work[] = [];
  #pumping = false;
  /** SIM indexes being handed to the handler now. */
  readonly #inFlight = new Set<number>();
  /** SIM indexes whose PDU would not decode, reported once each. */
  readonly #badIndexes = new Set<number>();
  #cancelExpiry: (() => void) | null = null;
  #cancelRelist: (() => void) | null = null;

  constructor(transport: ByteTransport, opts: SmsModemOptions = {}) {
    super();
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.#timers = new TimerSet(this.#scheduler);
    this.#opts = {
      commandTimeoutMs: opts.commandTimeoutMs ?? 5_000,
      sendTimeoutMs: opts.sendTimeoutMs ?? 60_000,
      concatTimeoutMs: opts.concatTimeoutMs ?? 10 * 60_000,
      handlerRetryMs: opts.handlerRetryMs ?? 30_000,
      healthIntervalMs: opts.healthIntervalMs ?? 60_000,
      backoff: opts.backoff ?? {},
      submit: opts.submit,
    };
    this.#concatRef = (opts.firstConcatRef ?? this.#scheduler.now()) & 0xff;
    this.link = new LinkSupervisor(transport, { scheduler: this.#scheduler, backoff: this.#opts.backoff });
    this.#at = new AtChannel(this.link, this.#scheduler, (urc) => this.#onUrc(urc));
    this.link.on('data', (chunk) => this.#at.onData(chunk));
    this.link.on('status', this.#onLink);
    this.link.on('error', (err) => this.#report(err));
    // Prevents a crash when nobody listens for `error` (as socket.io's Socket does).
    this.on('error', () => {});
  }

  /** Opens the port and initialises the modem; failures are `status` and `error` events, never thrown. */
  start(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    this.link.start();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (!this.#running) return;
    this.#running = false;
    this.#generation += 1;
    this.#ready = false;
    this.#timers.cancelAll();
    this.#cancelExpiry = null;
    this.#cancelRelist = null;
    this.#work.length = 0;
    this.#at.failAll(new SmsError('HQ_ERR_SMS_STOPPED'));
    await this.link.stop();
    this.#assembler.clear();
    this.#setStatus({ state: 'down', lastError: null });
  }

  state(): SmsChannelState {
    return this.#status;
  }

  /** AT+CSQ's rssi (0–31, 99 = no signal) from the last check; null before the first. */
  get signal(): number | null {
    return this.#signal;
  }

  onInbound(handler: (m: SmsInbound) => Promise<void>): void {
    this.#inboundHandler = handler;
    // Messages that waited on the SIM for a handler.
    this.#enqueue({ kind: 'list' });
  }

  onDelivery(handler: (d: SmsDelivery) => void): void {
    this.#deliveryHandler = handler;
  }

  async send(to: string, text: string): Promise<{ refs: string[] }> {
    if (this.#closed) throw new SmsError('HQ_ERR_SMS_STOPPED');
    if (!this.#ready) throw new SmsError('HQ_ERR_SMS_MODEM_DOWN', this.#status.lastError ?? 'the modem is not ready');
    let parts: EncodedSubmit[];
    const concatRef = this.#concatRef;
    try {
      parts = encodeSubmit(to, text, { ...this.#opts.submit, concatRef });
    } catch (err) {
      if (err instanceof TypeError) throw new SmsError('HQ_ERR_SMS_BAD_NUMBER', err.message, { cause: err });
      throw new SmsError('HQ_ERR_SMS_TEXT_TOO_LONG', err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (parts.length > 1) this.#concatRef = (this.#concatRef + 1) & 0xff;
    const generation = this.#generation;
    const refs: string[] = [];
    for (const [i, part] of parts.entries()) {
      try {
        // Through #command: after a reconnect, the rest of a long text does not go to a modem mid-initialisation.
        const lines = await this.#command({ line: `AT+CMGS=${part.tpduLength}`, pdu: part.hex, timeoutMs: this.#opts.sendTimeoutMs }, generation);
        const mr = lines.map((l) => /^\+CMGS:\s*(\d+)/.exec(l)).find((m) => m !== null);
        if (!mr) throw new SmsError('HQ_ERR_SMS_MODEM_ERROR', `no +CMGS reference in the answer (${lines.join(' | ') || 'empty'})`);
        refs.push(mr[1]!);
      } catch (err) {
        const e = this.#asSmsError(err, parts.length > 1 ? `part ${i + 1} of ${parts.length}; ${refs.length} sent` : undefined);
        this.#sendFailure(e, generation);
        throw e;
      }
    }
    if (this.#sendFailed) {
      this.#sendFailed = false;
      this.#refreshStatus();
    }
    return { refs };
  }

  // --- link and initialisation ------------------------------------------------------------

  readonly #onLink = (s: LinkStatus): void => {
    if (!this.#running) return;
    if (s.state === 'up') {
      const generation = ++this.#generation;
      this.#initFailures = 0;
      void this.#initialise(generation);
      return;
    }
    if (s.state === 'down' || s.state === 'failed') {
      this.#generation += 1;
      this.#ready = false;
      this.#timers.cancelAll();
      this.#cancelExpiry = null;
      this.#cancelRelist = null;
      const cause = s.error ?? new TransportError(`${this.link.description}: ${s.detail}`, { disconnected: true });
      const err = new SmsError('HQ_ERR_SMS_MODEM_DOWN', `${this.link.description}: ${cause.message}`, { cause });
      this.#at.failAll(err);
      this.#report(err);
      this.#setStatus({ state: 'down', lastError: err.message });
    }
  };

  async #initialise(generation: number): Promise<void> {
    const t = this.#opts.commandTimeoutMs;
    const cmd = (line: string): Promise<string[]> => this.#command({ line, timeoutMs: t }, generation);
    try {
      await cmd('AT');
      await cmd('ATE0');
      await cmd('AT+CMEE=1');
      const pin = (await cmd('AT+CPIN?')).find((l) => l.startsWith('+CPIN:'));
      if (!pin || !/READY/.test(pin)) throw new SmsError('HQ_ERR_SMS_SIM_PIN', pin ?? 'no +CPIN answer');
      await cmd('AT+CMGF=0');
      await cmd('AT+CPMS="SM","SM","SM"');
      // New messages stored and announced (+CMTI); status reports shown at once (+CDS).
      await cmd('AT+CNMI=2,1,0,1,0');
      await this.#checkSignal(generation);
    } catch (err) {
      if (generation !== this.#generation || !this.#running) return;
      const e = this.#asSmsError(err);
      this.#report(e);
      this.#setStatus({ state: 'down', lastError: e.message });
      // A SIM put in later, a modem still booting: try again, slower and slower.
      this.#initFailures += 1;
      this.#timers.after(backoffDelay(this.#initFailures, this.#opts.backoff), () => {
        if (generation === this.#generation && this.#running) void this.#initialise(generation);
      });
      return;
    }
    if (generation !== this.#generation) return;
    this.#initFailures = 0;
    this.#ready = true;
    this.#sendFailed = false;
    this.#refreshStatus();
    this.#scheduleHealth(generation);
    this.#enqueue({ kind: 'list' });
  }

  async #checkSignal(generation: number): Promise<void> {
    const lines = await this.#command({ line: 'AT+CSQ', timeoutMs: this.#opts.commandTimeoutMs }, generation);
    const m = lines.map((l) => /^\+CSQ:\s*(\d+)/.exec(l)).find((x) => x !== null);
    this.#signal = m ? Number(m[1]) : null;
  }

  #scheduleHealth(generation: number): void {
    this.#timers.after(this.#opts.healthIntervalMs, () => {
      if (generation !== this.#generation || !this.#ready) return;
      this.#checkSignal(generation).then(
        () => {
          this.#refreshStatus();
          this.#scheduleHealth(generation);
        },
        (err: unknown) => this.#commandFailed(err, generation),
      );
    });
  }

  /** A command failed outside a send: a modem that stopped answering is initialised again. */
  #commandFailed(err: unknown, generation: number): void {
    if (generation !== this.#generation || !this.#running) return;
    const e = this.#asSmsError(err);
    this.#report(e);
    if (e.code !== 'HQ_ERR_SMS_NO_ANSWER') return;
    this.#generation += 1;
    this.#ready = false;
    this.#timers.cancelAll();
    this.#cancelExpiry = null;
    this.#cancelRelist = null;
    this.#setStatus({ state: 'down', lastError: e.message });
    // Commands queued behind the silence would each wait out their timeout before the modem is tried again.
    this.#at.failAll(new SmsError('HQ_ERR_SMS_MODEM_DOWN', e.message, { cause: e }));
    const next = this.#generation;
    this.#initFailures = 1;
    this.#timers.after(backoffDelay(1, this.#opts.backoff), () => {
      if (next === this.#generation && this.#running) void this.#initialise(next);
    });
  }

  #sendFailure(e: SmsError, generation: number): void {
    this.#report(e);
    if (e.code === 'HQ_ERR_SMS_NO_ANSWER') {
      this.#commandFailed(e, generation);
      return;
    }
    const modemOrNetwork = e.code === 'HQ_ERR_SMS_NETWORK' || e.code === 'HQ_ERR_SMS_MODEM_ERROR' || e.code === 'HQ_ERR_SMS_NO_SMSC' || e.code === 'HQ_ERR_SMS_NO_SIM';
    if (modemOrNetwork && this.#ready) {
      this.#sendFailed = true;
      this.#setStatus({ state: 'degraded', lastError: e.message });
    }
  }

  #refreshStatus(): void {
    if (!this.#ready) return;
    if (this.#signal === 99 || this.#signal === null) this.#setStatus({ state: 'degraded', lastError: 'no network signal (AT+CSQ 99)' });
    else if (!this.#sendFailed) this.#setStatus({ state: 'ok', lastError: null });
  }

  // --- inbound ------------------------------------------------------------------------------

  #onUrc(urc: Urc): void {
    if (!this.#running) return;
    if (urc.kind === 'stored' || urc.kind === 'report-stored') {
      this.#enqueue({ kind: 'read', index: urc.index });
      return;
    }
    let pdu: SmsPdu;
    try {
      pdu = decodePdu(urc.pdu, urc.tpduLength);
    } catch (err) {
      this.#report(new SmsError('HQ_ERR_SMS_BAD_PDU', `+CDS: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      return;
    }
    if (pdu.type === 'status-report') this.#emitDelivery(pdu);
  }

  #enqueue(work: Work): void {
    const duplicate = this.#work.some((w) => w.kind === work.kind && (w.kind !== 'read' || (work.kind === 'read' && w.index === work.index)));
    if (!duplicate) this.#work.push(work);
    void this.#pump();
  }

  /** Works through the inbound queue one item at a time while the modem is ready. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#ready && this.#running && this.#work.length > 0) {
        const work = this.#work.shift()!;
        const generation = this.#generation;
        try {
          await this.#do(work, generation);
        } catch (err) {
          this.#commandFailed(err, generation);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #do(work: Work, generation: number): Promise<void> {
    const t = this.#opts.commandTimeoutMs;
    if (work.kind === 'expire') {
      for (const m of this.#assembler.expire(this.#scheduler.now(), this.#opts.concatTimeoutMs)) await this.#deliverInbound(m, generation);
      this.#scheduleExpiry();
      return;
    }
    if (work.kind === 'read') {
      if (this.#known(work.index)) return;
      let lines: string[];
      try {
        lines = await this.#command({ line: `AT+CMGR=${work.index}`, timeoutMs: t }, generation);
      } catch (err) {
        // 321, invalid memory index: the slot is empty (an earlier list took the message).
        if (err instanceof SmsError && err.cms === 321) return;
        throw err;
      }
      const head = lines.findIndex((l) => l.startsWith('+CMGR:'));
      // An empty slot: read by an earlier list, or deleted.
      if (head < 0 || lines[head + 1] === undefined) return;
      const length = /,\s*(\d+)\s*$/.exec(lines[head]!);
      await this.#handleStored(work.index, lines[head + 1]!, length ? Number(length[1]) : undefined, generation);
      return;
    }
    // 4 = all messages, read or not: what a crash left on the SIM too.
    const lines = await this.#command({ line: 'AT+CMGL=4', timeoutMs: t * 2 }, generation);
    for (let i = 0; i < lines.length; i++) {
      const m = /^\+CMGL:\s*(\d+),[^,]*,[^,]*,\s*(\d+)/.exec(lines[i]!);
      if (!m || lines[i + 1] === undefined) continue;
      const index = Number(m[1]);
      const pdu = lines[++i]!;
      if (this.#known(index)) continue;
      await this.#handleStored(index, pdu, Number(m[2]), generation);
    }
  }

  #known(index: number): boolean {
    return this.#inFlight.has(index) || this.#assembler.holds((tag) => tag.index === index);
  }

  async #handleStored(index: number, hex: string, tpduLength: number | undefined, generation: number): Promise<void> {
    let pdu: SmsPdu;
    try {
      pdu = decodePdu(hex, tpduLength);
    } catch (err) {
      // Kept on the SIM (deleting is losing it); reported once, not at every list.
      if (!this.#badIndexes.has(index)) this.#report(new SmsError('HQ_ERR_SMS_BAD_PDU', `SIM index ${index}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      this.#badIndexes.add(index);
      return;
    }
    this.#badIndexes.delete(index);
    if (pdu.type === 'status-report') {
      this.#emitDelivery(pdu);
      await this.#delete([index], generation);
      return;
    }
    // A stored SMS-SUBMIT is someone's draft or sent copy: not ours to take.
    if (pdu.type !== 'deliver') return;
    if (!pdu.concat) {
      await this.#deliverInbound({ from: pdu.from, text: pdu.text, parts: [{ from: pdu.from, concat: { ref: 0, refBits: 8, total: 1, seq: 1 }, text: pdu.text, tag: { index, at: pdu.scts.at } }], total: 1, complete: true }, generation);
      return;
    }
    const done = this.#assembler.add({ from: pdu.from, concat: pdu.concat, text: pdu.text, tag: { index, at: pdu.scts.at } }, this.#scheduler.now());
    if (done) await this.#deliverInbound(done, generation);
    else this.#scheduleExpiry();
  }

  /** Hands a message to the handler; deletes its parts from the SIM only once the handler resolved. */
  async #deliverInbound(m: Assembled<PartTag>, generation: number): Promise<void> {
    const handler = this.#inboundHandler;
    // Without a handler the parts wait on the SIM; onInbound() lists them again.
    if (!handler) return;
    const indexes = m.parts.map((p) => p.tag.index);
    const receivedAt = Math.min(...m.parts.map((p) => p.tag.at));
    const message: SmsInbound = { from: m.from, text: m.text, receivedAt, parts: m.total, complete: m.complete, ref: inboundRef(m.from, receivedAt, m.text) };
    for (const i of indexes) this.#inFlight.add(i);
    try {
      await handler(message);
    } catch (err) {
      this.#report(new SmsError('HQ_ERR_SMS_HANDLER_FAILED', err instanceof Error ? err.message : String(err), { cause: err }));
      this.#relistLater();
      return;
    } finally {
      for (const i of indexes) this.#inFlight.delete(i);
    }
    await this.#delete(indexes, generation);
  }

  async #delete(indexes: number[], generation: number): Promise<void> {
    for (const i of indexes) await this.#command({ line: `AT+CMGD=${i}`, timeoutMs: this.#opts.commandTimeoutMs }, generation);
  }

  #emitDelivery(r: StatusReportPdu): void {
    const d: SmsDelivery = { messageRef: r.messageRef, to: r.recipient, delivered: isDelivered(r.status), status: r.status, at: r.dischargeTime.at };
    try {
      this.#deliveryHandler?.(d);
    } catch (err) {
      // A throwing handler is the hub's bug, not the modem's: reported, the modem carries on.
      this.#report(new SmsError('HQ_ERR_SMS_HANDLER_FAILED', `delivery report: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    }
  }

  #relistLater(): void {
    if (this.#cancelRelist) return;
    this.#cancelRelist = this.#timers.after(this.#opts.handlerRetryMs, () => {
      this.#cancelRelist = null;
      this.#enqueue({ kind: 'list' });
    });
  }

  #scheduleExpiry(): void {
    this.#cancelExpiry?.();
    this.#cancelExpiry = null;
    const oldest = this.#assembler.oldest;
    if (oldest === null) return;
    const delay = Math.max(0, oldest + this.#opts.concatTimeoutMs - this.#scheduler.now());
    this.#cancelExpiry = this.#timers.after(delay, () => {
      this.#cancelExpiry = null;
      this.#enqueue({ kind: 'expire' });
    });
  }

  // --- helpers ------------------------------------------------------------------------------

  /** Runs a command of this link's life; after the link changed, it fails without writing. */
  #command(command: AtCommand, generation: number): Promise<string[]> {
    if (generation !== this.#generation || !this.#running) return Promise.reject(new SmsError('HQ_ERR_SMS_MODEM_DOWN', 'the link changed'));
    return this.#at.run(command);
  }

  #asSmsError(err: unknown, detail?: string): SmsError {
    if (err instanceof SmsError) {
      if (!detail) return err;
      const own = err.message.startsWith(`${SMS_ERRORS[err.code].en}: `) ? err.message.slice(SMS_ERRORS[err.code].en.length + 2) : '';
      return new SmsError(err.code, own ? `${own}; ${detail}` : detail, { cause: err, ...(err.cms === null ? {} : { cms: err.cms }) });
    }
    if (err instanceof TransportError) return new SmsError(err.canceled ? 'HQ_ERR_SMS_STOPPED' : 'HQ_ERR_SMS_MODEM_DOWN', err.message, { cause: err });
    return new SmsError('HQ_ERR_SMS_MODEM_ERROR', err instanceof Error ? err.message : String(err), { cause: err });
  }

  #report(err: SmsError | TransportError): void {
    this.emit('error', err);
  }

  #setStatus(status: SmsChannelState): void {
    if (this.#status.state === status.state && this.#status.lastError === status.lastError) return;
    this.#status = status;
    this.emit('status', status);
  }
}

/** Stable for the same message read twice (a crash between the handler and AT+CMGD). */
export function inboundRef(from: string, receivedAt: number, text: string): string {
  return createHash('sha256').update(`${from}\u0000${receivedAt}\u0000${text}`).digest('hex').slice(0, 32);
}

