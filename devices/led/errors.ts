import { DeviceError } from '../device-error.ts';

/**
 * The LED drivers' error catalogue. Codes follow hallq's `HQ_ERR_<AREA>_<WHAT>` rule and are never
 * reused. `retryable` says whether the same command can succeed later without a person (a bar that
 * is back on the bus) or never will (text that does not fit the frame, an unknown address).
 * Link faults (unplugged adapter, refused TCP connection) also arrive as LedError
 * (`HQ_ERR_LED_DISCONNECTED`), with the transport's TransportError as `cause`.
 */
export const LED_ERRORS = {
  HQ_ERR_LED_NO_REPLY: { zh: 'LED屏无应答', en: 'The LED display did not answer', retryable: true },
  HQ_ERR_LED_REJECTED: { zh: 'LED屏拒绝了命令', en: 'The LED display refused the command', retryable: true },
  HQ_ERR_LED_DISCONNECTED: { zh: 'LED屏连接已断开', en: 'The LED link is down', retryable: true },
  HQ_ERR_LED_STOPPED: { zh: 'LED驱动未启动', en: 'The LED driver is not running', retryable: false },
  HQ_ERR_LED_BAD_ADDRESS: { zh: 'LED屏地址无效', en: 'No such LED address', retryable: false },
  HQ_ERR_LED_BAD_ARGUMENT: { zh: 'LED命令参数无效', en: 'Bad LED command argument', retryable: false },
  HQ_ERR_LED_TEXT_TOO_LONG: { zh: 'LED显示文字过长', en: 'The text is too long for the LED frame', retryable: false },
  HQ_ERR_LED_UNSUPPORTED: { zh: '该LED屏不支持此命令', en: 'This LED protocol has no such command', retryable: false },
} as const satisfies Record<string, { zh: string; en: string; retryable: boolean }>;

export type LedErrorCode = keyof typeof LED_ERRORS;

export class LedError extends DeviceError<LedErrorCode> {
  override name = 'LedError';
  /** The bar or text area the command was for; null for link-wide failures. */
  readonly address: number | null;
  constructor(code: LedErrorCode, detail?: string, opts: { address?: number; cause?: unknown } = {}) {
    super(code, LED_ERRORS[code], detail, opts.cause === undefined ? {} : { cause: opts.cause });
    this.address = opts.address ?? null;
  }
}
