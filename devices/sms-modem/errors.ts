import { DeviceError } from '../device-error.ts';

/**
 * The SMS channel's error catalogue: the GSM modem (短信猫) and the operator's HTTP gateway
 * (src/sms/http-gateway.ts) reject with the same SmsError, so the hub handles one kind whichever
 * channel a hall uses. Codes follow hallq's `HQ_ERR_<AREA>_<WHAT>` rule and are never reused.
 * `retryable`: whether sending the same text later can succeed without a person (the network is
 * back) or cannot (no SIM, a number that does not exist).
 */
export const SMS_ERRORS = {
  // The modem and its SIM
  HQ_ERR_SMS_MODEM_DOWN: { zh: '短信猫未连接', en: 'The SMS modem is not connected', retryable: true },
  HQ_ERR_SMS_NO_ANSWER: { zh: '短信猫无应答', en: 'The SMS modem did not answer', retryable: true },
  HQ_ERR_SMS_NO_SIM: { zh: '短信猫未插SIM卡或SIM卡故障', en: 'No SIM card in the SMS modem, or the SIM failed', retryable: false },
  HQ_ERR_SMS_SIM_PIN: { zh: 'SIM卡需要输入PIN码，请取消PIN码后重新插卡', en: 'The SIM card asks for a PIN; remove the PIN lock and insert it again', retryable: false },
  HQ_ERR_SMS_SIM_FULL: { zh: 'SIM卡短信存储已满', en: 'The SIM card message store is full', retryable: true },
  HQ_ERR_SMS_MODEM_ERROR: { zh: '短信猫报告错误', en: 'The SMS modem reported an error', retryable: true },
  HQ_ERR_SMS_NO_SMSC: { zh: '短信中心号码未设置', en: 'The SMS service centre number is not set on the SIM', retryable: false },
  // The network's answer to a message
  HQ_ERR_SMS_NETWORK: { zh: '移动网络故障或无信号，短信未发出', en: 'The mobile network is out of order or out of reach; the message was not sent', retryable: true },
  HQ_ERR_SMS_REFUSED: { zh: '短信被运营商拒绝', en: 'The operator refused the message', retryable: false },
  HQ_ERR_SMS_BAD_NUMBER: { zh: '手机号码无效', en: 'No such mobile number', retryable: false },
  // Ours
  HQ_ERR_SMS_TEXT_TOO_LONG: { zh: '短信内容过长', en: 'The text is too long for one concatenated message', retryable: false },
  HQ_ERR_SMS_BAD_PDU: { zh: '收到无法解析的短信数据', en: 'An SMS PDU could not be decoded', retryable: false },
  HQ_ERR_SMS_HANDLER_FAILED: { zh: '收到的短信处理失败，短信保留在SIM卡中稍后重试', en: 'Handling a received message failed; it stays on the SIM and is tried again', retryable: true },
  HQ_ERR_SMS_STOPPED: { zh: '短信通道已关闭', en: 'The SMS channel is closed', retryable: false },
  // The operator's HTTP gateway
  HQ_ERR_SMS_GATEWAY_REFUSED: { zh: '短信网关拒绝发送', en: 'The SMS gateway refused the message', retryable: false },
  HQ_ERR_SMS_GATEWAY_TIMEOUT: { zh: '短信网关响应超时', en: 'The SMS gateway did not answer in time', retryable: true },
  HQ_ERR_SMS_GATEWAY_UNAVAILABLE: { zh: '短信网关不可用', en: 'The SMS gateway is unavailable', retryable: true },
  HQ_ERR_SMS_GATEWAY_BAD_REPLY: { zh: '短信网关应答格式错误', en: 'The SMS gateway answered in an unexpected form', retryable: true },
} as const satisfies Record<string, { zh: string; en: string; retryable: boolean }>;

export type SmsErrorCode = keyof typeof SMS_ERRORS;

export class SmsError extends DeviceError<SmsErrorCode> {
  override name = 'SmsError';
  /** The modem's `+CMS ERROR` (3GPP TS 27.005 §3.2.5) or `+CME ERROR` number, when it gave one. */
  readonly cms: number | null;
  constructor(code: SmsErrorCode, detail?: string, opts: { cause?: unknown; cms?: number; detailZh?: string } = {}) {
    super(code, SMS_ERRORS[code], detail, { ...(opts.cause === undefined ? {} : { cause: opts.cause }), ...(opts.detailZh === undefined ? {} : { detailZh: opts.detailZh }) });
    this.cms = opts.cms ?? null;
  }
}

/**
 * `+CMS ERROR: <n>` → our code. 1–127 are the network's RP causes (3GPP TS 24.011 §E.2, passed on
 * by the modem), 300–500 the modem's own (TS 27.005 §3.2.5). Numbers not listed are a modem error.
 */
export function cmsErrorCode(n: number): SmsErrorCode {
  switch (n) {
    case 1: // unassigned (unallocated) number
    case 28: // unidentified subscriber
    case 30: // unknown subscriber
      return 'HQ_ERR_SMS_BAD_NUMBER';
    case 8: // operator determined barring
    case 10: // call barred
    case 21: // short message transfer rejected
    case 29: // facility rejected
    case 50: // requested facility not subscribed
    case 69: // the network does not offer this facility (RP cause 69)
      return 'HQ_ERR_SMS_REFUSED';
    case 27: // destination out of service
    case 38: // network out of order
    case 41: // temporary failure
    case 42: // congestion
    case 47: // resources unavailable, unspecified
    case 331: // no network service
    case 332: // network timeout
      return 'HQ_ERR_SMS_NETWORK';
    case 310: // SIM not inserted
    case 313: // SIM failure
    case 315: // SIM wrong
      return 'HQ_ERR_SMS_NO_SIM';
    case 311: // SIM PIN required
    case 312: // PH-SIM PIN required
    case 316: // SIM PUK required
      return 'HQ_ERR_SMS_SIM_PIN';
    case 322: // (SIM) memory full
      return 'HQ_ERR_SMS_SIM_FULL';
    case 330: // SMSC address unknown
      return 'HQ_ERR_SMS_NO_SMSC';
    default:
      return 'HQ_ERR_SMS_MODEM_ERROR';
  }
}
