import { need, slice } from './address.ts';
import { fromSeptets, packSeptets, toSeptets, unpackSeptets } from './gsm7.ts';

/** How the text is written (TP-DCS, 3GPP TS 23.038 §4). */
export type Alphabet = 'gsm7' | '8bit' | 'ucs2';

/** One part of a concatenated message (TS 23.040 §9.2.3.24.1 and .8). */
export interface ConcatInfo {
  /** The reference shared by all parts of one message. */
  ref: number;
  /** IEI 0x00 (8-bit reference) or 0x08 (16-bit reference). */
  refBits: 8 | 16;
  total: number;
  /** 1-based. */
  seq: number;
}

/** TP-DCS → alphabet. Compressed text (general group with bit 5) is refused. */
export function alphabetOfDcs(dcs: number): Alphabet {
  const group = dcs >> 4;
  if (group <= 0x07) {
    // General data coding (00xx) and automatic deletion (01xx): bit 5 compressed, bits 3–2 alphabet.
    if (dcs & 0x20) throw new RangeError(`DCS 0x${hex(dcs)}: compressed text is not supported`);
    const a = (dcs >> 2) & 0x03;
    return a === 1 ? '8bit' : a === 2 ? 'ucs2' : 'gsm7';
  }
  if (group === 0x0c || group === 0x0d) return 'gsm7'; // message waiting, discard/store
  if (group === 0x0e) return 'ucs2'; // message waiting, store, UCS-2
  if (group === 0x0f) return dcs & 0x04 ? '8bit' : 'gsm7'; // data coding/message class
  throw new RangeError(`DCS 0x${hex(dcs)} is reserved`);
}

export function dcsOf(alphabet: Alphabet): number {
  return alphabet === 'gsm7' ? 0x00 : alphabet === '8bit' ? 0x04 : 0x08;
}

/** The UDH bytes (without its length octet) for one concatenated part. */
export function concatHeader(c: ConcatInfo): Buffer {
  return c.refBits === 8 ? Buffer.from([0x00, 0x03, c.ref & 0xff, c.total, c.seq]) : Buffer.from([0x08, 0x04, (c.ref >> 8) & 0xff, c.ref & 0xff, c.total, c.seq]);
}

/** Finds the concatenation element in a UDH (other elements, such as port numbers, are skipped). */
export function concatOf(udh: Buffer): ConcatInfo | null {
  for (let at = 0; at + 1 < udh.length; ) {
    const iei = udh[at]!;
    const len = udh[at + 1]!;
    const data = udh.subarray(at + 2, at + 2 + len);
    if (iei === 0x00 && len === 3 && data.length === 3) return { ref: data[0]!, refBits: 8, total: data[1]!, seq: data[2]! };
    if (iei === 0x08 && len === 4 && data.length === 4) return { ref: (data[0]! << 8) | data[1]!, refBits: 16, total: data[2]!, seq: data[3]! };
    at += 2 + len;
  }
  return null;
}

/** TP-UDL and TP-UD for one part: the header (when any) then the text. */
export function encodeUserData(text: string, alphabet: Alphabet, concat: ConcatInfo | null): { udl: number; ud: Buffer } {
  const header = concat ? concatHeader(concat) : Buffer.alloc(0);
  const udh = header.length > 0 ? Buffer.concat([Buffer.from([header.length]), header]) : header;
  if (alphabet === 'gsm7') {
    const septets = toSeptets(text);
    if (!septets) throw new TypeError('text is not in the GSM 7-bit alphabet');
    const fill = (7 - ((udh.length * 8) % 7)) % 7;
    const headerSeptets = (udh.length * 8 + fill) / 7;
    const body = packSeptets(septets, fill);
    // The header's octets come first; the packed text starts after the fill bits.
    const ud = Buffer.alloc(Math.ceil((udh.length * 8 + fill + septets.length * 7) / 8));
    udh.copy(ud);
    for (let i = 0; i < body.length; i++) ud[udh.length + i]! |= body[i]!;
    return { udl: headerSeptets + septets.length, ud };
  }
  const body = alphabet === 'ucs2' ? utf16be(text) : Buffer.from(text, 'latin1');
  return { udl: udh.length + body.length, ud: Buffer.concat([udh, body]) };
}

/** Reads TP-UDL and TP-UD at `at` (the UDL octet). */
export function decodeUserData(pdu: Buffer, at: number, udhi: boolean, alphabet: Alphabet): { text: string; concat: ConcatInfo | null } {
  const udl = need(pdu, at);
  const start = at + 1;
  const octets = alphabet === 'gsm7' ? Math.ceil((udl * 7) / 8) : udl;
  const ud = slice(pdu, start, Math.min(octets, pdu.length - start));
  let headerOctets = 0;
  let concat: ConcatInfo | null = null;
  if (udhi) {
    const udhl = need(ud, 0);
    headerOctets = 1 + udhl;
    concat = concatOf(slice(ud, 1, udhl));
  }
  if (alphabet === 'gsm7') {
    const fill = headerOctets === 0 ? 0 : (7 - ((headerOctets * 8) % 7)) % 7;
    const headerSeptets = (headerOctets * 8 + fill) / 7;
    const septets = unpackSeptets(ud.subarray(headerOctets), udl - headerSeptets, fill);
    return { text: fromSeptets(septets), concat };
  }
  const body = ud.subarray(headerOctets);
  // 8-bit data is shown as Latin-1: the operators' plain notices are ASCII.
  return { text: alphabet === 'ucs2' ? fromUtf16be(body) : body.toString('latin1'), concat };
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return le.swap16();
}

function fromUtf16be(bytes: Buffer): string {
  // An odd trailing octet is a cut-off character: dropped.
  const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return even.swap16().toString('utf16le');
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
