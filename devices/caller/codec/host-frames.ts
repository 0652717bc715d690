import type { CallerFrame } from './frame.ts';
import { assertByte } from './frame.ts';
import type { CallerProtocol, RatingLevel } from './protocol.ts';

/** What a keypad LCD shows: the waiting count on the left, the current number on the right. */
export interface LcdContent {
  /** People waiting for this window; shown 0..999 (more shows 999). null/absent: blank. */
  waiting?: number | null;
  /** The number being served: `A012`, `12`; its last 3 digits are shown (the LCD has digits only). null/absent: blank. */
  current?: string | number | null;
}

/** The LCD as a person reads it: 3 characters each, a blank digit as a space. */
export interface LcdText {
  waiting: string;
  current: string;
}

const LCD_DIGITS = 3;

/** Host → keypad: the 6 LCD bytes, `FUNC 0x02 | w w w | t t t` (hardware.md §4.3). */
export function lcdFrame(address: number, content: LcdContent, protocol: CallerProtocol): CallerFrame {
  assertByte('address', address);
  const data = Buffer.from([...lcdField(waitingDigits(content.waiting), protocol), ...lcdField(currentDigits(content.current), protocol)]);
  return { address, func: protocol.lcdFunc, data };
}

/** Host → keypad: one beep (no data). */
export function beepFrame(address: number, protocol: CallerProtocol): CallerFrame {
  assertByte('address', address);
  return { address, func: protocol.beepFunc, data: Buffer.alloc(0) };
}

/** Host → evaluator: start an evaluation (`FUNC 0x01 DATA 0x0B`). */
export function startRatingFrame(address: number, protocol: CallerProtocol): CallerFrame {
  assertByte('address', address);
  return { address, func: protocol.startRating.func, data: Buffer.from(protocol.startRating.data) };
}

/** Host → evaluator: show a star level (`FUNC 0x02 DATA 0x05`). */
export function starsFrame(address: number, level: RatingLevel, protocol: CallerProtocol): CallerFrame {
  assertByte('address', address);
  if (![1, 2, 3, 4, 5].includes(level)) throw new TypeError(`"level" must be 1..5, got ${level}`);
  return { address, func: protocol.starsFunc, data: Buffer.from([level]) };
}

/** What a host frame asks of a keypad or evaluator (the simulator's side). ACKs are matched separately. */
export type HostInput =
  | { kind: 'lcd'; text: LcdText }
  | { kind: 'beep' }
  | { kind: 'stars'; level: number }
  | { kind: 'startRating' }
  | { kind: 'other' };

export function interpretHostFrame(frame: CallerFrame, protocol: CallerProtocol): HostInput {
  const { func, data } = frame;
  if (func === protocol.lcdFunc && data.length === LCD_DIGITS * 2) {
    return { kind: 'lcd', text: { waiting: lcdRead(data.subarray(0, 3), protocol), current: lcdRead(data.subarray(3), protocol) } };
  }
  if (func === protocol.starsFunc && data.length === 1) return { kind: 'stars', level: data[0]! };
  if (func === protocol.beepFunc) return { kind: 'beep' };
  if (func === protocol.startRating.func && data.equals(Buffer.from(protocol.startRating.data))) return { kind: 'startRating' };
  return { kind: 'other' };
}

/** Digits of the waiting count, or null for blank. Throws TypeError for a negative or fractional count. */
function waitingDigits(waiting: number | null | undefined): string | null {
  if (waiting === null || waiting === undefined) return null;
  if (!Number.isInteger(waiting) || waiting < 0) throw new TypeError(`"waiting" must be a whole number ≥ 0, got ${waiting}`);
  return String(Math.min(waiting, 999));
}

/** The last run of digits of a ticket number, its last 3 kept: `A012` → `012`, `B1234` → `234`. */
function currentDigits(current: string | number | null | undefined): string | null {
  if (current === null || current === undefined) return null;
  const text = typeof current === 'number' ? (Number.isInteger(current) && current >= 0 ? String(current) : '') : current;
  const run = /(\d+)\D*$/.exec(text)?.[1];
  return run ? run.slice(-LCD_DIGITS) : null;
}

function lcdField(digits: string | null, protocol: CallerProtocol): number[] {
  if (digits === null) return [protocol.lcdBlank, protocol.lcdBlank, protocol.lcdBlank];
  const pad = LCD_DIGITS - digits.length;
  const padByte = protocol.lcdLeadingZeros ? 0 : protocol.lcdBlank;
  return [...Array.from({ length: pad }, () => padByte), ...[...digits].map(Number)];
}

function lcdRead(bytes: Buffer, protocol: CallerProtocol): string {
  return [...bytes].map((b) => (b <= 9 ? String(b) : b === protocol.lcdBlank ? ' ' : '?')).join('');
}
