import { decodeAddress, decodeSca, need } from './address.ts';
import type { SmsPdu } from './pdu.ts';
import { decodeTimestamp } from './timestamp.ts';
import { alphabetOfDcs, decodeUserData } from './user-data.ts';

/**
 * Decodes a PDU as a modem shows it in +CMGR, +CMGL and +CDS: hex, the service centre address
 * first. `tpduLength` is the <length> the modem gave beside it: the TPDU's octets. When the hex is
 * exactly that long, the modem left the service centre out (several do in +CDS), and none is read.
 * Which TPDU it is comes from TP-MTI as stored on a SIM: 00 DELIVER, 01 SUBMIT, 10 STATUS-REPORT.
 * Throws RangeError (truncated or malformed) or TypeError (not hex).
 */
export function decodePdu(hex: string, tpduLength?: number): SmsPdu {
  const clean = hex.trim();
  if (!/^([0-9a-fA-F]{2})+$/.test(clean)) throw new TypeError('a PDU is an even number of hex digits');
  const pdu = Buffer.from(clean, 'hex');
  const withoutSca = tpduLength !== undefined && pdu.length === tpduLength;
  const { sca, next } = withoutSca ? { sca: null, next: 0 } : decodeSca(pdu);
  const firstOctet = need(pdu, next);
  const mti = firstOctet & 0x03;
  const udhi = (firstOctet & 0x40) !== 0;
  if (mti === 0x00) {
    const from = decodeAddress(pdu, next + 1);
    const pid = need(pdu, from.next);
    const dcs = need(pdu, from.next + 1);
    const alphabet = alphabetOfDcs(dcs);
    const scts = decodeTimestamp(pdu, from.next + 2);
    const { text, concat } = decodeUserData(pdu, from.next + 9, udhi, alphabet);
    return { type: 'deliver', sca, from: from.number, fromToa: from.toa, pid, dcs, alphabet, scts, text, concat, statusReportIndicated: (firstOctet & 0x20) !== 0 };
  }
  if (mti === 0x01) {
    const messageRef = need(pdu, next + 1);
    const to = decodeAddress(pdu, next + 2);
    const pid = need(pdu, to.next);
    const dcs = need(pdu, to.next + 1);
    const alphabet = alphabetOfDcs(dcs);
    const vpf = (firstOctet >> 3) & 0x03;
    // Relative: one octet; enhanced and absolute: seven.
    const vpLength = vpf === 0 ? 0 : vpf === 2 ? 1 : 7;
    const validity = vpf === 2 ? need(pdu, to.next + 2) : null;
    const { text, concat } = decodeUserData(pdu, to.next + 2 + vpLength, udhi, alphabet);
    return { type: 'submit', sca, messageRef, to: to.number, toToa: to.toa, pid, dcs, alphabet, statusReportRequested: (firstOctet & 0x20) !== 0, validity, text, concat };
  }
  if (mti === 0x02) {
    const messageRef = need(pdu, next + 1);
    const recipient = decodeAddress(pdu, next + 2);
    const scts = decodeTimestamp(pdu, recipient.next);
    const dischargeTime = decodeTimestamp(pdu, recipient.next + 7);
    const status = need(pdu, recipient.next + 14);
    return { type: 'status-report', sca, messageRef, recipient: recipient.number, recipientToa: recipient.toa, scts, dischargeTime, status };
  }
  throw new RangeError(`TP-MTI 11 (first octet 0x${firstOctet.toString(16)}) is reserved`);
}
