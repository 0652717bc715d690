import { TransportError } from '../../transport.ts';
import type { Scheduler } from '../../scheduler.ts';
import { AtLineDecoder } from '../codec/at-lines.ts';
import { cmsErrorCode, SmsError } from '../errors.ts';

/** Unsolicited result codes the driver acts on (3GPP TS 27.005 §3.4.1 with AT+CNMI=2,1,0,1,0). */
export type Urc =
  /** A message was stored: `+CMTI: "SM",3`. */
  | { kind: 'stored'; memory: string; index: number }
  /** A status report was stored: `+CDSI: "SR",4`. */
  | { kind: 'report-stored'; memory: string; index: number }
  /** A status report, shown at once: `+CDS: 25` then the PDU line. */
  | { kind: 'report'; tpduLength: number; pdu: string };

/** Where commands go: the modem's link. */
export interface ByteSink {
  write(bytes: Buffer): Promise<void>;
}

export interface AtCommand {
  /** Without the trailing CR: `AT+CMGR=3`. */
  line: string;
  timeoutMs: number;
  /** For AT+CMGS: the PDU in hex, written after the `> ` prompt and ended with Ctrl-Z. */
  pdu?: string;
}

interface Pending {
  command: AtCommand;
  lines: string[];
  resolve: (lines: string[]) => void;
  reject: (err: Error) => void;
  cancelTimeout: () => void;
  prompted: boolean;
}

const CTRL_Z = '\x1a';
const ESC = '\x1b';

/**
 * One AT command at a time over the modem's link (V.250 / TS 27.005): commands wait their turn,
 * each ends with OK, ERROR, `+CMS ERROR: n` or `+CME ERROR: n`, or its timeout. The lines between
 * are its answer. Unsolicited codes (+CMTI, +CDSI, +CDS) can come at any moment, also in the middle
 * of an answer, and go to `onUrc` instead.
 */
export class AtChannel {
  readonly #decoder = new AtLineDecoder();
  readonly #queue: { command: AtCommand; resolve: (lines: string[]) => void; reject: (err: Error) => void }[] = [];
  #pending: Pending | null = null;
  /** After `+CDS: <n>`, the next line is its PDU. */
  #cdsLength: number | null = null;

  constructor(
    private readonly sink: ByteSink,
    private readonly scheduler: Scheduler,
    private readonly onUrc: (urc: Urc) => void,
  ) {}

  /** Sends a command after those queued before it; resolves with its answer's lines. Rejects with SmsError or TransportError. */
  run(command: AtCommand): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ command, resolve, reject });
      this.#next();
    });
  }

  /** Feed bytes from the link's `data` event. */
  onData(chunk: Buffer): void {
    for (const item of this.#decoder.push(chunk)) {
      if (item.kind === 'prompt') this.#onPrompt();
      else this.#onLine(item.text);
    }
  }

  /** Ends the command in flight and every queued one with `err` (the link went down, or stop()). */
  failAll(err: Error): void {
    // The queue first: settling the command in flight starts the next one.
    const queued = this.#queue.splice(0);
    const p = this.#pending;
    if (p) this.#settle(p, () => p.reject(err));
    for (const q of queued) q.reject(err);
    this.#decoder.reset();
    this.#cdsLength = null;
  }

  #next(): void {
    if (this.#pending) return;
    const q = this.#queue.shift();
    if (!q) return;
    const { command } = q;
    const cancelTimeout = this.scheduler.schedule(command.timeoutMs, () => {
      const p = this.#pending;
      if (!p) return;
      // A modem left at the `> ` prompt takes everything after as the message: ESC leaves it.
      if (p.command.pdu !== undefined) void this.sink.write(Buffer.from(ESC)).catch(() => {});
      this.#settle(p, () => p.reject(new SmsError('HQ_ERR_SMS_NO_ANSWER', `no answer to ${p.command.line} within ${p.command.timeoutMs} ms`)));
    });
    const pending: Pending = { command, lines: [], resolve: q.resolve, reject: q.reject, cancelTimeout, prompted: false };
    this.#pending = pending;
    this.#write(pending, `${command.line}\r`);
  }

  #onPrompt(): void {
    const p = this.#pending;
    if (!p || p.command.pdu === undefined || p.prompted) return;
    p.prompted = true;
    this.#write(p, `${p.command.pdu}${CTRL_Z}`);
  }

  #onLine(line: string): void {
    if (this.#cdsLength !== null) {
      const tpduLength = this.#cdsLength;
      this.#cdsLength = null;
      this.onUrc({ kind: 'report', tpduLength, pdu: line });
      return;
    }
    const urc = /^\+(CMTI|CDSI):\s*"([^"]*)",\s*(\d+)/.exec(line);
    if (urc) {
      this.onUrc({ kind: urc[1] === 'CMTI' ? 'stored' : 'report-stored', memory: urc[2]!, index: Number(urc[3]) });
      return;
    }
    const cds = /^\+CDS:\s*(\d+)\s*$/.exec(line);
    if (cds) {
      this.#cdsLength = Number(cds[1]);
      return;
    }
    const p = this.#pending;
    if (!p) return;
    // Echo (before ATE0 takes effect, or of the PDU) is not the answer.
    if (line === p.command.line || (p.command.pdu !== undefined && line.endsWith(p.command.pdu))) return;
    if (line === 'OK') {
      this.#settle(p, () => p.resolve(p.lines));
      return;
    }
    const failure = finalError(line, p.command.line);
    if (failure) {
      this.#settle(p, () => p.reject(failure));
      return;
    }
    p.lines.push(line);
  }

  #write(p: Pending, text: string): void {
    this.sink.write(Buffer.from(text, 'latin1')).catch((err: unknown) => {
      if (this.#pending === p) this.#settle(p, () => p.reject(err instanceof TransportError ? err : new TransportError(String(err), { cause: err })));
    });
  }

  #settle(p: Pending, fn: () => void): void {
    if (this.#pending !== p) return;
    this.#pending = null;
    p.cancelTimeout();
    fn();
    this.#next();
  }
}

/** The SmsError for a final error line, or null when the line is not one. */
function finalError(line: string, command: string): SmsError | null {
  if (line === 'ERROR') return new SmsError('HQ_ERR_SMS_MODEM_ERROR', `ERROR to ${command}`);
  const m = /^\+(CMS|CME) ERROR:\s*(.*)$/.exec(line);
  if (!m) return null;
  const n = /^\d+$/.test(m[2]!) ? Number(m[2]) : null;
  if (n === null) {
    // Verbose errors (AT+CMEE=2): the SIM cases by their words.
    const code = /SIM not inserted|SIM failure/i.test(m[2]!) ? 'HQ_ERR_SMS_NO_SIM' : /PIN|PUK/.test(m[2]!) ? 'HQ_ERR_SMS_SIM_PIN' : 'HQ_ERR_SMS_MODEM_ERROR';
    return new SmsError(code, `${line} to ${command}`);
  }
  // +CME ERROR 10–16 are the SIM's (TS 27.007 §9.2.1), +CMS ERROR 310–316 the same faults.
  const cms = m[1] === 'CME' ? (n >= 10 && n <= 16 ? 300 + n : -1) : n;
  return new SmsError(cmsErrorCode(cms), `${line} to ${command}`, { cms: n });
}
