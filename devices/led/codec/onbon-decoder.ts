import { FRAME_END, FRAME_START, unescapePhy1 } from './onbon-escape.ts';
import { type OnbonFrame, parsePhy1 } from './onbon-frame.ts';

/**
 * One result of `push`: a good frame, or a frame-shaped run of bytes that failed:
 * `escape` (A6/5B followed by something other than 01/02), `length` (DataLen does not match),
 * `check` (CRC or sum), `truncated` (a new A5 before the 5A), `too-long` (over maxFrameBytes).
 */
export type OnbonDecoded =
  | { ok: true; frame: OnbonFrame }
  | { ok: false; reason: 'escape' | 'length' | 'check' | 'truncated' | 'too-long'; length: number };

export interface OnbonDecoderOptions {
  /** Largest escaped PHY1 taken; longer runs are dropped. Default 64 KiB (a text area is far smaller). */
  maxFrameBytes?: number;
}

export interface OnbonDecoderStats {
  frames: number;
  badFrames: number;
  /** Bytes outside any frame (noise before an A5). */
  droppedBytes: number;
}

type State = 'hunting' | 'preamble' | 'frame';

/**
 * Streaming Onbon PHY0 deframer, as the vendor's manual describes the receiver: any A5 is a frame
 * start, the first non-A5 byte is the first data byte, 5A ends the frame. Because escaping keeps
 * A5 and 5A out of the frame body, resync is immediate: noise before an A5 is dropped, and an A5
 * inside a frame means that frame was cut (it is reported, and the new one starts). Pure.
 */
export class OnbonDecoder {
  #state: State = 'hunting';
  #body: number[] = [];
  readonly #maxFrameBytes: number;
  readonly stats: OnbonDecoderStats = { frames: 0, badFrames: 0, droppedBytes: 0 };

  constructor(opts: OnbonDecoderOptions = {}) {
    this.#maxFrameBytes = opts.maxFrameBytes ?? 64 * 1024;
    if (!Number.isInteger(this.#maxFrameBytes) || this.#maxFrameBytes < 16) throw new TypeError(`"maxFrameBytes" must be an integer ≥ 16, got ${this.#maxFrameBytes}`);
  }

  /** Escaped bytes held for the frame in progress. */
  get buffered(): number {
    return this.#body.length;
  }

  reset(): void {
    this.stats.droppedBytes += this.#body.length;
    this.#body = [];
    this.#state = 'hunting';
  }

  push(chunk: Uint8Array): OnbonDecoded[] {
    const out: OnbonDecoded[] = [];
    for (const b of chunk) {
      switch (this.#state) {
        case 'hunting':
          if (b === FRAME_START) this.#state = 'preamble';
          else this.stats.droppedBytes += 1;
          break;
        case 'preamble':
          if (b === FRAME_START) break;
          this.#state = 'frame';
          this.#body = [];
          this.#take(b, out);
          break;
        case 'frame':
          this.#take(b, out);
          break;
      }
    }
    return out;
  }

  #take(b: number, out: OnbonDecoded[]): void {
    if (b === FRAME_START) {
      this.#fail(out, 'truncated');
      this.#state = 'preamble';
      return;
    }
    if (b === FRAME_END) {
      out.push(this.#finish());
      this.#body = [];
      this.#state = 'hunting';
      return;
    }
    this.#body.push(b);
    if (this.#body.length > this.#maxFrameBytes) {
      this.#fail(out, 'too-long');
      this.#state = 'hunting';
    }
  }

  #fail(out: OnbonDecoded[], reason: 'truncated' | 'too-long'): void {
    out.push({ ok: false, reason, length: this.#body.length });
    this.stats.badFrames += 1;
    this.#body = [];
  }

  #finish(): OnbonDecoded {
    const length = this.#body.length;
    const phy1 = unescapePhy1(Uint8Array.from(this.#body));
    if (!phy1) {
      this.stats.badFrames += 1;
      return { ok: false, reason: 'escape', length };
    }
    const parsed = parsePhy1(phy1);
    if (!parsed.ok) {
      this.stats.badFrames += 1;
      return { ok: false, reason: parsed.reason, length };
    }
    this.stats.frames += 1;
    return parsed;
  }
}
