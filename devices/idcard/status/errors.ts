import { DeviceError } from '../../device-error.ts';

/**
 * The ID-card reader's error catalogue. Codes follow hallq's `HQ_ERR_<AREA>_<WHAT>` rule and are
 * never reused. `retryable` says whether trying the same thing again can help (a card moved, a
 * garbled byte) or needs a person (SAM broken, card type not supported).
 *
 * Three kinds, one base class:
 * - IdCardStatusError: the reader answered with a failing SW3 (hardware.md §1.5);
 * - IdCardDriverError: the host side failed, like the vendor SDK's own return codes 0x01–0x05;
 * - IdCardDataError: the card answered, but its text block is not acceptable.
 * Link faults (unplugged cable) arrive as the transport's TransportError.
 */
export const IDCARD_ERRORS = {
  // SW3 from the reader
  HQ_ERR_IDCARD_NO_CONTENT: { zh: '居民身份证中无此项内容', en: 'The card has no such item', retryable: false },
  HQ_ERR_IDCARD_REQUEST_CHECKSUM: { zh: '接收业务终端数据的校验和错', en: 'The reader saw a bad checksum in our command', retryable: true },
  HQ_ERR_IDCARD_REQUEST_LENGTH: { zh: '接收业务终端数据的长度错', en: 'The reader saw a bad length in our command', retryable: true },
  HQ_ERR_IDCARD_BAD_COMMAND: { zh: '接收业务终端的命令错误', en: 'The reader does not know this command', retryable: false },
  HQ_ERR_IDCARD_UNAUTHORIZED_OPERATION: { zh: '越权操作', en: 'Operation not permitted', retryable: false },
  HQ_ERR_IDCARD_UNRECOGNIZED_ERROR: { zh: '无法识别的错误', en: 'Unrecognised reader error', retryable: true },
  HQ_ERR_IDCARD_CARD_AUTH_FAILED: { zh: '居民身份证认证SAM失败', en: 'The card failed to authenticate the SAM', retryable: true },
  HQ_ERR_IDCARD_SAM_AUTH_FAILED: { zh: 'SAM认证居民身份证失败', en: 'The SAM failed to authenticate the card', retryable: true },
  HQ_ERR_IDCARD_INFO_VERIFY_FAILED: { zh: '信息验证错误', en: 'Card data failed verification', retryable: true },
  HQ_ERR_IDCARD_NOT_FOUND_YET: { zh: '尚未找卡，不能进行对卡的操作', en: 'No card found yet; find the card first', retryable: true },
  HQ_ERR_IDCARD_FINGERPRINT_VERIFY_FAILED: { zh: '指纹信息验证错误', en: 'Fingerprint data failed verification', retryable: true },
  HQ_ERR_IDCARD_INFO_LENGTH: { zh: '信息长度错误', en: 'Card data has a bad length', retryable: true },
  HQ_ERR_IDCARD_UNKNOWN_CARD_TYPE: { zh: '无法识别的卡类型', en: 'Unknown card type', retryable: false },
  HQ_ERR_IDCARD_READ_FAILED: { zh: '读居民身份证操作失败', en: 'Reading the card failed (was it moved?)', retryable: true },
  HQ_ERR_IDCARD_RANDOM_FAILED: { zh: '取随机数失败', en: 'The reader could not get a random number from the card', retryable: true },
  HQ_ERR_IDCARD_SAM_SELF_TEST_FAILED: { zh: 'SAM自检失败，不能接收命令', en: 'The SAM failed its self-test and takes no commands', retryable: false },
  HQ_ERR_IDCARD_SAM_UNAUTHORIZED: { zh: 'SAM未经授权，无法使用', en: 'The SAM is not authorised', retryable: false },
  HQ_ERR_IDCARD_FIND_FAILED: { zh: '寻找居民身份证失败', en: 'No card on the reader', retryable: true },
  HQ_ERR_IDCARD_SELECT_FAILED: { zh: '选取居民身份证失败', en: 'Selecting the card failed', retryable: true },
  HQ_ERR_IDCARD_STATUS_UNKNOWN: { zh: '读卡器返回未知状态码', en: 'The reader returned an unknown status', retryable: true },
  // Host side (the vendor SDK's return codes 0x01, 0x02, 0x03, 0x05, and ours)
  HQ_ERR_IDCARD_PORT_OPEN_FAILED: { zh: '端口打开失败', en: 'Could not open the reader port', retryable: true },
  HQ_ERR_IDCARD_TIMEOUT: { zh: '接收读卡器数据超时', en: 'The reader did not answer in time', retryable: true },
  HQ_ERR_IDCARD_TRANSFER: { zh: '数据传输错误', en: 'Garbled data on the reader link', retryable: true },
  HQ_ERR_IDCARD_SAM_PORT_UNUSABLE: { zh: 'SAM串口不可用', en: 'The reader does not answer on this port', retryable: true },
  HQ_ERR_IDCARD_UNEXPECTED_REPLY: { zh: '读卡器应答与命令不符', en: 'The reply does not fit the command', retryable: true },
  HQ_ERR_IDCARD_READ_ABANDONED: { zh: '身份证多次读取失败，请重新放置身份证', en: 'Reading failed several times; place the card again', retryable: false },
  // Card data
  HQ_ERR_IDCARD_ID_NUMBER_INVALID: { zh: '公民身份号码校验失败', en: 'The ID number on the card fails its check', retryable: false },
  HQ_ERR_IDCARD_TEXT_INVALID: { zh: '身份证文字信息格式错误', en: 'The text on the card is malformed', retryable: false },
  HQ_ERR_IDCARD_CARD_TYPE_UNSUPPORTED: { zh: '暂不支持该类证件', en: 'This kind of card is not supported', retryable: false },
} as const satisfies Record<string, { zh: string; en: string; retryable: boolean }>;

export type IdCardErrorCode = keyof typeof IDCARD_ERRORS;

export abstract class IdCardError extends DeviceError<IdCardErrorCode> {
  abstract readonly kind: 'status' | 'driver' | 'data';
  constructor(code: IdCardErrorCode, detail?: string, opts: { cause?: unknown } = {}) {
    super(code, IDCARD_ERRORS[code], detail, opts);
  }
}

/** Where a failing SW3 points: the link, our command, the card on the reader, or the SAM. */
export type Sw3Scope = 'link' | 'command' | 'card' | 'sam';

/** The reader answered with a failing SW3. */
export class IdCardStatusError extends IdCardError {
  readonly kind = 'status' as const;
  override name = 'IdCardStatusError';
  constructor(
    code: IdCardErrorCode,
    readonly sw3: number,
    readonly scope: Sw3Scope,
    /** The command that got this answer (`findCard`, `readBase`, …). */
    readonly command: string,
  ) {
    super(code, `SW3 0x${sw3.toString(16).padStart(2, '0').toUpperCase()} on ${command}`);
  }
}

/** The host side failed: like the vendor SDK's own return codes (never on the wire). */
export class IdCardDriverError extends IdCardError {
  readonly kind = 'driver' as const;
  override name = 'IdCardDriverError';
  /** The vendor SDK's return code for the same failure, when there is one (0x01, 0x02, 0x03, 0x05). */
  readonly sdkCode: number | undefined;
  constructor(code: IdCardErrorCode, detail?: string, opts: { cause?: unknown; sdkCode?: number } = {}) {
    super(code, detail, opts);
    this.sdkCode = opts.sdkCode;
  }
}

/** The card's text block is not acceptable. Messages never carry a full ID number. */
export class IdCardDataError extends IdCardError {
  readonly kind = 'data' as const;
  override name = 'IdCardDataError';
  constructor(
    code: IdCardErrorCode,
    readonly field: string,
    detail?: string,
  ) {
    super(code, detail ? `${field}: ${detail}` : field);
  }
}
