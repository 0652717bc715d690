import { describe, expect, it } from 'vitest';
import { h, hex } from '../test-support/hex.ts';
import { encodeLedText } from './gb-text.ts';
import { bx56PingData, dualClearScreenData, dualPingData, dualTextAreaData, ONBON_COLOR, parseReply, replyData } from './onbon-commands.ts';
import { OnbonDecoder } from './onbon-decoder.ts';
import { crc16Arc } from './onbon-crc16.ts';
import { bx56Header, dualHeader, encodeOnbonFrame } from './onbon-frame.ts';
import { encodeSimpleBarFrame } from './simple-bar-encode.ts';
import { SIMPLE_BAR_CMD } from './simple-bar-frame.ts';

// Every byte string below is copied from hardware.md §5 (which reproduces the vendor manual and a
// public driver's captured frames). The encoders must match them byte for byte.

const A5x8 = 'A5 A5 A5 A5 A5 A5 A5 A5';

describe('hardware.md §5.2 simple-bar vector', () => {
  it('addr 3 "A012 请到3号窗口" static', () => {
    const { bytes, replaced } = encodeLedText('A012 请到3号窗口', 'gb2312');
    expect(replaced).toEqual([]);
    const frame = encodeSimpleBarFrame({ address: 3, cmd: SIMPLE_BAR_CMD.show, data: bytes });
    expect(hex(frame)).toBe(hex(h('02 03 01 10 41 30 31 32 20 C7 EB B5 BD 33 BA C5 B4 B0 BF DA 49 03')));
  });
});

describe('README.md simple-bar examples (the spec’s own vectors)', () => {
  const frame = (address: number, cmd: number, data?: Uint8Array) => hex(encodeSimpleBarFrame({ address, cmd, ...(data ? { data } : {}) }));
  const gb = (t: string) => encodeLedText(t, 'gb2312').bytes;
  it.each([
    ['pause, bar 3', frame(3, SIMPLE_BAR_CMD.show, gb('暂停服务')), '02 03 01 08 D4 DD CD A3 B7 FE CE F1 1B 03'],
    ['scroll, bar 12', frame(12, SIMPLE_BAR_CMD.scroll, gb('A012 请到12号窗口')), '02 0C 02 11 41 30 31 32 20 C7 EB B5 BD 31 32 BA C5 B4 B0 BF DA 74 03'],
    ['two lines, bar 5', frame(5, SIMPLE_BAR_CMD.show, gb('A012\n请到5号窗口')), '02 05 01 10 41 30 31 32 0A C7 EB B5 BD 35 BA C5 B4 B0 BF DA 63 03'],
    ['broadcast pause', frame(0, SIMPLE_BAR_CMD.show, gb('暂停服务')), '02 00 01 08 D4 DD CD A3 B7 FE CE F1 18 03'],
    ['clear, bar 3', frame(3, SIMPLE_BAR_CMD.clear), '02 03 03 00 00 03'],
    ['brightness 8, bar 3', frame(3, SIMPLE_BAR_CMD.brightness, Uint8Array.of(8)), '02 03 04 01 08 0E 03'],
    ['ping, bar 3', frame(3, SIMPLE_BAR_CMD.ping), '02 03 05 00 06 03'],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });
});

describe('hardware.md §5.1 Onbon vectors', () => {
  it('CRC-16/ARC: table start 0000 C0C1 C181 0140 and the check value of "123456789"', () => {
    expect([0, 1, 2, 3].map((n) => crc16Arc(Uint8Array.of(n)))).toEqual([0x0000, 0xc0c1, 0xc181, 0x0140]);
    expect(crc16Arc(Buffer.from('123456789'))).toBe(0xbb3d);
  });

  it('5th/6th-generation ping from the vendor manual (CRC 0x86C6)', () => {
    const frame = encodeOnbonFrame(bx56Header({ dst: 0xfffe, deviceType: 0xfffe }), bx56PingData());
    expect(hex(frame)).toBe(hex(h(`${A5x8} FE FF 00 80 F0 00 FE FF 00 00 00 00 05 00 00 00 01 A2 00 00 00 C6 86 5A`)));
  });

  it('dual-colour ping as captured (…A2 00 01 00 00 68 F8 5A)', () => {
    const frame = encodeOnbonFrame(dualHeader({ dst: 1 }), dualPingData());
    expect(hex(frame)).toBe(hex(h(`${A5x8} 01 00 00 80 00 00 00 00 00 00 FE 02 05 00 A2 00 01 00 00 68 F8 5A`)));
  });

  it('dual-colour clear as captured (…A3 10 01 00 00 51 F8 5A)', () => {
    const frame = encodeOnbonFrame(dualHeader({ dst: 1 }), dualClearScreenData());
    expect(hex(frame)).toBe(hex(h(`${A5x8} 01 00 00 80 00 00 00 00 00 00 FE 02 05 00 A3 10 01 00 00 51 F8 5A`)));
  });

  it('text area 0, 64×16, red "A012"', () => {
    const text = Buffer.from(`${ONBON_COLOR.red}A012`, 'latin1');
    const data = dualTextAreaData({ area: { areaId: 0, x: 0, y: 0, width: 64, height: 16, text } });
    const frame = encodeOnbonFrame(dualHeader({ dst: 1 }), data);
    expect(hex(frame)).toBe(
      hex(
        h(`${A5x8} 01 00 00 80 00 00 00 00 00 00 FE 02 2B 00 A3 06 01 00 00 00 01 22 00 00 00 80 00 00 40 80 10 00 00 00 00 00 00 00 00 00 01 01 01
           00 00 00 07 00 00 00 5C 43 31 41 30 31 32 F5 96 5A`),
      ),
    );
  });
});

describe('Onbon controller replies, both layouts (CRC-16/ARC computed independently)', () => {
  // Controller screen 1 → PC 0x8000, dual-colour header, as the simulator sends them.
  const VECTORS = [
    { name: 'ACK, 5 bytes (the public C++ client)', ack: true, error: 0, layout: '5-byte', wire: `${A5x8} 00 80 01 00 00 00 00 00 00 00 FE 02 05 00 A0 00 00 00 00 64 DC 5A` },
    { name: 'NACK ERR_CHECKSUM, 5 bytes', ack: false, error: 5, layout: '5-byte', wire: `${A5x8} 00 80 01 00 00 00 00 00 00 00 FE 02 05 00 A0 01 05 00 00 75 21 5A` },
    { name: 'ACK, 9 bytes (the manual)', ack: true, error: 0, layout: '9-byte', wire: `${A5x8} 00 80 01 00 00 00 00 00 00 00 FE 02 09 00 00 A0 00 00 00 00 00 00 00 13 E5 5A` },
    { name: 'NACK ERR_CHECKSUM, 9 bytes', ack: false, error: 5, layout: '9-byte', wire: `${A5x8} 00 80 01 00 00 00 00 00 00 00 FE 02 09 00 00 A0 01 01 00 05 00 00 00 02 38 5A` },
  ] as const;

  it.each(VECTORS)('encodes $name', ({ ack, error, layout, wire }) => {
    expect(hex(encodeOnbonFrame(dualHeader({ dst: 0x8000, src: 1 }), replyData(ack, error, layout)))).toBe(hex(h(wire)));
  });

  it.each(VECTORS)('decodes $name', ({ ack, error, wire }) => {
    const [item] = new OnbonDecoder().push(h(wire));
    expect(item?.ok && item.frame.header).toMatchObject({ dst: 0x8000, src: 1 });
    expect(item?.ok && parseReply(item.frame.data)).toEqual({ ack, error });
  });

  it('decodes an ACK whose source is 0x8000 (controllers that answer from the PC’s address)', () => {
    const wire = `${A5x8} 01 00 00 80 00 00 00 00 00 00 FE 02 05 00 A0 00 00 00 00 40 F8 5A`;
    expect(hex(encodeOnbonFrame(dualHeader({ dst: 1, src: 0x8000 }), replyData(true)))).toBe(hex(h(wire)));
    const [item] = new OnbonDecoder().push(h(wire));
    expect(item?.ok && parseReply(item.frame.data)).toEqual({ ack: true, error: 0 });
  });
});
