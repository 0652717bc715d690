import { IdCardDriverError } from '../status/errors.ts';

/** The blocks of a successful read (hardware.md §1.4). The photo and fingerprint stay opaque. */
export interface ReadPayload {
  /** 256 bytes of UCS-2LE text (card/parse-text-block.ts). */
  text: Buffer;
  /** 1024 bytes of WLT: decoding needs the vendor library. */
  photo: Buffer;
  /** 1024 bytes (two 512-byte templates), only from `readWithFingerprint`. */
  fingerprint?: Buffer;
}

/**
 * Splits the data after SW1..SW3: `TEXT_LEN(2,BE) PHOTO_LEN(2,BE) [FP_LEN(2,BE)] text photo [fp]`.
 * Lengths are taken from the header and must add up exactly.
 */
export function decodeReadPayload(data: Buffer, withFingerprint: boolean): ReadPayload {
  const headerSize = withFingerprint ? 6 : 4;
  if (data.length < headerSize) throw new IdCardDriverError('HQ_ERR_IDCARD_UNEXPECTED_REPLY', `read data is ${data.length} bytes`);
  const textLen = data.readUInt16BE(0);
  const photoLen = data.readUInt16BE(2);
  const fpLen = withFingerprint ? data.readUInt16BE(4) : 0;
  const expected = headerSize + textLen + photoLen + fpLen;
  if (data.length !== expected || textLen < 256) {
    throw new IdCardDriverError('HQ_ERR_IDCARD_UNEXPECTED_REPLY', `read data is ${data.length} bytes, header says text ${textLen} photo ${photoLen} fp ${fpLen}`);
  }
  let at = headerSize;
  const take = (n: number): Buffer => Buffer.from(data.subarray(at, (at += n)));
  const text = take(textLen);
  const photo = take(photoLen);
  return withFingerprint ? { text, photo, fingerprint: take(fpLen) } : { text, photo };
}
