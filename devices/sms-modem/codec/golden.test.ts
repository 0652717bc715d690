import { describe, expect, it } from 'vitest';
import { decodePdu } from './decode-pdu.ts';
import { encodeSubmit } from './encode-submit.ts';
import { encodeDeliver, encodeStatusReport } from './encode-deliver.ts';

// Published PDUs, byte for byte. Each names where it was published; the meaning of each octet is
// read from 3GPP TS 23.040 §9.2, not from the page.

/** A local time in a zone of `hours` east of UTC, as ms since the epoch. */
const at = (y: number, mo: number, d: number, h: number, mi: number, s: number, hours: number) => Date.UTC(y, mo - 1, d, h, mi, s) - hours * 3_600_000;

describe('SMS-SUBMIT goldens', () => {
  it('"hellohello", 7-bit, international number, relative validity 0xAA', () => {
    // dreamfabric.com "SMS messages and the PDU format" (mirrored at turbocontrol.com/CoolStuff and subnets.ru/saved/sms_pdu_format.html).
    const [pdu] = encodeSubmit('+46708251358', 'hellohello', { statusReport: false, validity: 0xaa });
    expect(pdu).toEqual({ hex: '0011000B916407281553F80000AA0AE8329BFD4697D9EC37', tpduLength: 23 });
  });

  it('"hello" in UCS-2 to a bare mobile number, no validity period', () => {
    // Neoway N11 AT command manual, SMS PDU example (easymanua.ls/neoway/n11-v2/manual?p=131): AT+CMGS=23.
    const [pdu] = encodeSubmit('13421839693', 'hello', { statusReport: false, validity: null, alphabet: 'ucs2' });
    expect(pdu).toEqual({ hex: '0001000B813124819396F300080A00680065006C006C006F', tpduLength: 23 });
  });

  it('Chinese in UCS-2 to +86', () => {
    // A Chinese tutorial on sending PDU SMS by AT command, to +8613602433649 with "工作愉快！"
    // (test.internet-directory.com/showthread.php?t=1232076): "11000D91683106423346F90008000A5DE54F5C61095FEBFF01", AT+CMGS=25.
    const [pdu] = encodeSubmit('+8613602433649', '工作愉快！', { statusReport: false, validity: 0x00 });
    expect(pdu).toEqual({ hex: '0011000D91683106423346F90008000A5DE54F5C61095FEBFF01', tpduLength: 25 });
  });

  it('sets TP-SRR by default, so the centre sends a delivery report', () => {
    const [pdu] = encodeSubmit('+46708251358', 'hellohello', { validity: 0xaa });
    expect(pdu!.hex.slice(2, 4)).toBe('31');
    expect(decodePdu(pdu!.hex)).toMatchObject({ type: 'submit', statusReportRequested: true, to: '+46708251358', text: 'hellohello' });
  });
});

describe('SMS-DELIVER goldens', () => {
  it('"hellohello", 7-bit, with its service centre and a +2 h timestamp', () => {
    // dreamfabric.com "SMS messages and the PDU format" (also luteus.biz LoriotPro docs, subnets.ru).
    const m = decodePdu('07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37');
    expect(m).toMatchObject({
      type: 'deliver',
      sca: '+27381000015',
      // TOA 0xC8: subscriber number, national plan: digits without +.
      from: '27838890001',
      fromToa: 0xc8,
      alphabet: 'gsm7',
      text: 'hellohello',
      concat: null,
      scts: { at: at(1999, 3, 29, 15, 16, 59, 2), zoneMinutes: 120 },
    });
  });

  it('"How are you?" read from a Jindi modem', () => {
    // jdsms.com.cn/helpdesk/frontArticle/136 (a Jindi GSM modem's PDU). Its zone octet is 0x08: a
    // sign bit on zero quarters, which TS 23.040 reads as UTC.
    const m = decodePdu('07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07');
    expect(m).toMatchObject({ type: 'deliver', sca: '+31624000000', from: '+31641600986', text: 'How are you?', scts: { at: at(2002, 8, 26, 19, 37, 41, 0), zoneMinutes: 0 } });
  });

  it('"你好" in UCS-2 from a +86 number', () => {
    // csdndocs.com/article/9085087 "SMS短信解码举例(一)".
    const m = decodePdu('0891683108200505F0040D91683105155694F5000850208151754500044F60597D');
    expect(m).toMatchObject({ type: 'deliver', sca: '+8613800250500', from: '+8613505165495', dcs: 0x08, alphabet: 'ucs2', text: '你好', scts: { at: at(2005, 2, 18, 15, 57, 54, 0) } });
  });

  it('"你好!" with the reply-path bit set', () => {
    // e-com-net.com/article/1289364169782534144.htm, 例1. The article reads the zone octet 0x80 as
    // +8 h; TS 23.040 reads its semi-octets "08" as 8 quarters of an hour: +2 h.
    const m = decodePdu('0891683108200505F0840D91683196032930F00008303021806354800' + '64F60597D0021');
    expect(m).toMatchObject({ type: 'deliver', from: '+8613693092030', text: '你好!', scts: { at: at(2003, 3, 12, 8, 36, 45, 2), zoneMinutes: 120 } });
  });

  it('encodes what it decodes: the simulator’s deliver of the csdndocs golden is byte-identical', () => {
    const [pdu] = encodeDeliver('+8613505165495', '你好', { at: at(2005, 2, 18, 15, 57, 54, 0), zoneMinutes: 0 }, { sca: '+8613800250500' });
    expect(pdu!.hex).toBe('0891683108200505F0040D91683105155694F5000850208151754500044F60597D');
  });
});

describe('SMS-STATUS-REPORT goldens', () => {
  it('a delivered report as +CDS gave it, without a service centre', () => {
    // amro.blogspot.com/2007/09/receiving-sms-status-report-message.html: "+CDS: 06000B91…8000".
    const hex = '06000B910221815716F2709021510121807090215101718000';
    const r = decodePdu(hex, hex.length / 2);
    expect(r).toEqual({
      type: 'status-report',
      sca: null,
      messageRef: 0,
      recipient: '+20121875612',
      recipientToa: 0x91,
      scts: { at: at(2007, 9, 12, 15, 10, 12, 2), zoneMinutes: 120 },
      dischargeTime: { at: at(2007, 9, 12, 15, 10, 17, 2), zoneMinutes: 120 },
      status: 0,
    });
    // Our encoder writes the same TPDU.
    const mine = encodeStatusReport({ messageRef: 0, recipient: '+20121875612', scts: { at: at(2007, 9, 12, 15, 10, 12, 2), zoneMinutes: 120 }, dischargeTime: { at: at(2007, 9, 12, 15, 10, 17, 2), zoneMinutes: 120 }, status: 0, sca: null });
    expect(mine).toEqual({ hex: `00${hex}`, tpduLength: 25 });
  });

  it('China’s zone, +8 h, is 32 quarters: semi-octets "23"', () => {
    const r = encodeStatusReport({ messageRef: 7, recipient: '13800138000', scts: { at: at(2026, 12, 7, 9, 30, 0, 8), zoneMinutes: 480 }, dischargeTime: { at: at(2026, 12, 7, 9, 30, 5, 8), zoneMinutes: 480 }, status: 0x40, sca: null });
    expect(r.hex).toBe('0006070B813108108300F0' + '62217090030023' + '62217090035023' + '40');
    expect(decodePdu(r.hex)).toMatchObject({ messageRef: 7, recipient: '13800138000', status: 0x40, scts: { zoneMinutes: 480 } });
  });
});
