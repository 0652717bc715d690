import type { ReadPayload } from './read-payload.ts';

/** The device side of decodeReadPayload: lengths header then the blocks. */
export function encodeReadPayload(p: ReadPayload): Buffer {
  const withFingerprint = p.fingerprint !== undefined;
  const header = Buffer.alloc(withFingerprint ? 6 : 4);
  header.writeUInt16BE(p.text.length, 0);
  header.writeUInt16BE(p.photo.length, 2);
  if (p.fingerprint) header.writeUInt16BE(p.fingerprint.length, 4);
  return Buffer.concat(p.fingerprint ? [header, p.text, p.photo, p.fingerprint] : [header, p.text, p.photo]);
}
