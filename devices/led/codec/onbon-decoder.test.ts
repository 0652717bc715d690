import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { h } from '../test-support/hex.ts';
import { encodeLedText } from './gb-text.ts';
import { dualClearScreenData, dualPingData, dualTextAreaData, parseDualTextAreaData, parseReply, replyData } from './onbon-commands.ts';
import { type OnbonDecoded, OnbonDecoder } from './onbon-decoder.ts';
import { escapePhy1, unescapePhy1 } from './onbon-escape.ts';
import { bx56Header, dualHeader, encodeOnbonFrame } from './onbon-frame.ts';

const PING = encodeOnbonFrame(dualHeader(), dualPingData());
const CLEAR = encodeOnbonFrame(dualHeader(), dualClearScreenData());
const BX56_PING = h('A5 A5 A5 A5 A5 A5 A5 A5 FE FF 00 80 F0 00 FE FF 00 00 00 00 05 00 00 00 01 A2 00 00 00 C6 86 5A');
// "Z[" are 0x5A 0x5B; "αΔ" are A6 C1 / A6 A4 in GB2312: every escape case inside one text area.
const AREA = encodeOnbonFrame(
  dualHeader(),
  dualTextAreaData({ area: { areaId: 1, x: 0, y: 16, width: 0xa5, height: 16, text: encodeLedText('Z[αΔ 请到3号窗口').bytes } }),
);
const ACK = encodeOnbonFrame(dualHeader({ dst: 0x8000, src: 1 }), replyData(true, 0, '9-byte'));
const SHORT_ACK = encodeOnbonFrame(dualHeader({ dst: 0x8000, src: 1 }), replyData(true));

function kinds(items: OnbonDecoded[]): string[] {
  return items.map((i) => (i.ok ? `${i.frame.header.variant}:${i.frame.data.subarray(0, 2).toString('hex')}` : `bad:${i.reason}`));
}

const STREAM = Buffer.concat([PING, AREA, BX56_PING, CLEAR, ACK, SHORT_ACK]);
const EXPECTED = ['dual:a200', 'dual:a306', 'bx56:01a2', 'dual:a310', 'dual:00a0', 'dual:a000'];

describe('Onbon escaping', () => {
  it('escapes A5 A6 5A 5B and nothing else, and undoes it', () => {
    const raw = h('00 A5 A6 5A 5B 01 02 A4 59');
    expect(escapePhy1(raw)).toEqual(h('00 A6 02 A6 01 5B 02 5B 01 01 02 A4 59'));
    expect(unescapePhy1(escapePhy1(raw))).toEqual(raw);
    expect(unescapePhy1(h('00 A6 03'))).toBeNull();
    expect(unescapePhy1(h('00 5B'))).toBeNull();
  });

  it('round-trips any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => Buffer.from(raw).equals(unescapePhy1(escapePhy1(raw))!)), { numRuns: 300, seed: 3 });
  });

  it('the text-area frame with Z [ α Δ and width 0xA5 has no A5 or 5A inside', () => {
    const body = AREA.subarray(8, AREA.length - 1);
    expect(body.includes(0xa5)).toBe(false);
    expect(body.includes(0x5a)).toBe(false);
  });
});

describe('OnbonDecoder: chunking', () => {
  it('decodes the same frames whatever single offset the stream is split at', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const d = new OnbonDecoder();
      expect(kinds([...d.push(STREAM.subarray(0, cut)), ...d.push(STREAM.subarray(cut))]), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('decodes the same frames for every pair of split offsets, and byte by byte', () => {
    for (let a = 0; a <= STREAM.length; a += 1) {
      for (let b = a; b <= STREAM.length; b += 3) {
        const d = new OnbonDecoder();
        expect(kinds([...d.push(STREAM.subarray(0, a)), ...d.push(STREAM.subarray(a, b)), ...d.push(STREAM.subarray(b))])).toEqual(EXPECTED);
      }
    }
    const d = new OnbonDecoder();
    expect(kinds([...STREAM].flatMap((b) => d.push(Uint8Array.of(b))))).toEqual(EXPECTED);
  });

  it('gives the text area back as sent', () => {
    const [item] = new OnbonDecoder().push(AREA);
    expect(item?.ok).toBe(true);
    if (!item?.ok) return;
    const parsed = parseDualTextAreaData(item.frame.data);
    expect(parsed?.areas[0]).toMatchObject({ areaId: 1, x: 0, y: 16, width: 0xa5, height: 16 });
    expect(parsed?.areas[0]?.text).toEqual(encodeLedText('Z[αΔ 请到3号窗口').bytes);
  });
});

describe('OnbonDecoder: garbage and resync', () => {
  it('drops noise before and between frames; a stray 5A outside a frame is noise', () => {
    const d = new OnbonDecoder();
    expect(kinds(d.push(Buffer.concat([h('00 5A 12 34'), PING, h('5A 5A FF'), CLEAR])))).toEqual(['dual:a200', 'dual:a310']);
    expect(d.stats.droppedBytes).toBe(7);
  });

  it('a frame cut by a new A5 is reported as truncated and the new frame decodes', () => {
    const d = new OnbonDecoder();
    expect(kinds(d.push(Buffer.concat([AREA.subarray(0, 30), PING])))).toEqual(['bad:truncated', 'dual:a200']);
  });

  it('reports a bad CRC, a bad escape and a bad length, and carries on', () => {
    const badCrc = Buffer.from(PING);
    badCrc[badCrc.length - 2]! ^= 1;
    const badEscape = Buffer.concat([PING.subarray(0, 12), h('A6 07'), PING.subarray(12)]);
    const badLength = Buffer.concat([PING.subarray(0, -3), h('00'), PING.subarray(-3)]);
    const d = new OnbonDecoder();
    expect(kinds(d.push(Buffer.concat([badCrc, badEscape, badLength, CLEAR])))).toEqual(['bad:check', 'bad:escape', 'bad:length', 'dual:a310']);
  });

  it('drops an endless frame at maxFrameBytes and recovers', () => {
    const d = new OnbonDecoder({ maxFrameBytes: 100 });
    const got = d.push(Buffer.concat([h('A5 01'), Buffer.alloc(300, 0x11), PING]));
    expect(kinds(got)).toEqual(['bad:too-long', 'dual:a200']);
  });

  it('checkMode 1 (sum) and 2 (none) frames decode', () => {
    const sum = encodeOnbonFrame(dualHeader({ checkMode: 1 }), dualPingData());
    const none = encodeOnbonFrame(dualHeader({ checkMode: 2 }), dualPingData());
    expect(kinds(new OnbonDecoder().push(Buffer.concat([sum, none])))).toEqual(['dual:a200', 'dual:a200']);
  });

  it('survives random noise mixed with frames, split at random', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 30 }), fc.constantFrom(PING, CLEAR, AREA, BX56_PING, ACK)), { maxLength: 6 }),
        fc.integer({ min: 1, max: 50 }),
        (parts, step) => {
          // Noise never carries A5 here (an A5 in noise legitimately starts a frame that the next A5 cuts).
          const wire = Buffer.concat(parts.flatMap(([noise, frame]) => [Buffer.from(noise.map((b) => (b === 0xa5 ? 0 : b))), frame]));
          const d = new OnbonDecoder();
          const got: OnbonDecoded[] = [];
          for (let i = 0; i < wire.length; i += step) got.push(...d.push(wire.subarray(i, i + step)));
          return got.filter((g) => g.ok).length === parts.length;
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('Onbon replies', () => {
  it('parses ACK and NACK with the error register, in either placement of the A0 group', () => {
    for (const layout of ['5-byte', '9-byte'] as const) {
      expect(parseReply(replyData(true, 0, layout))).toEqual({ ack: true, error: 0 });
      expect(parseReply(replyData(false, 5, layout))).toEqual({ ack: false, error: 5 });
    }
    expect(parseReply(h('A0 01 01 00 03 00 00 00'))).toEqual({ ack: false, error: 3 });
    expect(parseReply(h('A3 06 01 00 00'))).toBeNull();
  });

  it('5th/6th-generation header round-trips', () => {
    const [item] = new OnbonDecoder().push(encodeOnbonFrame(bx56Header({ dst: 7, deviceType: 0x0174 }), Buffer.from('hi')));
    expect(item).toEqual({ ok: true, frame: { header: { variant: 'bx56', dst: 7, src: 0x8000, protocolVersion: 0xf0, deviceType: 0x0174 }, data: Buffer.from('hi') } });
  });
});
