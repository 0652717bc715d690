/**
 * The AA AA AA 96 69 frame of second-generation ID-card readers (hardware.md §1.2):
 *
 *   Request : AA AA AA 96 69 | LEN_H LEN_L | CMD PARA     | DATA… | CHK
 *   Response: AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3  | DATA… | CHK
 *
 * LEN is big-endian and counts every byte after itself, CHK included (total frame = 7 + LEN).
 * CHK is the XOR of LEN_H up to the byte before CHK (the preamble is not covered).
 */

export const PREAMBLE = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]);
/** Preamble + 2 length bytes. */
export const HEADER_SIZE = 7;
/** Largest LEN the decoders accept by default; the biggest known reply (read with fingerprint) has 0x090A. */
export const DEFAULT_MAX_LENGTH = 0x1000;

/** A reply from the reader. SW1 = SW2 = 0 in practice; SW3 is the SAM status (status/sw3.ts). */
export interface ResponseFrame {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Buffer;
}

/** A command to the reader, as the simulator sees it. */
export interface RequestFrame {
  cmd: number;
  para: number;
  data: Buffer;
}

/** XOR of `bytes[start..end)`. */
export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i]!;
  return x;
}

/** Wraps a body (CMD PARA DATA or SW1 SW2 SW3 DATA) into a whole frame with length and checksum. */
export function frameBody(body: Buffer): Buffer {
  const len = body.length + 1;
  if (len > 0xffff) throw new RangeError(`"body" is ${body.length} bytes; a frame holds at most 65534`);
  const out = Buffer.alloc(HEADER_SIZE + len);
  PREAMBLE.copy(out, 0);
  out.writeUInt16BE(len, 5);
  body.copy(out, HEADER_SIZE);
  out[out.length - 1] = xorChecksum(out, 5, out.length - 1);
  return out;
}

export function assertByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new TypeError(`"${name}" must be a byte (0..255), got ${value}`);
}
