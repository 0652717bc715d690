/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1), and septet
 * packing (§6.1.2.1.1). Pure: strings and bytes in, strings and bytes out.
 */

// Index = septet value. 0x1B is the escape to the extension table, never a character of its own.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table (after 0x1B): septet → character. */
const EXTENSION: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const ESC = 0x1b;

const TO_BASIC = new Map<string, number>([...BASIC].map((c, i) => [c, i] as const).filter(([c, i]) => i !== ESC && c !== '\x1b'));
const TO_EXTENSION = new Map<string, number>([...EXTENSION].map(([k, v]) => [v, k]));

/** The septets of `text`, or null when a character is in neither table (then the text goes as UCS-2). */
export function toSeptets(text: string): number[] | null {
  const out: number[] = [];
  for (const ch of text) {
    const basic = TO_BASIC.get(ch);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const ext = TO_EXTENSION.get(ch);
    if (ext === undefined) return null;
    out.push(ESC, ext);
  }
  return out;
}

/** Text of septets. An escape before a value the extension table lacks reads as the basic character (§6.2.1.1). */
export function fromSeptets(septets: readonly number[]): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i]!;
    if (s === ESC && i + 1 < septets.length) {
      const next = septets[++i]!;
      out += EXTENSION.get(next) ?? BASIC[next] ?? '';
      continue;
    }
    // A lone escape at the end is a cut-off pair: nothing to show.
    if (s !== ESC) out += BASIC[s] ?? '';
  }
  return out;
}

/**
 * Packs septets into octets, least significant bits first. `fillBits` zero bits come first: after a
 * user data header the text starts on a septet boundary (TS 23.040 §9.2.3.24).
 */
export function packSeptets(septets: readonly number[], fillBits = 0): Buffer {
  const totalBits = fillBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(totalBits / 8));
  let bit = fillBits;
  for (const s of septets) {
    for (let b = 0; b < 7; b++, bit++) if ((s >> b) & 1) out[bit >> 3]! |= 1 << (bit & 7);
  }
  return out;
}

/** Unpacks `count` septets from octets, skipping `fillBits` first. */
export function unpackSeptets(octets: Buffer, count: number, fillBits = 0): number[] {
  const out: number[] = [];
  let bit = fillBits;
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let b = 0; b < 7; b++, bit++) {
      const byte = octets[bit >> 3];
      if (byte === undefined) return out;
      if ((byte >> (bit & 7)) & 1) s |= 1 << b;
    }
    out.push(s);
  }
  return out;
}
