/** A text received, whole (concatenated parts joined) or, past the reassembly time, as far as it came. */
export interface SmsInbound {
  from: string;
  text: string;
  /** ms since the epoch, from the service centre's time stamp. */
  receivedAt: number;
  parts: number;
  complete: boolean;
  /** Stable id of the message, for idempotency (a message read twice after a crash is one message). */
  ref: string;
}

export interface SmsDelivery {
  messageRef: number;
  to: string;
  delivered: boolean;
  status: number;
  at: number;
}

/** What sends and receives texts: a GSM modem on a serial port, or an operator's HTTP gateway. */
export interface SmsChannel {
  /** Sends one text (split as needed). Resolves with one reference per part; rejects with a DeviceError when the modem/gateway refuses or is down. */
  send(to: string, text: string): Promise<{ refs: string[] }>;
  onInbound(handler: (m: SmsInbound) => Promise<void>): void;
  onDelivery(handler: (d: SmsDelivery) => void): void;
  state(): { state: 'ok' | 'degraded' | 'down'; lastError: string | null };
  close(): Promise<void>;
}
