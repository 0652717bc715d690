import { DEFAULT_MAX_LENGTH, HEADER_SIZE, PREAMBLE, type RequestFrame, type ResponseFrame, xorChecksum } from './frame.ts';

/** One result of `push`: a good frame, or a frame-shaped run of bytes whose checksum failed. */
export type Decoded<F> = { ok: true; frame: F } | { ok: false; reason: 'checksum'; length: number };

export interface FrameDecoderOptions {
  /** Smallest LEN taken for a frame (CHK included). A preamble with a smaller LEN is garbage. */
  minLength?: number;
  /** Largest LEN taken for a frame; bounds the bytes held while waiting. Default 0x1000. */
  maxLength?: number;
}

export interface FrameDecoderStats {
  frames: number;
  badChecksums: number;
  /** Bytes skipped while searching for a preamble (garbage, false preambles, corrupt frames). */
  droppedBytes: number;
}

/**
 * Streaming AA AA AA 96 69 deframer: feed chunks split anywhere, get whole frames back.
 *
 * - Searches for the preamble and drops what comes before it.
 * - A preamble whose LEN is out of range, or a frame whose CHK fails, is treated as garbage:
 *   one byte is skipped and the search starts again, so a real frame hidden inside is still found.
 * - While a frame is incomplete, a complete checksum-valid frame starting inside it wins: the
 *   first was truncated (a reply cut off by a timeout, a false preamble in noise). A valid frame
 *   inside real card data would need the 5-byte preamble, a plausible LEN and a matching CHK by
 *   chance (about 2^-48 per byte position), so real frames are not cut.
 * - Between pushes it holds at most one incomplete frame (`7 + maxLength - 1` bytes), so no input,
 *   however long or hostile, grows memory beyond that.
 *
 * Pure: no timers, no I/O. A host that only hears replies to its own commands can also call
 * `reset()` before each command: nothing buffered then belongs to the coming reply.
 */
export class FrameDecoder<F> {
  #buf: Buffer = Buffer.alloc(0);
  readonly #minLength: number;
  readonly #maxLength: number;
  readonly stats: FrameDecoderStats = { frames: 0, badChecksums: 0, droppedBytes: 0 };

  constructor(
    private readonly shape: (body: Buffer) => F,
    opts: FrameDecoderOptions = {},
  ) {
    this.#minLength = opts.minLength ?? 2;
    this.#maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
    if (!Number.isInteger(this.#minLength) || this.#minLength < 1) throw new TypeError(`"minLength" must be ≥ 1, got ${this.#minLength}`);
    if (!Number.isInteger(this.#maxLength) || this.#maxLength < this.#minLength || this.#maxLength > 0xffff) {
      throw new TypeError(`"maxLength" must be between minLength and 0xFFFF, got ${this.#maxLength}`);
    }
  }

  /** Bytes held now, waiting for the rest of a frame. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** The most bytes ever held between pushes. */
  get maxBuffered(): number {
    return HEADER_SIZE + this.#maxLength - 1;
  }

  /** Drops whatever is held (after a timeout, or when the link is reopened). */
  reset(): void {
    this.stats.droppedBytes += this.#buf.length;
    this.#buf = Buffer.alloc(0);
  }

  #checksumOk(buf: Buffer, start: number, end: number): boolean {
    return xorChecksum(buf, start + 5, end - 1) === buf[end - 1];
  }

  /**
   * Where the first complete, checksum-valid frame at or after `from` starts, or -1. Prefix XORs
   * make each candidate O(1), so a run of false preambles costs one pass per push.
   */
  #completeFrameAfter(buf: Buffer, from: number): number {
    let prefix: Uint8Array | null = null;
    for (let at = buf.indexOf(PREAMBLE, from); at >= 0; at = buf.indexOf(PREAMBLE, at + 1)) {
      if (buf.length - at < HEADER_SIZE) return -1;
      const len = buf.readUInt16BE(at + 5);
      if (len < this.#minLength || len > this.#maxLength) continue;
      const end = at + HEADER_SIZE + len;
      if (end > buf.length) continue;
      prefix ??= prefixXor(buf, from);
      // XOR of buf[at+5 .. end-1) = prefix[end-1-from] ^ prefix[at+5-from]
      if ((prefix[end - 1 - from]! ^ prefix[at + 5 - from]!) === buf[end - 1]) return at;
    }
    return -1;
  }

  push(chunk: Uint8Array): Decoded<F>[] {
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.#buf.length > 0 ? Buffer.concat([this.#buf, input]) : input;
    const out: Decoded<F>[] = [];
    let pos = 0;
    for (;;) {
      const at = buf.indexOf(PREAMBLE, pos);
      if (at < 0) {
        const keep = partialPreambleAtEnd(buf, pos);
        this.stats.droppedBytes += buf.length - pos - keep;
        pos = buf.length - keep;
        break;
      }
      this.stats.droppedBytes += at - pos;
      pos = at;
      if (buf.length - pos < HEADER_SIZE) break;
      const len = buf.readUInt16BE(pos + 5);
      if (len < this.#minLength || len > this.#maxLength) {
        pos += 1;
        this.stats.droppedBytes += 1;
        continue;
      }
      const end = pos + HEADER_SIZE + len;
      if (buf.length < end) {
        // Still waiting. If a whole, valid frame already sits further on, the frame we wait for
        // was truncated (or was a false preamble): give it up and take the later one.
        const later = this.#completeFrameAfter(buf, pos + 1);
        if (later < 0) break;
        this.stats.droppedBytes += later - pos;
        pos = later;
        continue;
      }
      if (!this.#checksumOk(buf, pos, end)) {
        out.push({ ok: false, reason: 'checksum', length: end - pos });
        this.stats.badChecksums += 1;
        pos += 1;
        this.stats.droppedBytes += 1;
        continue;
      }
      // Copy: the frame must not pin the caller's (possibly large) chunk.
      out.push({ ok: true, frame: this.shape(Buffer.from(buf.subarray(pos + HEADER_SIZE, end - 1))) });
      this.stats.frames += 1;
      pos = end;
    }
    this.#buf = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return out;
  }
}

/** p[i] = XOR of buf[from .. from+i). */
function prefixXor(buf: Buffer, from: number): Uint8Array {
  const p = new Uint8Array(buf.length - from + 1);
  for (let i = from; i < buf.length; i++) p[i - from + 1] = p[i - from]! ^ buf[i]!;
  return p;
}

/** How many bytes at the end of `buf[from..]` could be the start of a preamble (0..4). */
function partialPreambleAtEnd(buf: Buffer, from: number): number {
  for (let k = Math.min(PREAMBLE.length - 1, buf.length - from); k > 0; k--) {
    if (buf.subarray(buf.length - k).equals(PREAMBLE.subarray(0, k))) return k;
  }
  return 0;
}

function toResponse(body: Buffer): ResponseFrame {
  return { sw1: body[0]!, sw2: body[1]!, sw3: body[2]!, data: body.subarray(3) };
}

function toRequest(body: Buffer): RequestFrame {
  return { cmd: body[0]!, para: body[1]!, data: body.subarray(2) };
}

/** Host side: replies from the reader (LEN ≥ 4: SW1 SW2 SW3 CHK). */
export class ResponseDecoder extends FrameDecoder<ResponseFrame> {
  constructor(opts: Omit<FrameDecoderOptions, 'minLength'> = {}) {
    super(toResponse, { ...opts, minLength: 4 });
  }
}

/**
 * Device side (the simulator): commands from the host (LEN ≥ 3: CMD PARA CHK). The two-byte
 * sleep/wake frames of some Bluetooth readers (`00 02 00 02`) are not taken.
 */
export class RequestDecoder extends FrameDecoder<RequestFrame> {
  constructor(opts: Omit<FrameDecoderOptions, 'minLength'> = {}) {
    super(toRequest, { ...opts, minLength: 3 });
  }
}
