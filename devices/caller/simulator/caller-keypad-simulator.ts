import { type Scheduler, systemScheduler } from '../../scheduler.ts';
import type { ByteTransport } from '../../transport.ts';
import { encodeFrame } from '../codec/encode-frame.ts';
import { type CallerFrame, sameFrame } from '../codec/frame.ts';
import { FrameDecoder } from '../codec/frame-decoder.ts';
import { type LcdText, interpretHostFrame } from '../codec/host-frames.ts';
import { ackFor } from '../codec/interpret.ts';
import { type CallerKey, type CallerProtocol, type RatingLevel, callerProtocol, codeOfKey, indexOfLevel } from '../codec/protocol.ts';
import { checkRatingOrders, type RatingOrders } from '../codec/rating-orders.ts';
import { levelInOrder, type RatingOrder } from '../../rating-levels.ts';
import { logBounded, OrderedWriter, randomGarbage, splitRandomly } from '../../simulator-wire.ts';

/**
 * A one-shot fault, applied to the next frame the simulator sends (of `address`, when given):
 * - `garbage`: these bytes go out just before it;
 * - `bad-checksum`: its CS is flipped (the host drops it, sends no ACK, and the keypad resends);
 * - `split`: it goes out in pieces cut at these offsets, each its own write;
 * - `no-wake`: it goes out without the leading FF.
 * Dropping ACKs has its own control, `dropAcks`.
 */
export type KeypadFault =
  | { kind: 'garbage'; bytes: Buffer; address?: number }
  | { kind: 'bad-checksum'; address?: number }
  | { kind: 'split'; at: number[]; address?: number }
  | { kind: 'no-wake'; address?: number };

export interface CallerKeypadSimulatorOptions {
  /** Timers for the ACK timeout. Default: the real ones. */
  scheduler?: Scheduler;
  /** The same table overrides the host uses. */
  protocol?: Partial<CallerProtocol>;
  /** Addresses simulated. Default: any address pressed, and every address the host writes to. */
  addresses?: number[];
  /** A frame not ACKed within this is sent again. Default 300 ms [unverified: real keypads' timing is unknown]. */
  ackTimeoutMs?: number;
  /** Resends before the keypad gives up on a frame. Default 3. */
  maxResends?: number;
  /** Evaluators whose keys run the other way, by address (as CallerBusOptions.ratingOrders). */
  ratingOrders?: RatingOrders;
  /** How digits typed before a key travel: inside the key's frame (`inline`, default) or each as its own frame. */
  digitMode?: 'inline' | 'separate';
  /** Split every frame into chunks of 1..maxChunk bytes, each its own write. */
  chunking?: { maxChunk: number; random: () => number } | null;
  /** Up to maxBytes random bytes before every frame. */
  garbage?: { maxBytes: number; random: () => number } | null;
}

type Pending = { frame: CallerFrame; attempts: number; cancel: (() => void) | null; resolve: (acked: boolean) => void };

/**
 * The keypads' end of one RS-485 bus: any number of keypads (and their evaluators), each by
 * address, sending key frames and resending them until ACKed, and recording what the host shows
 * them. Each address sends one frame at a time, in order, like a real keypad.
 */
export class CallerKeypadSimulator {
  readonly protocol: CallerProtocol;
  readonly #transport: ByteTransport;
  readonly #writer: OrderedWriter;
  readonly #scheduler: Scheduler;
  readonly #decoder = new FrameDecoder();
  readonly #addresses: Set<number> | null;
  readonly #ackTimeoutMs: number;
  readonly #maxResends: number;
  readonly #digitMode: 'inline' | 'separate';
  readonly #orderOf: (address: number) => RatingOrder;
  #outbox = new Map<number, Pending[]>();
  #faults: KeypadFault[] = [];
  #dropAcks: { address: number | undefined; count: number }[] = [];
  #lcd = new Map<number, LcdText>();
  #beeps = new Map<number, number[]>();
  #ratingRequests = new Map<number, number>();
  #stars = new Map<number, number>();
  chunking: CallerKeypadSimulatorOptions['chunking'];
  garbage: CallerKeypadSimulatorOptions['garbage'];
  /** The frames sent, resends included (the latest SIM_LOG_LIMIT). */
  readonly sent: CallerFrame[] = [];
  /** The host frames heard, whatever their address (the latest SIM_LOG_LIMIT). */
  readonly received: CallerFrame[] = [];
  /** ACKs heard (not dropped), and ACKs dropped by `dropAcks`. */
  readonly acks = { heard: 0, dropped: 0 };
  /** Frames given up after maxResends. */
  gaveUp = 0;

  constructor(transport: ByteTransport, opts: CallerKeypadSimulatorOptions = {}) {
    this.#transport = transport;
    this.#writer = new OrderedWriter(transport);
    this.#scheduler = opts.scheduler ?? systemScheduler;
    this.protocol = callerProtocol(opts.protocol);
    this.#addresses = opts.addresses ? new Set(opts.addresses) : null;
    this.#ackTimeoutMs = opts.ackTimeoutMs ?? 300;
    this.#maxResends = opts.maxResends ?? 3;
    this.#digitMode = opts.digitMode ?? 'inline';
    this.#orderOf = checkRatingOrders(opts.ratingOrders);
    this.chunking = opts.chunking ?? null;
    this.garbage = opts.garbage ?? null;
    transport.on('data', this.#onData);
    // Device side: a failed write or a closed link is the host's problem to notice.
    transport.on('error', () => {});
  }

  /** Stops listening and resending; presses still waiting for their ACK resolve false. */
  detach(): void {
    this.#transport.off('data', this.#onData);
    const queues = [...this.#outbox.values()];
    this.#outbox.clear();
    for (const queue of queues) {
      for (const p of queue) {
        p.cancel?.();
        p.resolve(false);
      }
    }
  }

  // --- the keypad's buttons --------------------------------------------------------------

  /**
   * Presses a key on the keypad at `address`. `arg` is what was typed before it: digits for a
   * transfer target (`press(3, 'transfer', 5)`) or a combo (`press(3, 'confirm', '6')` = 弃号);
   * for `digit`, the digit(s) themselves. Resolves true when the host ACKed every frame, false
   * when the keypad gave up.
   */
  press(address: number, key: CallerKey, arg?: string | number): Promise<boolean> {
    const typed = arg === undefined ? '' : String(arg);
    if (!/^\d*$/.test(typed)) throw new TypeError(`"arg" must be digits, got ${typed}`);
    const digits = [...typed].map((d) => this.#digitCode(Number(d)));
    if (key === 'digit') {
      if (digits.length === 0) throw new TypeError('press(address, "digit", d) needs the digit');
      return this.#sendAll(digits.map((c) => this.#keyFrame(address, [c])));
    }
    const code = codeOfKey(this.protocol, key);
    if (code === undefined) throw new TypeError(`the protocol table has no code for "${key}"`);
    const frames = this.#digitMode === 'inline' ? [this.#keyFrame(address, [...digits, code])] : [...digits.map((c) => this.#keyFrame(address, [c])), this.#keyFrame(address, [code])];
    return this.#sendAll(frames);
  }

  /** The evaluator at `address` is pressed: level 5 (非常满意) … 1 (非常不满意), through the table. */
  rate(address: number, level: RatingLevel): Promise<boolean> {
    // The table is written best-first; an evaluator wired worst-first sends the mirrored index.
    const index = indexOfLevel(this.protocol, levelInOrder(level, this.#orderOf(address)));
    if (index === undefined) throw new TypeError(`the protocol table has no score index for level ${level}`);
    return this.rateIndex(address, index);
  }

  /** The evaluator at `address` sends score index `index` as it is (unmapped ones included). */
  rateIndex(address: number, index: number): Promise<boolean> {
    return this.#send({ address, func: this.protocol.ratingFunc, data: Buffer.from([index]) });
  }

  /** Sends any frame as a keypad would (ACK wait and resends included): learn-mode tests. */
  sendFrame(frame: CallerFrame): Promise<boolean> {
    return this.#send(frame);
  }

  /** Writes raw bytes onto the bus (noise, a half frame). */
  sendRaw(bytes: Buffer): void {
    this.#write(bytes);
  }

  // --- what the host showed ---------------------------------------------------------------

  /** The LCD of `address` (`{ waiting: '007', current: '012' }`, blanks as spaces), or undefined before the first LCD frame. */
  lcd(address: number): LcdText | undefined {
    return this.#lcd.get(address);
  }

  /** scheduler.now() of every beep `address` heard. */
  beeps(address: number): number[] {
    return [...(this.#beeps.get(address) ?? [])];
  }

  /** How many "start evaluation" frames the evaluator at `address` heard. */
  ratingRequests(address: number): number {
    return this.#ratingRequests.get(address) ?? 0;
  }

  /** The star level last shown on the evaluator at `address`. */
  stars(address: number): number | undefined {
    return this.#stars.get(address);
  }

  /** Frames still waiting for their ACK, all addresses. */
  get pending(): number {
    let n = 0;
    for (const q of this.#outbox.values()) n += q.length;
    return n;
  }

  // --- faults -----------------------------------------------------------------------------

  /** The next `count` ACKs (for `address`, or any) are not heard, as if lost on the wire. */
  dropAcks(count = 1, address?: number): void {
    this.#dropAcks.push({ address, count });
  }

  /** Queues a one-shot fault for the next frame sent. */
  inject(fault: KeypadFault): void {
    this.#faults.push(fault);
  }

  /** Resolves when every write so far has been handed to the transport. */
  flushed(): Promise<void> {
    return this.#writer.flushed;
  }

  // --- internals --------------------------------------------------------------------------

  #digitCode(d: number): number {
    const code = this.protocol.digitCodes[d];
    if (code === undefined) throw new TypeError(`no code for digit ${d}`);
    return code;
  }

  #keyFrame(address: number, data: number[]): CallerFrame {
    return { address, func: this.protocol.keyFunc, data: Buffer.from(data) };
  }

  async #sendAll(frames: CallerFrame[]): Promise<boolean> {
    const results = await Promise.all(frames.map((f) => this.#send(f)));
    return results.every(Boolean);
  }

  #send(frame: CallerFrame): Promise<boolean> {
    encodeFrame(frame); // validates before anything is queued
    return new Promise((resolve) => {
      const queue = this.#outbox.get(frame.address) ?? [];
      this.#outbox.set(frame.address, queue);
      queue.push({ frame, attempts: 0, cancel: null, resolve });
      if (queue.length === 1) this.#transmit(frame.address);
    });
  }

  /** Sends the head of `address`'s queue and waits for its ACK. */
  #transmit(address: number): void {
    const head = this.#outbox.get(address)?.[0];
    if (!head) return;
    head.attempts += 1;
    this.#emitFrame(head.frame);
    head.cancel = this.#scheduler.schedule(this.#ackTimeoutMs, () => {
      head.cancel = null;
      if (head.attempts <= this.#maxResends) {
        this.#transmit(address);
        return;
      }
      this.gaveUp += 1;
      this.#finish(address, false);
    });
  }

  #finish(address: number, acked: boolean): void {
    const queue = this.#outbox.get(address);
    const head = queue?.shift();
    if (!queue || !head) return;
    head.cancel?.();
    head.resolve(acked);
    if (queue.length > 0) this.#transmit(address);
    else this.#outbox.delete(address);
  }

  readonly #onData = (chunk: Buffer): void => {
    for (const item of this.#decoder.push(chunk)) {
      if (!item.ok) continue; // a keypad ignores what it cannot read
      const frame = item.frame;
      logBounded(this.received, frame);
      if (this.#addresses && !this.#addresses.has(frame.address)) continue;
      const head = this.#outbox.get(frame.address)?.[0];
      if (head && sameFrame(frame, ackFor(head.frame, this.protocol))) {
        if (this.#takeDroppedAck(frame.address)) {
          this.acks.dropped += 1;
          continue;
        }
        this.acks.heard += 1;
        this.#finish(frame.address, true);
        continue;
      }
      this.#onHostFrame(frame);
    }
  };

  #onHostFrame(frame: CallerFrame): void {
    const input = interpretHostFrame(frame, this.protocol);
    switch (input.kind) {
      case 'lcd':
        this.#lcd.set(frame.address, input.text);
        return;
      case 'beep': {
        const list = this.#beeps.get(frame.address) ?? [];
        logBounded(list, this.#scheduler.now());
        this.#beeps.set(frame.address, list);
        return;
      }
      case 'stars':
        this.#stars.set(frame.address, input.level);
        return;
      case 'startRating':
        this.#ratingRequests.set(frame.address, this.ratingRequests(frame.address) + 1);
        return;
      case 'other':
        return; // a late ACK, or a command this model does not have
      default: {
        const unhandled: never = input;
        return unhandled;
      }
    }
  }

  #takeDroppedAck(address: number): boolean {
    const rule = this.#dropAcks.find((d) => d.address === undefined || d.address === address);
    if (!rule) return false;
    rule.count -= 1;
    if (rule.count <= 0) this.#dropAcks.splice(this.#dropAcks.indexOf(rule), 1);
    return true;
  }

  #takeFault(address: number): KeypadFault | undefined {
    const i = this.#faults.findIndex((f) => f.address === undefined || f.address === address);
    return i < 0 ? undefined : this.#faults.splice(i, 1)[0];
  }

  #emitFrame(frame: CallerFrame): void {
    logBounded(this.sent, frame);
    let bytes = encodeFrame(frame);
    const fault = this.#takeFault(frame.address);
    if (fault?.kind === 'bad-checksum') {
      bytes = Buffer.from(bytes);
      bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff;
    }
    if (fault?.kind === 'no-wake') bytes = bytes.subarray(1);
    const parts: Buffer[] = [];
    if (fault?.kind === 'garbage') parts.push(fault.bytes);
    if (this.garbage) parts.push(randomGarbage(this.garbage.random, this.garbage.maxBytes));
    parts.push(bytes);
    const out = Buffer.concat(parts);
    if (fault?.kind === 'split') {
      const cuts = [...new Set(fault.at.map((c) => c + out.length - bytes.length))].filter((c) => c > 0 && c < out.length).sort((a, b) => a - b);
      let from = 0;
      for (const c of [...cuts, out.length]) {
        this.#write(out.subarray(from, c));
        from = c;
      }
      return;
    }
    for (const chunk of splitRandomly(out, this.chunking)) this.#write(chunk);
  }

  #write(chunk: Buffer): void {
    this.#writer.write(chunk);
  }
}

