import { encodeAddress, encodeAlphanumericAddress, encodeSemiOctets, isPhoneNumber } from './address.ts';
import { chooseAlphabet, MAX_PARTS, splitText } from './split-text.ts';
import { encodeTimestamp, type SmsTimestamp } from './timestamp.ts';
import { dcsOf, encodeUserData } from './user-data.ts';

/**
 * The network's side, for the simulator and tests: SMS-DELIVER and SMS-STATUS-REPORT PDUs as a
 * modem stores them (service centre address first).
 */

export interface DeliverOptions {
  /** The service centre written before the TPDU; null writes `00` (none). Default +8613800100500. */
  sca?: string | null;
  alphabet?: 'auto' | 'ucs2';
  /** The concatenation reference when the text needs several parts. Default 0. */
  concatRef?: number;
  refBits?: 8 | 16;
}

/** One PDU as AT+CMGR / AT+CMGL shows it. */
export interface EncodedPdu {
  hex: string;
  tpduLength: number;
}

const DEFAULT_SCA = '+8613800100500';

/** `from`'s text as one or more SMS-DELIVER PDUs stamped `scts`. A sender that is not a number goes as a name. */
export function encodeDeliver(from: string, text: string, scts: SmsTimestamp, opts: DeliverOptions = {}): EncodedPdu[] {
  const sca = encodeSca(opts.sca === undefined ? DEFAULT_SCA : opts.sca);
  const address = isPhoneNumber(from) ? encodeAddress(from) : encodeAlphanumericAddress(from);
  const alphabet = chooseAlphabet(text, opts.alphabet ?? 'auto');
  const refBits = opts.refBits ?? 8;
  const parts = splitText(text, alphabet, refBits);
  if (parts.length > MAX_PARTS) throw new RangeError(`the text needs ${parts.length} parts; at most ${MAX_PARTS}`);
  return parts.map((part, i) => {
    const concat = parts.length > 1 ? { ref: opts.concatRef ?? 0, refBits, total: parts.length, seq: i + 1 } : null;
    const { udl, ud } = encodeUserData(part, alphabet, concat);
    // MTI 00 (DELIVER), MMS set (no more messages waiting), UDHI when a header leads the data.
    const firstOctet = 0x04 | (concat ? 0x40 : 0);
    const tpdu = Buffer.concat([Buffer.from([firstOctet]), address, Buffer.from([0x00, dcsOf(alphabet)]), encodeTimestamp(scts), Buffer.from([udl]), ud]);
    return { hex: Buffer.concat([sca, tpdu]).toString('hex').toUpperCase(), tpduLength: tpdu.length };
  });
}

export interface StatusReportInput {
  messageRef: number;
  recipient: string;
  scts: SmsTimestamp;
  dischargeTime: SmsTimestamp;
  status: number;
  sca?: string | null;
}

export function encodeStatusReport(r: StatusReportInput): EncodedPdu {
  const sca = encodeSca(r.sca === undefined ? DEFAULT_SCA : r.sca);
  // MTI 10 (STATUS-REPORT), MMS set.
  const tpdu = Buffer.concat([Buffer.from([0x06, r.messageRef & 0xff]), encodeAddress(r.recipient), encodeTimestamp(r.scts), encodeTimestamp(r.dischargeTime), Buffer.from([r.status])]);
  return { hex: Buffer.concat([sca, tpdu]).toString('hex').toUpperCase(), tpduLength: tpdu.length };
}

function encodeSca(sca: string | null): Buffer {
  if (sca === null) return Buffer.from([0]);
  const international = sca.startsWith('+');
  const digits = encodeSemiOctets(international ? sca.slice(1) : sca);
  return Buffer.concat([Buffer.from([digits.length + 1, international ? 0x91 : 0x81]), digits]);
}
