import { DeviceError } from '../device-error.ts';

/**
 * The rating pads' error catalogue. Codes follow hallq's `HQ_ERR_<AREA>_<WHAT>` rule and are never
 * reused. Each carries Chinese and English text: the installer reading the console may read either.
 */
export const RATINGPAD_ERRORS = {
  HQ_ERR_RATINGPAD_CONFIG: { zh: '评价器配置有误', en: 'Invalid rating pad config', retryable: false },
  HQ_ERR_RATINGPAD_UNAVAILABLE: { zh: 'USB HID 评价器不可用（node-hid 无法加载），其他功能照常运行', en: 'USB HID rating pads are unavailable (node-hid cannot be loaded); the rest of the hub keeps running', retryable: false },
  HQ_ERR_RATINGPAD_NOT_FOUND: { zh: '未找到该 USB 评价器（未插入，或无权限读取 /dev/hidraw*）', en: 'The USB rating pad was not found (not plugged in, or no permission on /dev/hidraw*)', retryable: true },
  HQ_ERR_RATINGPAD_OPEN_FAILED: { zh: 'USB 评价器打开失败（被占用，或无权限读取 /dev/hidraw*）', en: 'Could not open the USB rating pad (busy, or no permission on /dev/hidraw*)', retryable: true },
  HQ_ERR_RATINGPAD_READ_FAILED: { zh: 'USB 评价器读取失败（可能已拔出）', en: 'Reading the USB rating pad failed (unplugged?)', retryable: true },
  HQ_ERR_RATINGPAD_LISTENER_FAILED: { zh: '评价器事件处理出错', en: 'A listener of the rating pad threw', retryable: true },
} as const satisfies Record<string, { zh: string; en: string; retryable: boolean }>;

export type RatingPadErrorCode = keyof typeof RATINGPAD_ERRORS;

export class RatingPadError extends DeviceError<RatingPadErrorCode> {
  override name = 'RatingPadError';
  constructor(code: RatingPadErrorCode, detail?: string, opts: { cause?: unknown; detailZh?: string } = {}) {
    // An installer may read either language: the detail goes into both.
    super(code, RATINGPAD_ERRORS[code], detail, { ...opts, ...(opts.detailZh ?? detail ? { detailZh: opts.detailZh ?? detail } : {}) });
  }

  /** `中文 / English`, for a status line or a console. */
  get bilingual(): string {
    return `${this.messageZh} / ${this.message}`;
  }
}

/** One problem in a config, named by its path (`ratingPads[1].decoder.values.0x07`). */
export interface RatingPadConfigProblem {
  path: string;
  message: string;
}

/** Thrown for a config the pad code cannot use; lists every problem, each naming its field. */
export class RatingPadConfigError extends RatingPadError {
  override name = 'RatingPadConfigError';
  constructor(readonly problems: readonly RatingPadConfigProblem[]) {
    super('HQ_ERR_RATINGPAD_CONFIG', problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }
}
