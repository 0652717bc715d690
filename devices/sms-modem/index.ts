/**
 * GSM modem (短信猫) on a serial port, PDU mode. What the hub wires in:
 *
 *   const modem = new SmsModem(endpointForUri('smsModem', uri).transport, opts);
 *   modem.onInbound(async (m: SmsInbound) => …); modem.onDelivery((d: SmsDelivery) => …);
 *   modem.on('status', (s) => …); modem.on('error', (e) => …);
 *   modem.start(); await modem.send(to, text); … await modem.close();
 *
 * `SmsChannel` is the interface the operator's HTTP gateway (src/sms/http-gateway.ts) implements
 * too. The rest is exported for tests, the simulator and other tools.
 */
export type { SmsChannel, SmsChannelState, SmsDelivery, SmsInbound } from './channel.ts';
export { SmsModem, inboundRef, type SmsModemEvents, type SmsModemOptions } from './driver/sms-modem.ts';
export { AtChannel, type AtCommand, type Urc } from './driver/at-channel.ts';
export { SMS_ERRORS, SmsError, cmsErrorCode, type SmsErrorCode } from './errors.ts';

export { SmsModemSimulator, type SentSms, type SmsModemSimulatorOptions } from './simulator/sms-modem-simulator.ts';
export { runSmsModemOnSerial, type SerialSmsModem } from './simulator/run-on-serial.ts';

export { decodePdu } from './codec/decode-pdu.ts';
export { encodeSubmit, type EncodedSubmit, type SubmitOptions } from './codec/encode-submit.ts';
export { encodeDeliver, encodeStatusReport, type DeliverOptions, type EncodedPdu, type StatusReportInput } from './codec/encode-deliver.ts';
export { isDelivered, type DeliverPdu, type SmsPdu, type StatusReportPdu, type SubmitPdu } from './codec/pdu.ts';
export { chooseAlphabet, splitText, MAX_PARTS, SINGLE_LIMIT, PART_LIMIT_8BIT_REF, PART_LIMIT_16BIT_REF } from './codec/split-text.ts';
export { decodeTimestamp, encodeTimestamp, type SmsTimestamp } from './codec/timestamp.ts';
export { encodeAddress, decodeAddress, isPhoneNumber, TOA_INTERNATIONAL, TOA_NATIONAL, TOA_UNKNOWN } from './codec/address.ts';
export { ConcatAssembler, type Assembled, type HeldPart } from './codec/concat-assembler.ts';
export { AtLineDecoder, type AtItem } from './codec/at-lines.ts';
export type { Alphabet, ConcatInfo } from './codec/user-data.ts';
