/**
 * Streaming ESC/POS tokenizer: bytes in (split anywhere), commands out. It knows the length of every command
 * the ticket and common drivers send; an unknown ESC/GS/FS command is skipped as two bytes, an unknown control
 * byte as one, so garbage never stops it. Image data is counted and skipped, not buffered.
 */

export type Align = 'left' | 'center' | 'right';

export type EscPosOp =
  | { op: 'text'; bytes: Buffer }
  | { op: 'lf' }
  | { op: 'init' }
  | { op: 'align'; align: Align }
  | { op: 'bold'; on: boolean }
  | { op: 'underline'; on: boolean }
  | { op: 'printMode'; n: number }
  | { op: 'size'; width: number; height: number }
  | { op: 'hanzi'; on: boolean }
  | { op: 'intlCharset'; n: number }
  | { op: 'codePage'; n: number }
  | { op: 'feed'; lines: number }
  | { op: 'qrSetting'; fn: 'model' | 'cellSize' | 'ecc'; value: number }
  | { op: 'symbolStore'; symbol: 'qr' | 'pdf417'; data: Buffer }
  | { op: 'symbolPrint'; symbol: 'qr' | 'pdf417' }
  | { op: 'barcodeSetting'; fn: 'height' | 'width' | 'hriPosition' | 'hriFont'; value: number }
  | { op: 'barcode'; system: number; data: Buffer }
  | { op: 'image'; widthDots: number; heightDots: number }
  | { op: 'cut'; partial: boolean }
  | { op: 'status'; query: 'dle-eot' | 'gs-r'; n: number }
  | { op: 'skip'; bytes: Buffer };

/** Parse result at one offset: a command and its length, or `more` when the buffer ends inside it. */
type Step = { op: EscPosOp | null; len: number; skipAfter?: number } | 'more';

const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;
const DLE = 0x10;

/** Commands whose length is fixed: total bytes including the prefix. */
const ESC_FIXED: Record<number, number> = {
  0x20: 3, 0x21: 3, 0x25: 3, 0x2d: 3, 0x32: 2, 0x33: 3, 0x3d: 3, 0x3f: 3, 0x40: 2, 0x42: 4, 0x45: 3, 0x47: 3,
  0x4a: 3, 0x4c: 2, 0x4d: 3, 0x52: 3, 0x53: 2, 0x54: 3, 0x55: 3, 0x56: 3, 0x57: 10, 0x24: 4, 0x5c: 4, 0x61: 3,
  0x63: 4, 0x64: 3, 0x69: 2, 0x6d: 2, 0x70: 5, 0x72: 3, 0x74: 3, 0x7b: 3,
};
const FS_FIXED: Record<number, number> = { 0x21: 3, 0x26: 2, 0x2d: 3, 0x2e: 2, 0x43: 3, 0x53: 4, 0x57: 3, 0x70: 4 };
const GS_FIXED: Record<number, number> = {
  0x21: 3, 0x24: 4, 0x2f: 3, 0x3a: 2, 0x42: 3, 0x48: 3, 0x49: 3, 0x4c: 4, 0x50: 4, 0x57: 4, 0x5c: 4, 0x61: 3,
  0x62: 3, 0x66: 3, 0x68: 3, 0x72: 3, 0x77: 3,
};

const ALIGNS: Align[] = ['left', 'center', 'right'];

export class EscPosTokenizer {
  #pending: Buffer = Buffer.alloc(0);
  #skipRemaining = 0;

  /** Feeds bytes; returns the complete commands they finish. */
  push(chunk: Buffer): EscPosOp[] {
    const ops: EscPosOp[] = [];
    const buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    let i = 0;
    while (i < buf.length) {
      if (this.#skipRemaining > 0) {
        const n = Math.min(this.#skipRemaining, buf.length - i);
        this.#skipRemaining -= n;
        i += n;
        continue;
      }
      const step = parseAt(buf, i);
      if (step === 'more') break;
      if (step.op) ops.push(step.op);
      i += step.len;
      this.#skipRemaining = step.skipAfter ?? 0;
    }
    this.#pending = Buffer.from(buf.subarray(i));
    return ops;
  }

  /** Bytes held back because they end inside a command. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  reset(): void {
    this.#pending = Buffer.alloc(0);
    this.#skipRemaining = 0;
  }
}

function parseAt(buf: Buffer, i: number): Step {
  const b = buf[i]!;
  if (b >= 0x20) {
    let j = i;
    while (j < buf.length && buf[j]! >= 0x20) j++;
    return { op: { op: 'text', bytes: Buffer.from(buf.subarray(i, j)) }, len: j - i };
  }
  switch (b) {
    case 0x0a:
      return { op: { op: 'lf' }, len: 1 };
    case 0x09:
      return { op: { op: 'text', bytes: Buffer.from(' ') }, len: 1 };
    case ESC:
      return parseEsc(buf, i);
    case FS:
      return parseFs(buf, i);
    case GS:
      return parseGs(buf, i);
    case DLE:
      return parseDle(buf, i);
    default: // CR, FF, NUL and other controls: nothing to show
      return { op: null, len: 1 };
  }
}

const need = (buf: Buffer, i: number, n: number): boolean => buf.length - i < n;
const u16 = (buf: Buffer, at: number): number => buf[at]! | (buf[at + 1]! << 8);

function skip(buf: Buffer, i: number, len: number): Step {
  return { op: { op: 'skip', bytes: Buffer.from(buf.subarray(i, i + len)) }, len };
}

function parseEsc(buf: Buffer, i: number): Step {
  if (need(buf, i, 2)) return 'more';
  const c = buf[i + 1]!;
  if (c === 0x2a) {
    // ESC * m nL nH d1..dk: bit image, k = n (8-dot modes) or 3n (24-dot modes)
    if (need(buf, i, 5)) return 'more';
    const m = buf[i + 2]!;
    const n = u16(buf, i + 3);
    const data = m >= 32 ? 3 * n : n;
    return { op: { op: 'image', widthDots: n, heightDots: m >= 32 ? 24 : 8 }, len: 5, skipAfter: data };
  }
  if (c === 0x44) {
    // ESC D n1..nk NUL: tab positions
    const end = buf.indexOf(0, i + 2);
    if (end < 0) return buf.length - i > 34 ? skip(buf, i, 2) : 'more';
    return skip(buf, i, end + 1 - i);
  }
  const len = ESC_FIXED[c];
  if (len === undefined) return skip(buf, i, 2);
  if (need(buf, i, len)) return 'more';
  const n = buf[i + 2] ?? 0;
  switch (c) {
    case 0x40:
      return { op: { op: 'init' }, len };
    case 0x61:
      return { op: { op: 'align', align: ALIGNS[n % 48] ?? 'left' }, len };
    case 0x45:
    case 0x47:
      return { op: { op: 'bold', on: (n & 1) === 1 }, len };
    case 0x2d:
      return { op: { op: 'underline', on: n % 48 !== 0 }, len };
    case 0x21:
      return { op: { op: 'printMode', n }, len };
    case 0x52:
      return { op: { op: 'intlCharset', n }, len };
    case 0x74:
      return { op: { op: 'codePage', n }, len };
    case 0x64:
      return { op: { op: 'feed', lines: n }, len };
    case 0x69:
      return { op: { op: 'cut', partial: false }, len };
    case 0x6d:
      return { op: { op: 'cut', partial: true }, len };
    default:
      return skip(buf, i, len);
  }
}

function parseFs(buf: Buffer, i: number): Step {
  if (need(buf, i, 2)) return 'more';
  const c = buf[i + 1]!;
  if (c === 0x28) {
    // FS ( fn pL pH data
    if (need(buf, i, 5)) return 'more';
    const len = 5 + u16(buf, i + 3);
    return need(buf, i, len) ? 'more' : skip(buf, i, len);
  }
  const len = FS_FIXED[c];
  if (len === undefined) return skip(buf, i, 2);
  if (need(buf, i, len)) return 'more';
  if (c === 0x26) return { op: { op: 'hanzi', on: true }, len };
  if (c === 0x2e) return { op: { op: 'hanzi', on: false }, len };
  return skip(buf, i, len);
}

function parseGs(buf: Buffer, i: number): Step {
  if (need(buf, i, 2)) return 'more';
  const c = buf[i + 1]!;
  switch (c) {
    case 0x28:
      return parseGsParen(buf, i);
    case 0x56: {
      // GS V m [n]
      if (need(buf, i, 3)) return 'more';
      const m = buf[i + 2]!;
      const len = m === 0 || m === 1 || m === 48 || m === 49 ? 3 : 4;
      if (need(buf, i, len)) return 'more';
      return { op: { op: 'cut', partial: m % 2 === 1 }, len };
    }
    case 0x6b:
      return parseBarcode(buf, i);
    case 0x76: {
      // GS v 0 m xL xH yL yH d1..dk, k = (xL + xH*256) * (yL + yH*256); x counts bytes
      if (need(buf, i, 8)) return 'more';
      const x = u16(buf, i + 4);
      const y = u16(buf, i + 6);
      return { op: { op: 'image', widthDots: x * 8, heightDots: y }, len: 8, skipAfter: x * y };
    }
    case 0x38: {
      // GS 8 L p1 p2 p3 p4 m fn ...: 32-bit length of what follows p4
      if (need(buf, i, 7)) return 'more';
      const n = buf.readUInt32LE(i + 3);
      return { op: { op: 'skip', bytes: Buffer.from(buf.subarray(i, i + 7)) }, len: 7, skipAfter: n };
    }
    case 0x2a: {
      // GS * x y d1..d(x*y*8): define downloaded bit image
      if (need(buf, i, 4)) return 'more';
      return { op: { op: 'skip', bytes: Buffer.from(buf.subarray(i, i + 4)) }, len: 4, skipAfter: buf[i + 2]! * buf[i + 3]! * 8 };
    }
  }
  const len = GS_FIXED[c];
  if (len === undefined) return skip(buf, i, 2);
  if (need(buf, i, len)) return 'more';
  const n = buf[i + 2]!;
  switch (c) {
    case 0x21:
      return { op: { op: 'size', width: (n >> 4) + 1, height: (n & 0x0f) + 1 }, len };
    case 0x72:
      return { op: { op: 'status', query: 'gs-r', n }, len };
    case 0x68:
      return { op: { op: 'barcodeSetting', fn: 'height', value: n }, len };
    case 0x77:
      return { op: { op: 'barcodeSetting', fn: 'width', value: n }, len };
    case 0x48:
      return { op: { op: 'barcodeSetting', fn: 'hriPosition', value: n % 48 }, len };
    case 0x66:
      return { op: { op: 'barcodeSetting', fn: 'hriFont', value: n % 48 }, len };
    default:
      return skip(buf, i, len);
  }
}

/** GS ( X pL pH d1..dk. For X = k (2-D symbols): cn 49 = QR, cn 48 = PDF417. */
function parseGsParen(buf: Buffer, i: number): Step {
  if (need(buf, i, 5)) return 'more';
  const len = 5 + u16(buf, i + 3);
  if (need(buf, i, len)) return 'more';
  if (buf[i + 2] !== 0x6b || len < 7) return skip(buf, i, len);
  const cn = buf[i + 5]!;
  const fn = buf[i + 6]!;
  const symbol = cn === 0x31 ? 'qr' : cn === 0x30 ? 'pdf417' : null;
  if (!symbol) return skip(buf, i, len);
  if (fn === 0x50 && len >= 8) return { op: { op: 'symbolStore', symbol, data: Buffer.from(buf.subarray(i + 8, i + len)) }, len };
  if (fn === 0x51) return { op: { op: 'symbolPrint', symbol }, len };
  if (symbol === 'qr' && len >= 8) {
    const value = buf[i + 7]!;
    if (fn === 0x41) return { op: { op: 'qrSetting', fn: 'model', value }, len };
    if (fn === 0x43) return { op: { op: 'qrSetting', fn: 'cellSize', value }, len };
    if (fn === 0x45) return { op: { op: 'qrSetting', fn: 'ecc', value }, len };
  }
  return skip(buf, i, len);
}

/** GS k m d1..dk NUL (m 0..6) or GS k m n d1..dn (m 65..79). */
function parseBarcode(buf: Buffer, i: number): Step {
  if (need(buf, i, 3)) return 'more';
  const m = buf[i + 2]!;
  if (m <= 6) {
    const end = buf.indexOf(0, i + 3);
    if (end < 0) return buf.length - i > 258 ? skip(buf, i, 3) : 'more';
    return { op: { op: 'barcode', system: m, data: Buffer.from(buf.subarray(i + 3, end)) }, len: end + 1 - i };
  }
  if (need(buf, i, 4)) return 'more';
  const len = 4 + buf[i + 3]!;
  if (need(buf, i, len)) return 'more';
  return { op: { op: 'barcode', system: m, data: Buffer.from(buf.subarray(i + 4, i + len)) }, len };
}

function parseDle(buf: Buffer, i: number): Step {
  if (need(buf, i, 2)) return 'more';
  const c = buf[i + 1]!;
  if (c === 0x04 || c === 0x05) {
    if (need(buf, i, 3)) return 'more';
    if (c === 0x05) return skip(buf, i, 3);
    return { op: { op: 'status', query: 'dle-eot', n: buf[i + 2]! }, len: 3 };
  }
  if (c === 0x14) return need(buf, i, 5) ? 'more' : skip(buf, i, 5);
  return skip(buf, i, 1);
}
