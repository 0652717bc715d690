import type { TimerSet } from '../../timer-set.ts';
import { encodeFrame } from '../codec/encode-frame.ts';
import type { CallerFrame } from '../codec/frame.ts';

/** What a queued frame is: ACKs jump the queue; a newer LCD for an address replaces a queued one. */
export type OutgoingKind = 'ack' | 'lcd' | 'command';

type Outgoing = { frame: CallerFrame; kind: OutgoingKind; resolve: (sent: boolean) => void };

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
    for (const item of items) item.resolve(false);
  }

  /** Queues a frame; resolves true once written, false when dropped. */
  enqueue(frame: CallerFrame, kind: OutgoingKind): Promise<boolean> {
    if (!this.#open) return Promise.resolve(false);
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
        this.opts.onSending?.(item.frame);
        try {
          await this.opts.write(encodeFrame(item.frame));
          this.written += 1;
          item.resolve(true);
        } catch (err) {
          item.resolve(false);
          this.opts.onWriteFailed?.(err);
        }
        if (this.opts.interFrameGapMs > 0) await this.opts.timers.sleep(this.opts.interFrameGapMs);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
