import type { CallerFrame } from './frame.ts';
import type { CallerCombo, CallerKey, CallerProtocol, RatingLevel } from './protocol.ts';

/** What a frame from a keypad or evaluator means, per the protocol table. */
export type CallerInput =
  | {
      kind: 'key';
      address: number;
      key: CallerKey;
      /** The key's code (the last DATA byte). */
      code: number;
      /** Digits inside this frame: those before the key, or for `digit` every digit in it. */
      digits: string;
    }
  | { kind: 'rating'; address: number; index: number; level: RatingLevel }
  | { kind: 'unknown'; address: number; func: number; data: Buffer; why: string };

/** Reads one device frame. Never throws: what the table does not know is `unknown`, for learn mode. */
export function interpretFrame(frame: CallerFrame, protocol: CallerProtocol): CallerInput {
  const { address, func, data } = frame;
  const unknown = (why: string): CallerInput => ({ kind: 'unknown', address, func, data, why });
  if (func === protocol.ratingFunc) {
    const index = data[0];
    if (index === undefined) return unknown('rating frame without a score');
    const level = protocol.ratingLevels[index];
    return level === undefined ? unknown(`score index ${index} is not in ratingLevels`) : { kind: 'rating', address, index, level };
  }
  if (func !== protocol.keyFunc) return unknown(`FUNC 0x${func.toString(16).padStart(2, '0')} is neither keyFunc nor ratingFunc`);
  const code = data[data.length - 1];
  if (code === undefined) return unknown('key frame without a key');
  const digits = digitsOf(data.subarray(0, data.length - 1), protocol);
  if (digits === null) return unknown('bytes before the key are not digits');
  const digit = protocol.digitCodes.indexOf(code);
  if (digit >= 0) return { kind: 'key', address, key: 'digit', code, digits: digits + String(digit) };
  const key = protocol.keyCodes[code];
  if (key === undefined) return unknown(`key code 0x${code.toString(16).padStart(2, '0')} is not in keyCodes`);
  return { kind: 'key', address, key, code, digits };
}

function digitsOf(bytes: Buffer, protocol: CallerProtocol): string | null {
  let out = '';
  for (const b of bytes) {
    const d = protocol.digitCodes.indexOf(b);
    if (d < 0) return null;
    out += String(d);
  }
  return out;
}

/**
 * The ACK the host sends for a device frame: an evaluator's frame comes back with FUNC
 * `ratingAckFunc`; every other frame is echoed as it came (hardware.md: "host echoes every frame
 * back as ACK"). The keypad stops resending when it hears it.
 */
export function ackFor(frame: CallerFrame, protocol: CallerProtocol): CallerFrame {
  if (frame.func === protocol.ratingFunc) return { ...frame, func: protocol.ratingAckFunc };
  return frame;
}

/** `confirm` after `6` is `noShow`, and so on (protocol.combos). */
export function comboOf(key: CallerKey, digits: string, protocol: CallerProtocol): CallerCombo | undefined {
  return protocol.combos.find((c) => c.key === key && c.digits === digits)?.combo;
}
