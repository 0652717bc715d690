import type { SmsTimestamp } from './timestamp.ts';
import type { Alphabet, ConcatInfo } from './user-data.ts';

/** A received message (SMS-DELIVER, 3GPP TS 23.040 §9.2.2.1), one part of it when concatenated. */
export interface DeliverPdu {
  type: 'deliver';
  /** The service centre that delivered it, null when the PDU had none. */
  sca: string | null;
  /** `+8613800138000`, `10086`, or a sender name. */
  from: string;
  fromToa: number;
  pid: number;
  dcs: number;
  alphabet: Alphabet;
  /** TP-SCTS: when the service centre took the message. */
  scts: SmsTimestamp;
  text: string;
  concat: ConcatInfo | null;
  /** TP-SRI: the sender asked for a status report. */
  statusReportIndicated: boolean;
}

/** A message sent or to be sent (SMS-SUBMIT, §9.2.2.2), as the simulator reads it and a SIM stores it. */
export interface SubmitPdu {
  type: 'submit';
  sca: string | null;
  messageRef: number;
  to: string;
  toToa: number;
  pid: number;
  dcs: number;
  alphabet: Alphabet;
  statusReportRequested: boolean;
  /** TP-VP in relative form (one octet), null when absent. */
  validity: number | null;
  text: string;
  concat: ConcatInfo | null;
}

/**
 * A delivery report (SMS-STATUS-REPORT, §9.2.2.3). `status` is TP-ST (§9.2.3.15): 0x00–0x1F the
 * transaction is over (0x00 received, 0x01 forwarded unconfirmed, 0x02 replaced; above: failed),
 * 0x20–0x3F the centre still tries, 0x40–0x7F it gave up.
 */
export interface StatusReportPdu {
  type: 'status-report';
  sca: string | null;
  messageRef: number;
  recipient: string;
  recipientToa: number;
  /** When the centre took the original message. */
  scts: SmsTimestamp;
  /** TP-DT: when it was delivered, or the status last changed. */
  dischargeTime: SmsTimestamp;
  status: number;
}

export type SmsPdu = DeliverPdu | SubmitPdu | StatusReportPdu;

/** TP-ST that mean the recipient has the message. */
export function isDelivered(status: number): boolean {
  return status >= 0x00 && status <= 0x02;
}
