/**
 * The SMS channel the hub codes against, whichever way a hall sends texts: a GSM modem (短信猫) on a
 * serial port (driver/sms-modem.ts) or the operator's HTTP gateway (src/sms/http-gateway.ts).
 * Phone numbers are personal data (DESIGN §5): implementations never log one whole.
 */

/** A received text, put together from its parts. */
export interface SmsInbound {
  /** `+8613800138000`, `10086`, or a sender name. */
  from: string;
  text: string;
  /** When the service centre took it (TP-SCTS of the first part), ms since the epoch. */
  receivedAt: number;
  /** How many parts the message had (what its header announced). */
  parts: number;
  /** False when some parts never came before the channel's timeout: `text` is what did, in order. */
  complete: boolean;
  /** Stable for the same message: a message delivered twice (after a crash) has the same ref. */
  ref: string;
}

/**
 * A delivery report for one part sent. `status` is TP-ST (3GPP TS 23.040 §9.2.3.15): 0x00–0x02
 * delivered; 0x20–0x3F the centre is still trying (another report follows); other values failed.
 */
export interface SmsDelivery {
  /** The reference `send` resolved with for that part (as a number). */
  messageRef: number;
  /** A gateway's own id of the message when it is not a number (what `send` resolved with). */
  ref?: string;
  to: string;
  delivered: boolean;
  status: number;
  /** When it was delivered or the status last changed (TP-DT), ms since the epoch. */
  at: number;
}

export interface SmsChannelState {
  /** `ok`; `degraded`: sends may fail (no network signal, the last send failed); `down`: nothing goes. */
  state: 'ok' | 'degraded' | 'down';
  /** The last failure's English message, null when none since the channel was last ok. */
  lastError: string | null;
}

export interface SmsChannel {
  /** Sends one text (split as needed). Resolves with one reference per part; rejects with a DeviceError when the modem/gateway refuses or is down. */
  send(to: string, text: string): Promise<{ refs: string[] }>;
  /**
   * The one handler of received texts. A message is acknowledged (deleted from the SIM, or answered
   * to the gateway) only after the handler's promise resolves; when it rejects the message is kept
   * and handed over again later, so the handler must be idempotent on `ref`.
   */
  onInbound(handler: (m: SmsInbound) => Promise<void>): void;
  /** The one handler of delivery reports. */
  onDelivery(handler: (d: SmsDelivery) => void): void;
  state(): SmsChannelState;
  /** Stops the channel; sends still queued reject with HQ_ERR_SMS_STOPPED. */
  close(): Promise<void>;
}
