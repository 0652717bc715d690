import { ACK, ETX, FRAME_OVERHEAD, NAK, STX, type SimpleBarFrame, lengthFits, xorOf } from './simple-bar-frame.ts';

/**
 * What `push` finds in the byte stream:
 * - `frame`: a whole request frame with a good XOR (on the host side: our own echo);
 * - `bad-frame`: STX … ETX shaped right, but the XOR fails. A bar whose address is in it answers NAK;
 * - `ack` / `nak`: a bar's reply (only with `replies: true`).
 */
export type SimpleBarItem =
  | { type: 'frame'; frame: SimpleBarFrame }
  | { type: 'bad-frame'; address: number; cmd: number; length: number }
  | { type: 'ack'; address: number }
  | { type: 'nak'; address: number };

export interface SimpleBarDecoderOptions {
  /**
   * Also take the 2-byte replies `06 ADDR` / `15 ADDR`. The host's decoder does; a bar's does not
   * (a stray 0x06 in noise would otherwise swallow the STX after it). Default false.
   */
  replies?: boolean;
}

export interface SimpleBarDecoderStats {
  frames: number;
  badFrames: number;
  replies: number;
  /** Bytes skipped as noise (outside frames, false STX, corrupt frames). */
  droppedBytes: number;
}

/**
 * Streaming simple-bar deframer: feed chunks split anywhere, get whole items back.
 *
 * simple-bar has no byte stuffing (the hardware.md vector puts address 3, i.e. 0x03, right after
 * STX), so framing rests on LEN and is checked three ways: the CMD/LEN pair must be legal, the
 * byte at LEN + 5 must be ETX, and the XOR must match. Resync rules:
 * - an STX failing the CMD/LEN or ETX check is noise: skip one byte and search again;
 * - a frame failing the XOR is reported (`bad-frame`), then one byte is skipped as well, so a real
 *   frame starting inside it is still found;
 * - while a frame is incomplete, a whole valid frame starting later in the buffer wins: the first
 *   was a false STX (noise with a large LEN) or was cut short. So a bar never sits deaf waiting
 *   for 255 bytes of a frame that never comes: the host's retry is found inside.
 *
 * Holds at most one incomplete frame (≤ 260 bytes) between pushes. Pure: no timers, no I/O.
 */
export class SimpleBarDecoder {
  #buf: Buffer = Buffer.alloc(0);
  readonly #replies: boolean;
  readonly stats: SimpleBarDecoderStats = { frames: 0, badFrames: 0, replies: 0, droppedBytes: 0 };

  constructor(opts: SimpleBarDecoderOptions = {}) {
    this.#replies = opts.replies ?? false;
  }

  /** Bytes held, waiting for the rest of a frame or reply. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Drops what is held (the host does this before each request: nothing held belongs to the coming reply). */
  reset(): void {
    this.stats.droppedBytes += this.#buf.length;
    this.#buf = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): SimpleBarItem[] {
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.#buf.length > 0 ? Buffer.concat([this.#buf, input]) : input;
    const out: SimpleBarItem[] = [];
    let pos = 0;
    for (;;) {
      const at = this.#nextStart(buf, pos);
      if (at < 0) {
        this.stats.droppedBytes += buf.length - pos;
        pos = buf.length;
        break;
      }
      this.stats.droppedBytes += at - pos;
      pos = at;
      const b = buf[at]!;
      if (b === ACK || b === NAK) {
        if (buf.length - at < 2) break;
        out.push({ type: b === ACK ? 'ack' : 'nak', address: buf[at + 1]! });
        this.stats.replies += 1;
        pos = at + 2;
        continue;
      }
      // STX
      if (buf.length - at < 4) break;
      const cmd = buf[at + 2]!;
      const len = buf[at + 3]!;
      if (!lengthFits(cmd, len)) {
        this.#skip();
        pos = at + 1;
        continue;
      }
      const end = at + FRAME_OVERHEAD + len;
      if (end > buf.length) {
        const later = completeFrameAfter(buf, at + 1);
        if (later < 0) break;
        this.stats.droppedBytes += later - at;
        pos = later;
        continue;
      }
      if (buf[end - 1] !== ETX) {
        this.#skip();
        pos = at + 1;
        continue;
      }
      if (xorOf(buf, at + 1, end - 2) !== buf[end - 2]) {
        out.push({ type: 'bad-frame', address: buf[at + 1]!, cmd, length: end - at });
        this.stats.badFrames += 1;
        this.#skip();
        pos = at + 1;
        continue;
      }
      // Copy: the frame must not pin the caller's chunk.
      out.push({ type: 'frame', frame: { address: buf[at + 1]!, cmd, data: Buffer.from(buf.subarray(at + 4, end - 2)) } });
      this.stats.frames += 1;
      pos = end;
    }
    this.#buf = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return out;
  }

  #skip(): void {
    this.stats.droppedBytes += 1;
  }

  #nextStart(buf: Buffer, from: number): number {
    for (let i = from; i < buf.length; i++) {
      const b = buf[i]!;
      if (b === STX || (this.#replies && (b === ACK || b === NAK))) return i;
    }
    return -1;
  }
}

/** Where the first whole, valid frame at or after `from` starts, or -1. */
function completeFrameAfter(buf: Buffer, from: number): number {
  for (let at = buf.indexOf(STX, from); at >= 0 && buf.length - at >= FRAME_OVERHEAD; at = buf.indexOf(STX, at + 1)) {
    const cmd = buf[at + 2]!;
    const len = buf[at + 3]!;
    if (!lengthFits(cmd, len)) continue;
    const end = at + FRAME_OVERHEAD + len;
    if (end > buf.length || buf[end - 1] !== ETX) continue;
    if (xorOf(buf, at + 1, end - 2) === buf[end - 2]) return at;
  }
  return -1;
}
