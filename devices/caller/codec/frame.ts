/**
 * The `FF 68 … 16` frame of RS-485 caller keypads and evaluators (hardware.md §4.3, one vendor's
 * protocol found in a public C# queue system; 9600 8N1):
 *
 *   FF | 68 | L | L | 68 | ADDR | FUNC | DATA… | CS | 16
 *
 * L counts ADDR, FUNC and DATA (so L ≥ 2; the frame is L + 7 bytes). CS = (ADDR + FUNC + ΣDATA)
 * mod 256. The leading FF is a wake byte: always sent, but not required when decoding.
 */

export const WAKE = 0xff;
export const START = 0x68;
export const END = 0x16;
/** FF 68 L L 68 before ADDR, CS 16 after DATA. */
export const OVERHEAD = 7;
/** ADDR + FUNC. */
export const MIN_LENGTH = 2;
/** The largest L the decoder takes by default: the longest known frame (the LCD) has L = 8. */
export const DEFAULT_MAX_LENGTH = 32;

/** One frame, either direction. `address` is the keypad's (or evaluator's) bus address. */
export interface CallerFrame {
  address: number;
  func: number;
  data: Buffer;
}

/** (ADDR + FUNC + ΣDATA) mod 256 over `bytes[start..end)`. */
export function sumChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += bytes[i]!;
  return s & 0xff;
}

export function assertByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new TypeError(`"${name}" must be a byte (0..255), got ${value}`);
}

/** Two frames are the same bytes on the wire. */
export function sameFrame(a: CallerFrame, b: CallerFrame): boolean {
  return a.address === b.address && a.func === b.func && a.data.equals(b.data);
}

/** `01:0c/0b` style key for maps and logs. */
export function frameKey(f: CallerFrame): string {
  return `${hexByte(f.address)}:${hexByte(f.func)}/${f.data.toString('hex')}`;
}

export function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}
