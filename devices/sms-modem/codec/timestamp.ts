import { decodeSemiOctets, encodeSemiOctets, slice } from './address.ts';

/**
 * TP-SCTS / TP-DT (3GPP TS 23.040 §9.2.3.11): seven swapped semi-octet pairs, year month day hour
 * minute second, then the zone in quarters of an hour whose first semi-octet's top bit is the sign.
 * China is +8 h = 32 quarters, written `23` in the PDU.
 */
export interface SmsTimestamp {
  /** The instant, ms since the epoch (UTC). */
  at: number;
  /** The sender's zone, minutes east of UTC (China: 480). */
  zoneMinutes: number;
}

export function decodeTimestamp(pdu: Buffer, at: number): SmsTimestamp {
  const octets = slice(pdu, at, 7);
  const field = (i: number) => Number(decodeSemiOctets(octets.subarray(i, i + 1), 2));
  const zoneOctet = octets[6]!;
  const quarters = (zoneOctet & 0x07) * 10 + (zoneOctet >> 4);
  // `-0` (a sign bit on zero quarters, as some modems write UTC) is plain UTC.
  const zoneMinutes = quarters === 0 ? 0 : (zoneOctet & 0x08 ? -1 : 1) * quarters * 15;
  const [yy, mo, dd, hh, mi, ss] = [0, 1, 2, 3, 4, 5].map(field) as [number, number, number, number, number, number];
  if ([yy, mo, dd, hh, mi, ss].some((n) => Number.isNaN(n))) throw new RangeError(`bad timestamp semi-octets ${octets.toString('hex')}`);
  // Two-digit years: SMS centres write 00–99 for 2000–2099 (no SMS was stamped before 1990).
  const year = yy < 90 ? 2000 + yy : 1900 + yy;
  const local = Date.UTC(year, mo - 1, dd, hh, mi, ss);
  return { at: local - zoneMinutes * 60_000, zoneMinutes };
}

/** The seven octets for an instant, written in the given zone (whole quarters of an hour). */
export function encodeTimestamp(t: SmsTimestamp): Buffer {
  const local = new Date(t.at + t.zoneMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const digits = [local.getUTCFullYear() % 100, local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()].map(two).join('');
  const quarters = Math.round(Math.abs(t.zoneMinutes) / 15);
  const zone = ((quarters % 10) << 4) | Math.floor(quarters / 10) | (t.zoneMinutes < 0 ? 0x08 : 0);
  return Buffer.concat([encodeSemiOctets(digits), Buffer.from([zone])]);
}
