import type { DecoderKind } from './decoder-config.ts';
import type { RatingLevel } from './key-levels.ts';

/**
 * Why a report gave no level:
 * - `release`: all keys up (keyboard), or the idle value 0 (custom);
 * - `repeat`: nothing new is pressed: the same report again, or a key released while another is held
 *   (keyboard); the same value as the previous report with `onlyOnChange` (custom);
 * - `unmapped`: a new key / a byte value the table does not map;
 * - `ambiguous`: two new keys of different levels in one report; no level is ever guessed;
 * - `rollover`: the keyboard reported ErrorRollOver (too many keys at once);
 * - `wrong-report-id`: byte 0 is not the configured report ID;
 * - `too-short`: the report ends before the bytes the decoder reads.
 */
export type IgnoreReason = 'release' | 'repeat' | 'unmapped' | 'ambiguous' | 'rollover' | 'wrong-report-id' | 'too-short';

export type DecodeResult =
  | {
      ok: true;
      level: RatingLevel;
      /** The key usage (keyboard) or the masked byte value (custom) that mapped. */
      code: number;
      /** `Digit5 (0x22) → 5`, for logs. */
      detail: string;
    }
  | { ok: false; reason: IgnoreReason; detail: string };

/** Turns raw input reports, in arrival order, into levels. Stateful only to tell a new press from a repeat. */
export interface ReportDecoder {
  readonly kind: DecoderKind;
  decode(report: Uint8Array): DecodeResult;
  /** Forgets the previous report (after a reconnect). */
  reset(): void;
}
