import { DeviceError } from '../device-error.ts';

/**
 * The printer's error catalogue. Codes follow hallq's `HQ_ERR_<AREA>_<WHAT>` rule and are never
 * reused. Printer trouble (paper out, cover open, unreachable) is a status and a job event, not an
 * error; link faults arrive as the transport's TransportError.
 */
export const PRINTER_ERRORS = {
  HQ_ERR_PRINTER_JOB_NOT_FOUND: { zh: '找不到该打印任务', en: 'No such print job', retryable: false },
} as const satisfies Record<string, { zh: string; en: string; retryable: boolean }>;

export type PrinterErrorCode = keyof typeof PRINTER_ERRORS;

export class PrinterError extends DeviceError<PrinterErrorCode> {
  override name = 'PrinterError';
  constructor(code: PrinterErrorCode, detail?: string, opts: { cause?: unknown } = {}) {
    super(code, PRINTER_ERRORS[code], detail, opts);
  }
}
