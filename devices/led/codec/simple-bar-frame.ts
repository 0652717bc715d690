/**
 * `simple-bar` v1, hallq's own RS-485 protocol for cheap window bars (README.md has the full spec):
 *
 *   host → bar:  02 | ADDR | CMD | LEN | DATA (LEN bytes) | XOR | 03      XOR = ADDR ^ CMD ^ LEN ^ DATA…
 *   bar → host:  06 ADDR (ACK)  or  15 ADDR (NAK)
 */
export const STX = 0x02;
export const ETX = 0x03;
export const ACK = 0x06;
export const NAK = 0x15;

export const SIMPLE_BAR_CMD = {
  /** DATA = text, shown standing still. */
  show: 0x01,
  /** DATA = text, scrolling right to left. */
  scroll: 0x02,
  /** No DATA: blank the bar. */
  clear: 0x03,
  /** DATA = one byte 0x00–0x0F. */
  brightness: 0x04,
  /** No DATA: are you there? */
  ping: 0x05,
} as const;

export type SimpleBarCommandName = keyof typeof SIMPLE_BAR_CMD;

/** Every bar obeys, none answers. */
export const BROADCAST_ADDRESS = 0x00;
/** Unit addresses are 0x01–0xFE; 0xFF is reserved. */
export const MAX_UNIT_ADDRESS = 0xfe;
export const MAX_DATA_LENGTH = 0xff;
export const MAX_BRIGHTNESS = 0x0f;
/** STX ADDR CMD LEN … XOR ETX: a frame is LEN + 6 bytes. */
export const FRAME_OVERHEAD = 6;

export interface SimpleBarFrame {
  address: number;
  cmd: number;
  data: Buffer;
}

export function commandNameOf(cmd: number): SimpleBarCommandName | null {
  for (const [name, code] of Object.entries(SIMPLE_BAR_CMD)) if (code === cmd) return name as SimpleBarCommandName;
  return null;
}

/**
 * Whether LEN is legal for CMD (clear and ping carry nothing, brightness one byte, text 0–255).
 * A receiver takes an STX whose CMD/LEN pair fails this as noise, which keeps false starts rare.
 */
export function lengthFits(cmd: number, len: number): boolean {
  switch (cmd) {
    case SIMPLE_BAR_CMD.show:
    case SIMPLE_BAR_CMD.scroll:
      return len <= MAX_DATA_LENGTH;
    case SIMPLE_BAR_CMD.clear:
    case SIMPLE_BAR_CMD.ping:
      return len === 0;
    case SIMPLE_BAR_CMD.brightness:
      return len === 1;
    default:
      return false;
  }
}

/** XOR of bytes[start..end). */
export function xorOf(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i]!;
  return x;
}
