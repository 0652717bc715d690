import type { ByteTransport } from '../../transport.ts';
import { type Chunking, logBounded, OrderedWriter, splitRandomly } from '../../simulator-wire.ts';
import { decodePdu } from '../codec/decode-pdu.ts';
import { encodeDeliver, encodeStatusReport, type EncodedPdu } from '../codec/encode-deliver.ts';
import type { SubmitPdu } from '../codec/pdu.ts';

export interface SmsModemSimulatorOptions {
  /** `absent`: AT+CPIN? answers +CME ERROR: 10; `pin`: +CPIN: SIM PIN. Default `ready`. */
  sim?: 'ready' | 'absent' | 'pin';
  /** `out-of-order`: every AT+CMGS ends with +CMS ERROR: 38. Default `ok`. */
  network?: 'ok' | 'out-of-order';
  /** AT+CSQ's rssi (99 = no signal). Default 20. */
  signal?: number;
  /** False: the modem hears nothing and says nothing (powered off behind its USB adapter). Default true. */
  answering?: boolean;
  /** SIM message slots (indexes 1..capacity). Default 30. */
  capacity?: number;
  /** The status a delivery report carries after each sent part that asked for one (AT+CNMI ds=1 or 2); null sends none. Default 0 (delivered). */
  reportStatus?: number | null;
  /** Delivery reports stored on the SIM and announced by +CDSI whatever AT+CNMI asked, as some modems do. Default false. */
  storeReports?: boolean;
  /** The network's clock for timestamps. Default Date.now. */
  clock?: () => number;
  /** Split every answer into chunks of 1..maxChunk bytes. */
  chunking?: Chunking | null;
}

/** A message the simulated network took from the host. */
export interface SentSms {
  messageRef: number;
  to: string;
  text: string;
  concat: SubmitPdu['concat'];
  statusReportRequested: boolean;
  /** The PDU as the host wrote it. */
  hex: string;
}

interface Slot {
  /** 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT (TS 27.005 §3.1). */
  stat: number;
  pdu: EncodedPdu;
}

const CHINA = 480;

/**
 * The modem's end of the byte stream: a GSM modem in PDU mode (TS 27.005) with a SIM store,
 * answering the AT commands the driver uses with the bytes a real one sends, plus controls to
 * inject received texts (real SMS-DELIVER PDUs, concatenated UCS-2 included), send delivery
 * reports, and fail (no SIM, network out of order, no answer).
 */
export class SmsModemSimulator {
  readonly #transport: ByteTransport;
  readonly #writer: OrderedWriter;
  readonly #slots = new Map<number, Slot>();
  readonly #capacity: number;
  readonly #clock: () => number;
  #buffer = '';
  /** After AT+CMGS=<n>: the PDU being typed, until Ctrl-Z. */
  #awaitingPdu: { length: number } | null = null;
  #echo = true;
  /** AT+CNMI <mt> and <ds>: whether +CMTI and +CDS / +CDSI are sent. */
  #cnmi = { mt: 0, ds: 0 };
  #nextMr = 0;
  #nextConcatRef = 0;
  #failNextSend: number | null = null;
  sim: NonNullable<SmsModemSimulatorOptions['sim']>;
  network: NonNullable<SmsModemSimulatorOptions['network']>;
  signal: number;
  answering: boolean;
  reportStatus: number | null;
  storeReports: boolean;
  chunking: Chunking | null;
  /** Every command line heard (the latest SIM_LOG_LIMIT). */
  readonly received: string[] = [];
  /** Every message the network took (the latest SIM_LOG_LIMIT). */
  readonly sent: SentSms[] = [];

  constructor(transport: ByteTransport, opts: SmsModemSimulatorOptions = {}) {
    this.#transport = transport;
    this.#writer = new OrderedWriter(transport);
    this.sim = opts.sim ?? 'ready';
    this.network = opts.network ?? 'ok';
    this.signal = opts.signal ?? 20;
    this.answering = opts.answering ?? true;
    this.reportStatus = opts.reportStatus === undefined ? 0 : opts.reportStatus;
    this.storeReports = opts.storeReports ?? false;
    this.#capacity = opts.capacity ?? 30;
    this.#clock = opts.clock ?? Date.now;
    this.chunking = opts.chunking ?? null;
    transport.on('data', this.#onData);
    // Device side: a failed write or a closed link is the host's problem to notice.
    transport.on('error', () => {});
  }

  /** Stops answering. */
  detach(): void {
    this.#transport.off('data', this.#onData);
  }

  /** Resolves when every answer so far has been handed to the transport. */
  flushed(): Promise<void> {
    return this.#writer.flushed;
  }

  /** The SIM's messages by index. */
  get stored(): ReadonlyMap<number, Readonly<Slot>> {
    return this.#slots;
  }

  /**
   * A text arrives from `from`: stored on the SIM as one SMS-DELIVER per part (UCS-2 for Chinese,
   * concatenated when long), each announced with +CMTI when the host asked for that (AT+CNMI mt=1).
   * `parts` picks which parts arrive and in what order (1-based; default all, in order).
   * Returns the SIM indexes used. Throws RangeError when the SIM is full.
   */
  inject(from: string, text: string, opts: { at?: number; zoneMinutes?: number; parts?: number[]; concatRef?: number } = {}): number[] {
    const concatRef = opts.concatRef ?? this.#nextConcatRef++ & 0xff;
    const pdus = encodeDeliver(from, text, { at: Math.floor((opts.at ?? this.#clock()) / 1000) * 1000, zoneMinutes: opts.zoneMinutes ?? CHINA }, { concatRef });
    const order = opts.parts ?? pdus.map((_, i) => i + 1);
    return order.map((seq) => {
      const pdu = pdus[seq - 1];
      if (!pdu) throw new RangeError(`the text has ${pdus.length} part(s); no part ${seq}`);
      return this.#store(pdu, 'SM');
    });
  }

  /** Sends (or stores, with AT+CNMI ds=2) a delivery report for a sent message reference. */
  report(messageRef: number, status = 0): void {
    const sent = [...this.sent].reverse().find((s) => s.messageRef === messageRef);
    const now = Math.floor(this.#clock() / 1000) * 1000;
    const pdu = encodeStatusReport({ messageRef, recipient: sent?.to ?? '+8613800138000', scts: { at: now, zoneMinutes: CHINA }, dischargeTime: { at: now, zoneMinutes: CHINA }, status });
    if (this.#cnmi.ds === 2 || this.storeReports) this.#store(pdu, 'SR');
    else this.#send(`\r\n+CDS: ${pdu.tpduLength}\r\n${pdu.hex}\r\n`);
  }

  /** The next AT+CMGS ends with +CMS ERROR: <cms> (e.g. 38 network out of order, 21 rejected). */
  failNextSend(cms: number): void {
    this.#failNextSend = cms;
  }

  #store(pdu: EncodedPdu, announceAs: 'SM' | 'SR'): number {
    let index = 1;
    while (this.#slots.has(index)) index++;
    if (index > this.#capacity) throw new RangeError('the simulated SIM is full');
    this.#slots.set(index, { stat: 0, pdu });
    const announce = announceAs === 'SM' ? this.#cnmi.mt === 1 : this.#cnmi.ds === 2 || this.storeReports;
    if (announce && this.answering) this.#send(`\r\n+${announceAs === 'SM' ? 'CMTI' : 'CDSI'}: "SM",${index}\r\n`);
    return index;
  }

  readonly #onData = (chunk: Buffer): void => {
    if (!this.answering) return;
    this.#buffer += chunk.toString('latin1');
    for (;;) {
      if (this.#awaitingPdu) {
        const end = this.#buffer.search(/[\x1a\x1b]/);
        if (end < 0) return;
        const typed = this.#buffer.slice(0, end).trim();
        const cancelled = this.#buffer[end] === '\x1b';
        this.#buffer = this.#buffer.slice(end + 1);
        const { length } = this.#awaitingPdu;
        this.#awaitingPdu = null;
        if (!cancelled) this.#submit(typed, length);
        continue;
      }
      const end = this.#buffer.search(/[\r\n]/);
      if (end < 0) return;
      const line = this.#buffer.slice(0, end).trim();
      this.#buffer = this.#buffer.slice(end + 1);
      if (line === '') continue;
      logBounded(this.received, line);
      if (this.#echo) this.#send(`${line}\r`);
      this.#command(line);
    }
  };

  #command(line: string): void {
    const upper = line.toUpperCase();
    const ok = (body = '') => this.#send(`${body}\r\nOK\r\n`);
    const error = (text = 'ERROR') => this.#send(`\r\n${text}\r\n`);
    let m: RegExpExecArray | null;
    if (upper === 'AT') return ok();
    if ((m = /^ATE([01])$/.exec(upper))) {
      this.#echo = m[1] === '1';
      return ok();
    }
    if (upper.startsWith('AT+CMEE=') || upper === 'AT+CMGF=0' || upper.startsWith('AT+CSMS=')) return ok();
    if (upper === 'AT+CPIN?') {
      if (this.sim === 'absent') return error('+CME ERROR: 10');
      return ok(`\r\n+CPIN: ${this.sim === 'pin' ? 'SIM PIN' : 'READY'}\r\n`);
    }
    if (upper === 'AT+CSQ') return ok(`\r\n+CSQ: ${this.signal},99\r\n`);
    if (upper.startsWith('AT+CPMS=')) {
      if (this.sim !== 'ready') return error('+CMS ERROR: 310');
      const used = this.#slots.size;
      return ok(`\r\n+CPMS: ${used},${this.#capacity},${used},${this.#capacity},${used},${this.#capacity}\r\n`);
    }
    if ((m = /^AT\+CNMI=(\d*)(?:,(\d*))?(?:,(\d*))?(?:,(\d*))?/.exec(upper))) {
      this.#cnmi = { mt: Number(m[2] || 0), ds: Number(m[4] || 0) };
      return ok();
    }
    if ((m = /^AT\+CMGS=(\d+)$/.exec(upper))) {
      if (this.sim !== 'ready') return error('+CMS ERROR: 310');
      this.#awaitingPdu = { length: Number(m[1]) };
      return this.#send('\r\n> ');
    }
    if ((m = /^AT\+CMGR=(\d+)$/.exec(upper))) {
      const slot = this.#slots.get(Number(m[1]));
      if (this.sim !== 'ready') return error('+CMS ERROR: 310');
      if (!slot) return error('+CMS ERROR: 321');
      const shown = slot.stat;
      if (slot.stat === 0) slot.stat = 1;
      return ok(`\r\n+CMGR: ${shown},,${slot.pdu.tpduLength}\r\n${slot.pdu.hex}\r\n`);
    }
    if ((m = /^AT\+CMGL=(\d)$/.exec(upper))) {
      if (this.sim !== 'ready') return error('+CMS ERROR: 310');
      const which = Number(m[1]);
      let body = '';
      for (const [index, slot] of [...this.#slots].sort((a, b) => a[0] - b[0])) {
        if (which !== 4 && slot.stat !== which) continue;
        body += `\r\n+CMGL: ${index},${slot.stat},,${slot.pdu.tpduLength}\r\n${slot.pdu.hex}`;
        if (slot.stat === 0) slot.stat = 1;
      }
      return ok(body === '' ? '' : `${body}\r\n`);
    }
    if ((m = /^AT\+CMGD=(\d+)(?:,\d+)?$/.exec(upper))) {
      this.#slots.delete(Number(m[1]));
      return ok();
    }
    error();
  }

  #submit(hex: string, length: number): void {
    let pdu;
    try {
      pdu = decodePdu(hex, length);
    } catch {
      return this.#send('\r\n+CMS ERROR: 304\r\n');
    }
    // The length AT+CMGS gave must be the TPDU's (hex without the SCA octets).
    const scaOctets = hex.length / 2 - length;
    if (pdu.type !== 'submit' || scaOctets < 1) return this.#send('\r\n+CMS ERROR: 304\r\n');
    const fail = this.#failNextSend ?? (this.network === 'out-of-order' ? 38 : null);
    this.#failNextSend = null;
    if (fail !== null) return this.#send(`\r\n+CMS ERROR: ${fail}\r\n`);
    this.#nextMr = (this.#nextMr + 1) & 0xff;
    const messageRef = this.#nextMr;
    logBounded(this.sent, { messageRef, to: pdu.to, text: pdu.text, concat: pdu.concat, statusReportRequested: pdu.statusReportRequested, hex });
    this.#send(`\r\n+CMGS: ${messageRef}\r\n\r\nOK\r\n`);
    if (pdu.statusReportRequested && this.reportStatus !== null && (this.#cnmi.ds !== 0 || this.storeReports)) this.report(messageRef, this.reportStatus);
  }

  #send(text: string): void {
    for (const chunk of splitRandomly(Buffer.from(text, 'latin1'), this.chunking)) this.#writer.write(chunk);
  }
}
