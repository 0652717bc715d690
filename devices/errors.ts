import { CALLER_ERRORS, type CallerErrorCode } from './caller/driver/errors.ts';
import { IDCARD_ERRORS, type IdCardErrorCode } from './idcard/status/errors.ts';
import { LED_ERRORS, type LedErrorCode } from './led/errors.ts';
import { PRINTER_ERRORS, type PrinterErrorCode } from './printer/errors.ts';
import { RATINGPAD_ERRORS, type RatingPadErrorCode } from './ratingpad/errors.ts';
import { SMS_ERRORS, type SmsErrorCode } from './sms-modem/errors.ts';

/**
 * Every device error code in one list, for the hub's joined catalogue and docs/errors.md. Each
 * device kind keeps its catalogue beside its code (idcard/status/errors.ts, caller/driver/errors.ts,
 * led/errors.ts, ratingpad/errors.ts, printer/errors.ts, sms-modem/errors.ts); this gathers them. Codes are unique across
 * kinds and never reused: error-codes.txt lists every code ever published, and a code that goes
 * away moves to RETIRED_DEVICE_ERROR_CODES (errors.test.ts checks all three).
 */

/** Which device's catalogue a code is in: the `<AREA>` of `HQ_ERR_<AREA>_<WHAT>`, lower-case. */
export type DeviceErrorArea = 'idcard' | 'caller' | 'led' | 'ratingpad' | 'printer' | 'sms';

export type DeviceErrorCode = IdCardErrorCode | CallerErrorCode | LedErrorCode | RatingPadErrorCode | PrinterErrorCode | SmsErrorCode;

export interface DeviceErrorInfo {
  code: DeviceErrorCode;
  area: DeviceErrorArea;
  /** For the device-status screen. */
  zh: string;
  en: string;
  /** Whether waiting (and the driver's own retries) can clear it without a person. */
  retryable: boolean;
}

/** The catalogues by area, as each device declares it. */
export const DEVICE_ERROR_CATALOGUES = {
  idcard: IDCARD_ERRORS,
  caller: CALLER_ERRORS,
  led: LED_ERRORS,
  ratingpad: RATINGPAD_ERRORS,
  printer: PRINTER_ERRORS,
  sms: SMS_ERRORS,
} as const satisfies Record<DeviceErrorArea, Record<string, { zh: string; en: string; retryable: boolean }>>;

/** Every device error, in catalogue order: `{ code, area, zh, en, retryable }`. */
export const DEVICE_ERRORS: readonly DeviceErrorInfo[] = Object.entries(DEVICE_ERROR_CATALOGUES).flatMap(([area, catalogue]) =>
  Object.entries(catalogue).map(([code, e]) => ({ code: code as DeviceErrorCode, area: area as DeviceErrorArea, zh: e.zh, en: e.en, retryable: e.retryable })),
);

/** Codes once published and since withdrawn: never to be used again for anything. */
export const RETIRED_DEVICE_ERROR_CODES: readonly string[] = [];
