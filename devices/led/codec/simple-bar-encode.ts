import { ACK, ETX, MAX_DATA_LENGTH, NAK, STX, type SimpleBarFrame, lengthFits, xorOf } from './simple-bar-frame.ts';

/**
 * One host → bar frame. Throws RangeError for an address above 0xFF, DATA over 255 bytes, or a
 * CMD/LEN pair the protocol does not have (drivers check their input before they get here).
 */
export function encodeSimpleBarFrame(frame: { address: number; cmd: number; data?: Uint8Array }): Buffer {
  const data = frame.data ?? new Uint8Array(0);
  if (!Number.isInteger(frame.address) || frame.address < 0 || frame.address > 0xff) throw new RangeError(`"address" must be 0–255, got ${frame.address}`);
  if (data.length > MAX_DATA_LENGTH) throw new RangeError(`DATA is ${data.length} bytes; a frame carries at most ${MAX_DATA_LENGTH}`);
  if (!lengthFits(frame.cmd, data.length)) throw new RangeError(`command 0x${frame.cmd.toString(16)} cannot carry ${data.length} bytes`);
  const out = Buffer.alloc(data.length + 6);
  out[0] = STX;
  out[1] = frame.address;
  out[2] = frame.cmd;
  out[3] = data.length;
  out.set(data, 4);
  out[4 + data.length] = xorOf(out, 1, 4 + data.length);
  out[5 + data.length] = ETX;
  return out;
}

/** The bar's two reply forms. */
export function encodeAck(address: number): Buffer {
  return Buffer.from([ACK, address]);
}

export function encodeNak(address: number): Buffer {
  return Buffer.from([NAK, address]);
}

/** For logs: `{ address, cmd, data }` of a frame built by encodeSimpleBarFrame. */
export function describeFrame(frame: SimpleBarFrame): string {
  return `addr ${frame.address} cmd 0x${frame.cmd.toString(16).padStart(2, '0')} len ${frame.data.length}`;
}
