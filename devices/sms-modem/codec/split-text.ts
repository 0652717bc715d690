import { toSeptets } from './gsm7.ts';
import type { Alphabet } from './user-data.ts';

/** Limits of one message and of each part of a concatenated one (3GPP TS 23.040 §9.2.3.24.1). */
export const SINGLE_LIMIT = { gsm7: 160, ucs2: 70 } as const;
/** Per part, after the 6-octet header of an 8-bit reference (IEI 0x00). */
export const PART_LIMIT_8BIT_REF = { gsm7: 153, ucs2: 67 } as const;
/** Per part, after the 7-octet header of a 16-bit reference (IEI 0x08). */
export const PART_LIMIT_16BIT_REF = { gsm7: 152, ucs2: 66 } as const;
/** The UDH counts parts in one octet. */
export const MAX_PARTS = 255;

/**
 * The alphabet a text goes in: GSM 7-bit when every character is in its tables (160 a message),
 * else UCS-2 (70). `ucs2` forces UCS-2: some Chinese operators' gateways mangle 7-bit text.
 */
export function chooseAlphabet(text: string, prefer: 'auto' | 'ucs2' = 'auto'): Exclude<Alphabet, '8bit'> {
  return prefer === 'auto' && toSeptets(text) !== null ? 'gsm7' : 'ucs2';
}

/**
 * Splits a text into the parts it is sent in: one when it fits, else parts of at most 153 septets
 * (an escaped character is two, never split) or 67 UTF-16 units (a surrogate pair never split).
 */
export function splitText(text: string, alphabet: 'gsm7' | 'ucs2', refBits: 8 | 16 = 8): string[] {
  const size = (ch: string) => (alphabet === 'gsm7' ? toSeptets(ch)!.length : ch.length);
  const chars = [...text];
  const total = chars.reduce((n, ch) => n + size(ch), 0);
  if (total <= SINGLE_LIMIT[alphabet]) return [text];
  const limit = (refBits === 8 ? PART_LIMIT_8BIT_REF : PART_LIMIT_16BIT_REF)[alphabet];
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of chars) {
    const n = size(ch);
    if (used + n > limit) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += n;
  }
  if (current !== '') parts.push(current);
  return parts;
}
