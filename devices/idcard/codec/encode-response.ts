import { assertByte, frameBody } from './frame.ts';

/** The device side: `encodeResponse(0x90)` → `AA AA AA 96 69 00 04 00 00 90 94` (SAM ok). */
export function encodeResponse(sw3: number, data: Uint8Array = Buffer.alloc(0), opts: { sw1?: number; sw2?: number } = {}): Buffer {
  const sw1 = opts.sw1 ?? 0;
  const sw2 = opts.sw2 ?? 0;
  assertByte('sw1', sw1);
  assertByte('sw2', sw2);
  assertByte('sw3', sw3);
  return frameBody(Buffer.concat([Buffer.from([sw1, sw2, sw3]), data]));
}
