import { type CallerFrame, DEFAULT_MAX_LENGTH, END, MIN_LENGTH, START, WAKE, sumChecksum } from './frame.ts';

/**
 * One result of `push`: a good frame, or a frame-shaped run of bytes whose checksum or end byte
 * failed. `raw` is the frame from its first 68 to its 16 (the wake FF is not included).
 */
export type Decoded = { ok: true; frame: CallerFrame; raw: Buffer } | { ok: false; reason: 'checksum' | 'end-byte'; raw: Buffer };

export interface FrameDecoderOptions {
  /** Largest L taken for a frame; bounds the bytes held while waiting. Default 32. */
  maxLength?: number;
}

export interface FrameDecoderStats {
  frames: number;
  badFrames: number;
  /** Bytes skipped while searching for a header (garbage, false headers, corrupt frames; not wake bytes). */
  droppedBytes: number;
}

type Header = 'yes' | 'no' | 'partial';

/**
 * Streaming `FF 68 L L 68 … CS 16` deframer for either end of the bus: feed chunks split
 * anywhere, get whole frames back.
 *
 * - Synchronises on `68 L L 68` with both L equal and in range; the wake FF is optional, so a
 *   keypad that leaves it out (or sends several) still decodes.
 * - A header whose frame fails its CS or end byte is garbage: one byte is skipped and the search
 *   starts again, so a real frame that begins inside it is still found.
 * - While a frame is incomplete, a complete valid frame that starts inside it wins: the first
 *   one was cut off (a collision, a keypad reset mid-frame) or was a false header in noise.
 * - Between pushes it holds at most one incomplete frame (`maxLength + 6` bytes).
 *
 * Pure: no timers, no I/O.
 */
export class FrameDecoder {
  #buf: Buffer = Buffer.alloc(0);
  readonly #maxLength: number;
  readonly stats: FrameDecoderStats = { frames: 0, badFrames: 0, droppedBytes: 0 };

  constructor(opts: FrameDecoderOptions = {}) {
    this.#maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
    if (!Number.isInteger(this.#maxLength) || this.#maxLength < MIN_LENGTH || this.#maxLength > 0xff) {
      throw new TypeError(`"maxLength" must be between ${MIN_LENGTH} and 255, got ${this.#maxLength}`);
    }
  }

  /** Bytes held now, waiting for the rest of a frame. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** The most bytes ever held between pushes. */
  get maxBuffered(): number {
    return this.#maxLength + 6;
  }

  /** Drops whatever is held (when the link is reopened). */
  reset(): void {
    this.stats.droppedBytes += this.#buf.length;
    this.#buf = Buffer.alloc(0);
  }

  #headerAt(buf: Buffer, i: number): Header {
    const n = buf.length - i;
    if (n >= 2 && (buf[i + 1]! < MIN_LENGTH || buf[i + 1]! > this.#maxLength)) return 'no';
    if (n >= 3 && buf[i + 2] !== buf[i + 1]) return 'no';
    if (n >= 4) return buf[i + 3] === START ? 'yes' : 'no';
    return 'partial';
  }

  /** Where the frame whose header is at `at` ends (one past its 16). */
  #endOf(buf: Buffer, at: number): number {
    return at + 4 + buf[at + 1]! + 2;
  }

  #check(buf: Buffer, at: number, end: number): 'ok' | 'checksum' | 'end-byte' {
    if (buf[end - 1] !== END) return 'end-byte';
    return sumChecksum(buf, at + 4, end - 2) === buf[end - 2] ? 'ok' : 'checksum';
  }

  /** Where the first complete, valid frame at or after `from` starts, or -1. */
  #completeFrameAfter(buf: Buffer, from: number): number {
    for (let i = buf.indexOf(START, from); i >= 0; i = buf.indexOf(START, i + 1)) {
      if (this.#headerAt(buf, i) !== 'yes') continue;
      const end = this.#endOf(buf, i);
      if (end <= buf.length && this.#check(buf, i, end) === 'ok') return i;
    }
    return -1;
  }

  #drop(buf: Buffer, from: number, to: number): void {
    // A wake byte right before a header is part of the frame, not garbage.
    const wake = to > from && buf[to - 1] === WAKE && to < buf.length && buf[to] === START ? 1 : 0;
    this.stats.droppedBytes += to - from - wake;
  }

  push(chunk: Uint8Array): Decoded[] {
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.#buf.length > 0 ? Buffer.concat([this.#buf, input]) : input;
    const out: Decoded[] = [];
    let pos = 0;
    for (;;) {
      let at = -1;
      let partial = -1;
      for (let i = buf.indexOf(START, pos); i >= 0; i = buf.indexOf(START, i + 1)) {
        const h = this.#headerAt(buf, i);
        if (h === 'yes') at = i;
        else if (h === 'partial') partial = i;
        if (h !== 'no') break;
      }
      if (at < 0) {
        let keep = partial >= 0 ? partial : buf.length;
        // Keep a wake byte that may start the next frame.
        if (keep > pos && buf[keep - 1] === WAKE) keep -= 1;
        this.stats.droppedBytes += keep - pos;
        pos = keep;
        break;
      }
      this.#drop(buf, pos, at);
      pos = at;
      const end = this.#endOf(buf, at);
      if (buf.length < end) {
        const later = this.#completeFrameAfter(buf, at + 1);
        if (later < 0) break;
        this.stats.droppedBytes += later - at;
        pos = later;
        continue;
      }
      const raw = Buffer.from(buf.subarray(at, end));
      const verdict = this.#check(buf, at, end);
      if (verdict !== 'ok') {
        out.push({ ok: false, reason: verdict, raw });
        this.stats.badFrames += 1;
        this.stats.droppedBytes += 1;
        pos = at + 1;
        continue;
      }
      // Copies: a frame must not pin the caller's chunk.
      out.push({ ok: true, frame: { address: buf[at + 4]!, func: buf[at + 5]!, data: Buffer.from(buf.subarray(at + 6, end - 2)) }, raw });
      this.stats.frames += 1;
      pos = end;
    }
    this.#buf = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return out;
  }
}
