import { EventEmitter } from 'node:events';
import { EscPosTokenizer, type EscPosOp } from '../codec/escpos-tokenizer.ts';
import { ReceiptBuilder, type ReceiptItem, type VirtualReceipt } from '../codec/receipt-builder.ts';
import { encodeDleEotReply, encodeGsRPaperReply, type SimulatedCondition } from '../codec/status-encode.ts';
import { renderPng, type RenderPngOptions } from './render-png.ts';

export interface SimulatedPrinterOptions {
  /** Power-on Chinese mode (most Chinese-market printers). Default false, so a missing FS & shows. */
  bootHanzi?: boolean;
  /** How much it remembers: connections (64), bytes per connection (256 KiB), receipts (500). */
  keepSessions?: number;
  keepBytesPerSession?: number;
  keepReceipts?: number;
}

export interface SimulatedPrinterEvents {
  receipt: [VirtualReceipt];
  connection: [];
  data: [Buffer];
}

/**
 * An ESC/POS receipt printer without a wire: feed it bytes from any link (TCP, a pty, memory) and it answers
 * DLE EOT n and GS r from its simulated condition and decodes what it prints into VirtualReceipts (one per cut).
 *
 * Controls: paperOut()/paperIn(), paperNearEnd(on), coverOpen()/coverClose(), cutterError(on), mute(on)
 * (status queries go unanswered), reset(). While paper is out, the cover open or the cutter jammed, print
 * data is kept and printed when the condition clears, as a real printer does; status queries are answered
 * at once (DLE EOT is real-time).
 */
export class SimulatedPrinter extends EventEmitter<SimulatedPrinterEvents> {
  readonly #builder: ReceiptBuilder;
  #held: EscPosOp[] = [];
  #muted = false;
  #condition: SimulatedCondition = { paperOut: false, paperNearEnd: false, coverOpen: false, cutterError: false, feeding: false };
  #sessions: { chunks: Buffer[]; size: number }[] = [];
  readonly #keepSessions: number;
  readonly #keepBytes: number;
  readonly #keepReceipts: number;
  /** Connections accepted, including empty ones. */
  connections = 0;

  constructor(opts: SimulatedPrinterOptions = {}) {
    super();
    this.#builder = new ReceiptBuilder({ bootHanzi: opts.bootHanzi ?? false });
    // A bounded memory of what it was sent: a demo hub prints all day (issue #11: the simulated printer
    // kept every byte, 100 MB after 2,000 tickets).
    this.#keepSessions = opts.keepSessions ?? 64;
    this.#keepBytes = opts.keepBytesPerSession ?? 256 * 1024;
    this.#keepReceipts = opts.keepReceipts ?? 500;
  }

  /**
   * Starts a connection (its own command parser, as a printer sees a new stream). Returns the function to
   * feed its bytes to; `reply` sends status bytes back on the same link.
   */
  attach(reply: (bytes: Buffer) => void): (chunk: Buffer) => void {
    this.connections++;
    this.emit('connection');
    const tokenizer = new EscPosTokenizer();
    let session = this.#newSession();
    return (chunk) => {
      if (!this.#sessions.includes(session)) {
        // reset() since the last chunk (or the session aged out): a long-lived link (serial) starts a new capture
        session = this.#newSession();
      }
      session.chunks.push(chunk);
      session.size += chunk.length;
      while (session.size > this.#keepBytes && session.chunks.length > 1) session.size -= session.chunks.shift()!.length;
      this.emit('data', chunk);
      for (const op of tokenizer.push(chunk)) this.#handle(op, reply);
      const receipts = this.#builder.receipts;
      if (receipts.length > this.#keepReceipts) receipts.splice(0, receipts.length - this.#keepReceipts);
    };
  }

  get receipts(): readonly VirtualReceipt[] {
    return this.#builder.receipts;
  }

  /** Paper printed since the last cut. */
  get current(): readonly ReceiptItem[] {
    return this.#builder.current;
  }

  get condition(): Readonly<SimulatedCondition> {
    return { ...this.#condition };
  }

  #newSession(): { chunks: Buffer[]; size: number } {
    const session = { chunks: [] as Buffer[], size: 0 };
    this.#sessions.push(session);
    if (this.#sessions.length > this.#keepSessions) this.#sessions.shift();
    return session;
  }

  /** The bytes received, per connection, in order (status queries included): the latest connections, up to a bound each. */
  get sessions(): Buffer[] {
    return this.#sessions.map((s) => Buffer.concat(s.chunks));
  }

  /** All bytes received so far, across connections. */
  get received(): Buffer {
    return Buffer.concat(this.sessions);
  }

  paperOut(): void {
    this.#condition.paperOut = true;
  }
  paperIn(): void {
    this.#condition.paperOut = false;
    this.#condition.paperNearEnd = false;
    this.#release();
  }
  paperNearEnd(on = true): void {
    this.#condition.paperNearEnd = on;
  }
  coverOpen(): void {
    this.#condition.coverOpen = true;
  }
  coverClose(): void {
    this.#condition.coverOpen = false;
    this.#release();
  }
  cutterError(on = true): void {
    this.#condition.cutterError = on;
    if (!on) this.#release();
  }
  mute(on = true): void {
    this.#muted = on;
  }

  /** Clears receipts, captured bytes and conditions. */
  reset(): void {
    this.#builder.receipts.length = 0;
    this.#sessions = [];
    this.#held = [];
    this.connections = 0;
    this.#muted = false;
    this.#condition = { paperOut: false, paperNearEnd: false, coverOpen: false, cutterError: false, feeding: false };
  }

  /** Resolves once `count` receipts have been cut (or rejects after timeoutMs). */
  waitForReceipts(count: number, timeoutMs = 5000): Promise<readonly VirtualReceipt[]> {
    if (this.receipts.length >= count) return Promise.resolve(this.receipts);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('receipt', onReceipt);
        reject(new Error(`FakeTcpPrinter: ${this.receipts.length} of ${count} receipts after ${timeoutMs} ms`));
      }, timeoutMs);
      const onReceipt = (): void => {
        if (this.receipts.length < count) return;
        clearTimeout(timer);
        this.off('receipt', onReceipt);
        resolve(this.receipts);
      };
      this.on('receipt', onReceipt);
    });
  }

  /** A PNG of one receipt (default the last). */
  renderPng(receipt: VirtualReceipt | undefined = this.receipts[this.receipts.length - 1], options?: RenderPngOptions): Buffer {
    if (!receipt) throw new Error('FakeTcpPrinter: no receipt to render yet');
    return renderPng(receipt, options);
  }

  #handle(op: EscPosOp, reply: (bytes: Buffer) => void): void {
    if (op.op === 'status') {
      if (this.#muted) return;
      const byte = op.query === 'dle-eot' ? encodeDleEotReply(op.n, this.#condition) : encodeGsRPaperReply(this.#condition);
      reply(Buffer.from([byte]));
      return;
    }
    if (this.#blocked() || this.#held.length > 0) this.#held.push(op);
    else this.#print(op);
  }

  #blocked(): boolean {
    const c = this.#condition;
    return c.paperOut || c.coverOpen || c.cutterError;
  }

  #release(): void {
    if (this.#blocked()) return;
    const held = this.#held;
    this.#held = [];
    for (const op of held) this.#print(op);
  }

  #print(op: EscPosOp): void {
    const before = this.#builder.receipts.length;
    this.#builder.apply(op);
    if (this.#builder.receipts.length > before) this.emit('receipt', this.#builder.receipts[before]!);
  }
}
