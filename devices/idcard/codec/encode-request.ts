import { assertByte, frameBody } from './frame.ts';

/** `encodeRequest(0x20, 0x01)` → `AA AA AA 96 69 00 03 20 01 22` (find card). */
export function encodeRequest(cmd: number, para: number, data: Uint8Array = Buffer.alloc(0)): Buffer {
  assertByte('cmd', cmd);
  assertByte('para', para);
  return frameBody(Buffer.concat([Buffer.from([cmd, para]), data]));
}
