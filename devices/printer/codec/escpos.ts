/**
 * ESC/POS command bytes used by the ticket layout, the status queries and the simulator.
 * Names follow the Epson ESC/POS reference (ESC = 1B, FS = 1C, GS = 1D, DLE = 10).
 */
export const ESC = 0x1b;
export const FS = 0x1c;
export const GS = 0x1d;
export const DLE = 0x10;
export const LF = 0x0a;

/** ESC @: clear the buffer and reset print modes. */
export const INIT = Buffer.from([ESC, 0x40]);
/** FS &: enter Chinese (Hanzi) mode; multi-byte GB18030/GBK text follows. */
export const HANZI_ON = Buffer.from([FS, 0x26]);
/** FS .: leave Chinese mode. */
export const HANZI_OFF = Buffer.from([FS, 0x2e]);

export function align(where: 'left' | 'center' | 'right'): Buffer {
  return Buffer.from([ESC, 0x61, where === 'left' ? 0 : where === 'center' ? 1 : 2]);
}

export function bold(on: boolean): Buffer {
  return Buffer.from([ESC, 0x45, on ? 1 : 0]);
}

/** GS ! n: character size, magnification 1..8 each way. High nibble = width, low nibble = height (Epson). */
export function charSize(width: number, height = width): Buffer {
  const w = clampMagnification(width);
  const h = clampMagnification(height);
  return Buffer.from([GS, 0x21, ((w - 1) << 4) | (h - 1)]);
}

function clampMagnification(n: number): number {
  return Math.max(1, Math.min(8, Math.trunc(n)));
}

/** ESC d n: print and feed n lines. */
export function feedLines(n: number): Buffer {
  return Buffer.from([ESC, 0x64, Math.max(0, Math.min(255, n))]);
}

/**
 * GS ( k store frame for a QR code (cn 49, fn 80, m 48): pL pH count the 3 bytes `31 50 30` plus the data.
 * Built from bytes, so it is right for any payload (node-thermal-printer's printQR counts UTF-16 units instead).
 */
export function qrStoreFrame(data: Buffer): Buffer {
  const n = data.length + 3;
  return Buffer.concat([Buffer.from([GS, 0x28, 0x6b, n & 0xff, (n >> 8) & 0xff, 0x31, 0x50, 0x30]), data]);
}

/** Real-time status: DLE EOT n (1 printer, 2 offline cause, 3 error cause, 4 roll paper sensor). */
export function dleEot(n: 1 | 2 | 3 | 4): Buffer {
  return Buffer.from([DLE, 0x04, n]);
}

/** GS r 1: transmit paper sensor status (not real-time: queued behind print data). */
export const GS_R_PAPER = Buffer.from([GS, 0x72, 0x01]);
