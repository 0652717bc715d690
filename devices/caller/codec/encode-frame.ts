import { type CallerFrame, END, OVERHEAD, START, WAKE, assertByte, sumChecksum } from './frame.ts';

/** `FF 68 L L 68 ADDR FUNC DATA… CS 16`. Throws TypeError for a value that is not a byte. */
export function encodeFrame(frame: CallerFrame): Buffer {
  assertByte('address', frame.address);
  assertByte('func', frame.func);
  const len = 2 + frame.data.length;
  if (len > 0xff) throw new RangeError(`"data" is ${frame.data.length} bytes; a frame holds at most 253`);
  const out = Buffer.alloc(len + OVERHEAD);
  out[0] = WAKE;
  out[1] = START;
  out[2] = len;
  out[3] = len;
  out[4] = START;
  out[5] = frame.address;
  out[6] = frame.func;
  frame.data.copy(out, 7);
  out[out.length - 2] = sumChecksum(out, 5, out.length - 2);
  out[out.length - 1] = END;
  return out;
}

/** Shorthand: `frame(1, 0x03)`, `frame(1, 0x11, [0])`. */
export function frame(address: number, func: number, data: ArrayLike<number> = []): CallerFrame {
  return { address, func, data: Buffer.from(Array.from(data)) };
}
