import { describe, expect, it } from 'vitest';
import { decodeAddress, encodeAddress, encodeAlphanumericAddress } from './address.ts';
import { AtLineDecoder } from './at-lines.ts';
import { ConcatAssembler } from './concat-assembler.ts';
import { decodePdu } from './decode-pdu.ts';
import { encodeDeliver } from './encode-deliver.ts';
import { encodeSubmit } from './encode-submit.ts';
import { fromSeptets, packSeptets, toSeptets, unpackSeptets } from './gsm7.ts';
import { splitText } from './split-text.ts';
import { alphabetOfDcs } from './user-data.ts';

const T0 = { at: Date.UTC(2026, 11, 7, 1, 2, 3), zoneMinutes: 480 };

describe('GSM 7-bit alphabet', () => {
  it('puts the letters, digits and specials where TS 23.038 has them', () => {
    expect(toSeptets('@A a0 ¡¿à')).toEqual([0x00, 0x41, 0x20, 0x61, 0x30, 0x20, 0x40, 0x60, 0x7f]);
    expect(toSeptets('€[]')).toEqual([0x1b, 0x65, 0x1b, 0x3c, 0x1b, 0x3e]);
    expect(toSeptets('你')).toBeNull();
    expect(fromSeptets([0x1b, 0x65, 0x48, 0x69])).toBe('€Hi');
  });

  it('packs "hellohello" into the octets every PDU tutorial shows', () => {
    expect(packSeptets(toSeptets('hellohello')!).toString('hex').toUpperCase()).toBe('E8329BFD4697D9EC37');
    expect(fromSeptets(unpackSeptets(Buffer.from('E8329BFD4697D9EC37', 'hex'), 10))).toBe('hellohello');
  });
});

describe('addresses', () => {
  it('writes +86 numbers international and bare ones as dialled', () => {
    expect(encodeAddress('+8613800138000').toString('hex').toUpperCase()).toBe('0D91683108108300F0');
    expect(encodeAddress('13800138000').toString('hex').toUpperCase()).toBe('0B813108108300F0');
    expect(() => encodeAddress('138-0013')).toThrow(TypeError);
  });

  it('reads national (0xA1) numbers as digits and alphanumeric senders as text', () => {
    expect(decodeAddress(Buffer.from('0BA13108108300F0', 'hex'), 0)).toEqual({ number: '13800138000', toa: 0xa1, next: 8 });
    expect(decodeAddress(encodeAlphanumericAddress('ChinaMobile'), 0).number).toBe('ChinaMobile');
  });
});

describe('data coding scheme', () => {
  it('reads the alphabet of each group, and refuses compressed text', () => {
    expect([0x00, 0x04, 0x08, 0x18, 0xf0, 0xf4, 0xe0].map(alphabetOfDcs)).toEqual(['gsm7', '8bit', 'ucs2', 'ucs2', 'gsm7', '8bit', 'ucs2']);
    expect(() => alphabetOfDcs(0x28)).toThrow('compressed');
  });

  it('reads 8-bit data as Latin-1', () => {
    const [pdu] = encodeDeliver('10086', 'x', T0, { sca: null });
    // Swap in DCS 0x04 and two octets of data.
    const hex = pdu!.hex.replace(/0000(.{14})01.*$/, '0004$102' + '4F4B');
    expect(decodePdu(hex)).toMatchObject({ alphabet: '8bit', text: 'OK' });
  });
});

describe('splitting', () => {
  it('keeps 70 UCS-2 / 160 7-bit characters in one message, and cuts 67 / 153 a part beyond', () => {
    expect(splitText('字'.repeat(70), 'ucs2')).toHaveLength(1);
    expect(splitText('字'.repeat(71), 'ucs2').map((p) => p.length)).toEqual([67, 4]);
    expect(splitText('a'.repeat(160), 'gsm7')).toHaveLength(1);
    expect(splitText('a'.repeat(161), 'gsm7').map((p) => p.length)).toEqual([153, 8]);
    expect(splitText('字'.repeat(134), 'ucs2', 16).map((p) => p.length)).toEqual([66, 66, 2]);
  });

  it('never cuts an escaped character or a surrogate pair in two', () => {
    const gsm = splitText(`${'a'.repeat(152)}€b${'c'.repeat(20)}`, 'gsm7');
    expect(gsm[0]).toBe('a'.repeat(152));
    expect(gsm[1]!.startsWith('€b')).toBe(true);
    const emoji = splitText(`${'字'.repeat(66)}😀${'字'.repeat(10)}`, 'ucs2');
    expect(emoji[0]).toBe('字'.repeat(66));
  });

  it('marks every part with one UDH (IEI 0x00) and the reference, count and sequence', () => {
    const parts = encodeSubmit('+8613800138000', '办'.repeat(100), { concatRef: 0x5a });
    expect(parts).toHaveLength(2);
    // First octet: SUBMIT, relative VP, SRR, UDHI.
    expect(parts[0]!.hex.slice(2, 4)).toBe('71');
    expect(parts.map((p) => decodePdu(p.hex))).toMatchObject([
      { type: 'submit', concat: { ref: 0x5a, refBits: 8, total: 2, seq: 1 }, text: '办'.repeat(67) },
      { type: 'submit', concat: { ref: 0x5a, refBits: 8, total: 2, seq: 2 }, text: '办'.repeat(33) },
    ]);
    expect(parts[0]!.hex).toContain('0500035A0201');
    const wide = encodeSubmit('+8613800138000', 'x'.repeat(200), { concatRef: 0x1234, refBits: 16 });
    expect(decodePdu(wide[1]!.hex)).toMatchObject({ concat: { ref: 0x1234, refBits: 16, total: 2, seq: 2 }, text: 'x'.repeat(48) });
  });

  it('refuses a text of more than 255 parts', () => {
    expect(() => encodeSubmit('10086', '字'.repeat(67 * 255 + 1))).toThrow(RangeError);
  });
});

describe('decodePdu on bad input', () => {
  it('says what is wrong rather than returning half a message', () => {
    expect(() => decodePdu('0791')).toThrow(RangeError);
    expect(() => decodePdu('xyz')).toThrow(TypeError);
    expect(() => decodePdu('0007')).toThrow('reserved');
  });
});

describe('AtLineDecoder', () => {
  it('splits lines at CR LF wherever the chunks break, and spots the CMGS prompt', () => {
    const d = new AtLineDecoder();
    const items = [...d.push(Buffer.from('\r\nO')), ...d.push(Buffer.from('K\r\n\r\n+CMTI: "SM",')), ...d.push(Buffer.from('3\r\n\r\n> '))];
    expect(items).toEqual([{ kind: 'line', text: 'OK' }, { kind: 'line', text: '+CMTI: "SM",3' }, { kind: 'prompt' }]);
    // A PDU echoed with its Ctrl-Z.
    expect(d.push(Buffer.from('0011\x1a\r\n'))).toEqual([{ kind: 'line', text: '0011' }]);
  });
});

describe('ConcatAssembler', () => {
  const part = (seq: number, text: string, from = '+8613800138000') => ({ from, concat: { ref: 9, refBits: 8 as const, total: 3, seq }, text, tag: seq });

  it('gives the message once every part is in, in sequence order, whatever order they came in', () => {
    const a = new ConcatAssembler<number>();
    expect(a.add(part(3, 'c'), 0)).toBeNull();
    expect(a.add(part(1, 'a'), 1)).toBeNull();
    expect(a.add(part(1, 'a'), 2)).toBeNull();
    expect(a.add(part(2, 'b'), 3)).toMatchObject({ text: 'abc', complete: true, total: 3 });
    expect(a.size).toBe(0);
  });

  it('keeps two senders’ messages with the same reference apart, and hands over the incomplete after the timeout', () => {
    const a = new ConcatAssembler<number>();
    a.add(part(1, 'a'), 0);
    a.add(part(2, 'B', '+8613900139000'), 500);
    expect(a.holds((tag) => tag === 2)).toBe(true);
    expect(a.expire(999, 1000)).toEqual([]);
    expect(a.oldest).toBe(0);
    const late = a.expire(1000, 1000);
    expect(late).toMatchObject([{ from: '+8613800138000', text: 'a', complete: false, total: 3 }]);
    expect(a.size).toBe(1);
  });
});
