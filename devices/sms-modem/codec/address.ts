import { fromSeptets, packSeptets, toSeptets, unpackSeptets } from './gsm7.ts';

/**
 * Phone numbers in TP address fields (3GPP TS 23.040 §9.1.2.5): a length in digits, the type of
 * address, then the digits as swapped semi-octets ("13800138000" → 31 08 83 10 08 F0).
 */

/** International, ISDN/E.164: written with a leading `+`. */
export const TOA_INTERNATIONAL = 0x91;
/**
 * Unknown type, ISDN/E.164: a number as dialled (`13800138000`). The modems' manuals sold in China
 * (Huawei, Neoway) send bare mobile numbers this way; the network reads them as national.
 */
export const TOA_UNKNOWN = 0x81;
/** National number, ISDN/E.164: decoded as the digits alone. */
export const TOA_NATIONAL = 0xa1;
const TON_ALPHANUMERIC = 5;

/** `+8613800138000` (international) or `13800138000`, digits only after the optional `+`. */
const PHONE = /^\+?[0-9]{1,20}$/;

export function isPhoneNumber(s: string): boolean {
  return PHONE.test(s);
}

/** Swapped semi-octets of a digit string, padded with F (`"123"` → 21 F3). Digits * # a b c are 0-9, A-E. */
export function encodeSemiOctets(digits: string): Buffer {
  const padded = digits.length % 2 === 1 ? `${digits}F` : digits;
  const out = Buffer.alloc(padded.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (Number.parseInt(padded[2 * i + 1]!, 16) << 4) | Number.parseInt(padded[2 * i]!, 16);
  return out;
}

/** The digits of `count` swapped semi-octets; F padding dropped. */
export function decodeSemiOctets(octets: Buffer, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const byte = octets[i >> 1] ?? 0xff;
    const nibble = i % 2 === 0 ? byte & 0x0f : byte >> 4;
    if (nibble === 0x0f) break;
    out += nibble < 10 ? String(nibble) : '*#abc'[nibble - 10];
  }
  return out;
}

/** A TP address field for `number` (`+86…` → TOA 0x91; bare digits → 0x81). Throws TypeError otherwise. */
export function encodeAddress(number: string): Buffer {
  if (!isPhoneNumber(number)) throw new TypeError(`"${number}" is not a phone number (digits, optionally after +)`);
  const international = number.startsWith('+');
  const digits = international ? number.slice(1) : number;
  return Buffer.concat([Buffer.from([digits.length, international ? TOA_INTERNATIONAL : TOA_UNKNOWN]), encodeSemiOctets(digits)]);
}

/** Reads a TP address field at `at`; returns the number and where the next field starts. */
export function decodeAddress(pdu: Buffer, at: number): { number: string; toa: number; next: number } {
  const length = need(pdu, at);
  const toa = need(pdu, at + 1);
  const octets = Math.ceil(length / 2);
  const body = slice(pdu, at + 2, octets);
  const ton = (toa >> 4) & 0x07;
  let number: string;
  if (ton === TON_ALPHANUMERIC) {
    // A sender name ("10086" operators, banks): GSM 7-bit, `length` counts semi-octets.
    number = fromSeptets(unpackSeptets(body, Math.floor((length * 4) / 7)));
  } else {
    const digits = decodeSemiOctets(body, length);
    number = ton === 1 ? `+${digits}` : digits;
  }
  return { number, toa, next: at + 2 + octets };
}

/** An alphanumeric sender address (for the simulator's operator notices). */
export function encodeAlphanumericAddress(name: string): Buffer {
  const septets = toSeptets(name);
  if (!septets) throw new TypeError(`"${name}" is not in the GSM 7-bit alphabet`);
  const body = packSeptets(septets);
  const semiOctets = Math.ceil((septets.length * 7) / 4);
  return Buffer.concat([Buffer.from([semiOctets, 0xd0]), body]);
}

/** The service centre address before a TPDU (TS 24.011 RP-address): length in octets, TOA, digits. */
export function decodeSca(pdu: Buffer): { sca: string | null; next: number } {
  const length = need(pdu, 0);
  if (length === 0) return { sca: null, next: 1 };
  const toa = need(pdu, 1);
  const digits = decodeSemiOctets(slice(pdu, 2, length - 1), (length - 1) * 2);
  return { sca: ((toa >> 4) & 0x07) === 1 ? `+${digits}` : digits, next: 1 + length };
}

/** The byte at `at`, or a RangeError naming the truncation. */
export function need(pdu: Buffer, at: number): number {
  const b = pdu[at];
  if (b === undefined) throw new RangeError(`PDU ends at octet ${pdu.length}; octet ${at} is missing`);
  return b;
}

export function slice(pdu: Buffer, at: number, length: number): Buffer {
  if (at + length > pdu.length) throw new RangeError(`PDU ends at octet ${pdu.length}; ${length} octets from ${at} are missing`);
  return pdu.subarray(at, at + length);
}
