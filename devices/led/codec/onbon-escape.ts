/**
 * Onbon PHY0 framing: `A5 ×8 | escaped PHY1 | 5A`. Inside PHY1, A5 → A6 02, A6 → A6 01,
 * 5A → 5B 02, 5B → 5B 01, so A5 only ever starts a frame and 5A only ever ends one.
 * CRC and lengths are computed over the unescaped bytes.
 */
export const FRAME_START = 0xa5;
export const FRAME_END = 0x5a;
export const PREAMBLE_LENGTH = 8;

export function escapePhy1(phy1: Uint8Array): Buffer {
  let extra = 0;
  for (const b of phy1) if (b === 0xa5 || b === 0xa6 || b === 0x5a || b === 0x5b) extra++;
  const out = Buffer.alloc(phy1.length + extra);
  let o = 0;
  for (const b of phy1) {
    if (b === 0xa5 || b === 0xa6) {
      out[o++] = 0xa6;
      out[o++] = b === 0xa5 ? 0x02 : 0x01;
    } else if (b === 0x5a || b === 0x5b) {
      out[o++] = 0x5b;
      out[o++] = b === 0x5a ? 0x02 : 0x01;
    } else {
      out[o++] = b;
    }
  }
  return out;
}

/** Escaped PHY1 → PHY1, or null when an escape byte is followed by anything but 01/02 (or nothing). */
export function unescapePhy1(escaped: Uint8Array): Buffer | null {
  const out = Buffer.alloc(escaped.length);
  let o = 0;
  for (let i = 0; i < escaped.length; i++) {
    const b = escaped[i]!;
    if (b === 0xa6 || b === 0x5b) {
      const next = escaped[++i];
      if (next === 0x01) out[o++] = b;
      else if (next === 0x02) out[o++] = b === 0xa6 ? 0xa5 : 0x5a;
      else return null;
    } else {
      out[o++] = b;
    }
  }
  return out.subarray(0, o);
}
