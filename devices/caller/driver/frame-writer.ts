import type { TimerSet } from '../../timer-set.ts';
import { encodeFrame } from '../codec/encode-frame.ts';
import type { CallerFrame } from '../codec/frame.ts';

/**
 * What a queued frame is: ACKs jump the queue; a newer LCD for an address replaces a queued one; a
 * beep for an address that already has one queued is that beep (two would sound as one anyway).
 */
export type OutgoingKind = 'ack' | 'lcd' | 'beep' | 'command';

type Outgoing = { frame: CallerFrame; kind: OutgoingKind; at: number; resolve: (sent: boolean) => void; joined?: ((sent: boolean) => void)[] };

export interface FrameWriterOptions {
  /** Writes encoded bytes (the bus's link). */
  write: (bytes: Buffer) => Promise<void>;
  timers: TimerSet;
  /** Quiet time after each frame (RS-485 turnaround). */
  interFrameGapMs: number;
  /** Called just before a frame goes out (for telling our own echo from a keypad). */
  onSending?: (frame: CallerFrame) => void;
  /** Called when a write fails. */
  onWriteFailed?: (err: unknown) => void;
  /** The clock queued frames are aged by (default Date.now). */
  now?: () => number;
  /**
   * A beep or command still queued after this long is dropped (resolves false): "be ready" or "rate
   * now" long after its moment is noise, and a bus that cannot keep up must not queue without end.
   * At 9600 baud a frame takes a few ms; a real hall never comes near it. Default 30 s.
   */
  staleAfterMs?: number;
}

/**
 * The RS-485 write queue of the caller bus: one frame at a time, a gap after each, ACKs first.
 * Closed while the link is down: frames given then are dropped (resolve false), not saved.
 */
export class FrameWriter {
  #queue: Outgoing[] = [];
  #pumping = false;
  #open = false;
  /** Frames written. */
  written = 0;
  /** Beeps and commands dropped because they waited past `staleAfterMs`. */
  dropped = 0;

  constructor(private readonly opts: FrameWriterOptions) {}

  get isOpen(): boolean {
    return this.#open;
  }

  /** The link is up: frames may go out. */
  open(): void {
    this.#open = true;
  }

  /** The link is down or the bus stopped: what is queued resolves false. */
  close(): void {
    this.#open = false;
    const items = this.#queue;
    this.#queue = [];
    for (const item of items) settle(item, false);
  }

  #now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** Queues a frame; resolves true once written, false when dropped. */
  enqueue(frame: CallerFrame, kind: OutgoingKind): Promise<boolean> {
    if (!this.#open) return Promise.resolve(false);
    return new Promise((resolve) => {
      const item: Outgoing = { frame, kind, at: this.#now(), resolve };
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
      } else if (kind === 'beep') {
        const queued = this.#queue.find((q) => q.kind === 'beep' && q.frame.address === frame.address);
        if (queued) (queued.joined ??= []).push(resolve);
        else this.#queue.push(item);
      } else this.#queue.push(item);
      void this.#pump();
    });
  }

  /** Resolves when nothing is queued or being written. */
  async flushed(): Promise<void> {
    while (this.#queue.length > 0 || this.#pumping) await new Promise<void>((r) => setImmediate(r));
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#open) {
        const item = this.#queue.shift();
        if (!item) break;
        if ((item.kind === 'beep' || item.kind === 'command') && this.#now() - item.at > (this.opts.staleAfterMs ?? 30_000)) {
          this.dropped += 1;
          settle(item, false);
          continue;
        }
        this.opts.onSending?.(item.frame);
        try {
          await this.opts.write(encodeFrame(item.frame));
          this.written += 1;
          settle(item, true);
        } catch (err) {
          settle(item, false);
          this.opts.onWriteFailed?.(err);
        }
        if (this.opts.interFrameGapMs > 0) await this.opts.timers.sleep(this.opts.interFrameGapMs);
      }
    } finally {
      this.#pumping = false;
    }
  }
}

function settle(item: Outgoing, sent: boolean): void {
  item.resolve(sent);
  for (const r of item.joined ?? []) r(sent);
}
