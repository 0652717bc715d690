/**
 * Resident ID numbers (GB 11643-1999). This module and the card-read path are the only places a
 * full number exists, and only in memory for the moment of a read.
 */

// The GB 11643 check lives with the card reader, which applies it first; src may import devices/, not the reverse.
export { isValidIdNumber, withCheckDigit } from '../../devices/idcard/card/id-number.ts';

export function birthYearOf(id: string): number {
  return Number(id.slice(6, 10));
}

/**
 * `**************1234`: the last four only. The region prefix once shown here, with the birth year
 * and the HMAC, narrowed a number to a few thousand candidates; a screen needs no more than four.
 */
export function maskIdNumber(id: string): string {
  return `${'*'.repeat(Math.max(0, id.length - 4))}${id.slice(-4)}`;
}

/** `张*三` for three characters, `李*` for two, `*` for one: a name is never shown whole. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*'.repeat(chars.length);
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** `138****5678` */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}` : '*'.repeat(phone.length);
}
