import { DeviceError } from '../../device-error.ts';

/**
 * The caller bus's error catalogue. Codes follow hallq's `HQ_ERR_<AREA>_<WHAT>` rule and are never
 * reused. Link faults (a pulled adapter) arrive as the transport's TransportError.
 */
export const CALLER_ERRORS = {
  HQ_ERR_CALLER_BAD_FRAME: { zh: '呼叫器总线数据校验错误', en: 'A frame on the caller bus failed its checksum or end byte', retryable: true },
  HQ_ERR_CALLER_PORT_OPEN_FAILED: { zh: '呼叫器总线端口打开失败', en: 'Could not open the caller bus port', retryable: true },
  HQ_ERR_CALLER_WRITE_FAILED: { zh: '呼叫器总线发送失败', en: 'Writing to the caller bus failed', retryable: true },
  HQ_ERR_CALLER_LISTENER_FAILED: { zh: '呼叫器事件处理出错', en: 'A listener of the caller bus threw', retryable: true },
} as const satisfies Record<string, { zh: string; en: string; retryable: boolean }>;

export type CallerErrorCode = keyof typeof CALLER_ERRORS;

export class CallerBusError extends DeviceError<CallerErrorCode> {
  override name = 'CallerBusError';
  constructor(code: CallerErrorCode, detail?: string, opts: { cause?: unknown } = {}) {
    super(code, CALLER_ERRORS[code], detail, opts);
  }
}
