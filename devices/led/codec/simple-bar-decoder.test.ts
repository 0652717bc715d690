import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { h } from '../test-support/hex.ts';
import { decodeLedText, encodeLedText } from './gb-text.ts';
import { SimpleBarDecoder, type SimpleBarItem } from './simple-bar-decoder.ts';
import { encodeAck, encodeNak, encodeSimpleBarFrame } from './simple-bar-encode.ts';
import { SIMPLE_BAR_CMD } from './simple-bar-frame.ts';

const CALL = h('02 03 01 10 41 30 31 32 20 C7 EB B5 BD 33 BA C5 B4 B0 BF DA 49 03');
const PAUSE = encodeSimpleBarFrame({ address: 0x12, cmd: SIMPLE_BAR_CMD.show, data: encodeLedText('暂停服务').bytes });
const CLEAR = encodeSimpleBarFrame({ address: 2, cmd: SIMPLE_BAR_CMD.clear });
const BRIGHT = encodeSimpleBarFrame({ address: 3, cmd: SIMPLE_BAR_CMD.brightness, data: Uint8Array.of(2) });
// Address 2 and LEN 3: bytes equal to STX and ETX inside the frame, which has no escaping.
const TRICKY = encodeSimpleBarFrame({ address: 2, cmd: SIMPLE_BAR_CMD.scroll, data: Buffer.from('A\x02\x03', 'latin1') });

function feed(d: SimpleBarDecoder, chunks: Uint8Array[]): SimpleBarItem[] {
  return chunks.flatMap((c) => d.push(c));
}

function summary(items: SimpleBarItem[]): string[] {
  return items.map((i) =>
    i.type === 'frame' ? `${i.frame.address}:${i.frame.cmd}:${decodeLedText(i.frame.data)}` : i.type === 'bad-frame' ? `bad:${i.address}` : `${i.type}:${i.address}`,
  );
}

const STREAM = Buffer.concat([CALL, PAUSE, CLEAR, BRIGHT, TRICKY]);
const EXPECTED = ['3:1:A012 请到3号窗口', '18:1:暂停服务', '2:3:', '3:4:\u0002', '2:2:A\u0002\u0003'];

describe('SimpleBarDecoder: chunking', () => {
  it('decodes the same frames whatever single offset the stream is split at', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(summary(feed(new SimpleBarDecoder(), [STREAM.subarray(0, cut), STREAM.subarray(cut)])), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('decodes the same frames for every pair of split offsets, and byte by byte', () => {
    for (let a = 0; a <= STREAM.length; a++) {
      for (let b = a; b <= STREAM.length; b++) {
        expect(summary(feed(new SimpleBarDecoder(), [STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)]))).toEqual(EXPECTED);
      }
    }
    expect(summary(feed(new SimpleBarDecoder(), [...STREAM].map((b) => Uint8Array.of(b))))).toEqual(EXPECTED);
  });

  it('does not keep a reference to the caller’s chunk', () => {
    const chunk = Buffer.from(CALL);
    const [item] = new SimpleBarDecoder().push(chunk);
    chunk.fill(0);
    expect(item?.type === 'frame' && decodeLedText(item.frame.data)).toBe('A012 请到3号窗口');
  });
});

describe('SimpleBarDecoder: garbage and resync', () => {
  it('drops noise before, between and after frames', () => {
    const d = new SimpleBarDecoder();
    const got = d.push(Buffer.concat([h('FF 00 41 03'), CALL, h('02 07 00 55'), CLEAR, h('02 01')]));
    expect(summary(got)).toEqual(['3:1:A012 请到3号窗口', '2:3:']);
    expect(d.buffered).toBe(2); // the trailing "02 01" could still be a frame
  });

  it('an STX whose CMD/LEN pair is illegal, or whose ETX is missing, is noise', () => {
    const d = new SimpleBarDecoder();
    // 02 03 00: ping must have LEN 0 → ok shape, but here CMD 0x03 (clear) LEN 0x05 is illegal.
    expect(summary(d.push(Buffer.concat([h('02 03 03 05'), CALL])))).toEqual(['3:1:A012 请到3号窗口']);
    // A clear frame with the wrong last byte.
    expect(summary(d.push(Buffer.concat([h('02 02 03 00 01 7E'), CLEAR])))).toEqual(['2:3:']);
    expect(d.stats.badFrames).toBe(0);
  });

  it('reports a frame whose XOR fails (a bar NAKs it), then resyncs', () => {
    const bad = Buffer.from(CALL);
    bad[8]! ^= 0x40;
    const d = new SimpleBarDecoder();
    const got = d.push(Buffer.concat([bad, CLEAR]));
    expect(got[0]).toEqual({ type: 'bad-frame', address: 3, cmd: 1, length: CALL.length });
    expect(summary(got.slice(1))).toEqual(['2:3:']);
  });

  it('a false STX with a large LEN does not swallow the real frames after it', () => {
    const d = new SimpleBarDecoder();
    // "02 05 01 FF" looks like the start of a 261-byte show frame to address 5.
    expect(summary(d.push(Buffer.concat([h('02 05 01 FF 41 42'), CALL])))).toEqual(['3:1:A012 请到3号窗口']);
    // The same with the real frame arriving in pieces.
    const d2 = new SimpleBarDecoder();
    const got = feed(d2, [h('02 05 01 FF'), CALL.subarray(0, 7), CALL.subarray(7), CLEAR]);
    expect(summary(got)).toEqual(['3:1:A012 请到3号窗口', '2:3:']);
  });

  it('holds at most one incomplete frame (≤ 260 bytes) after any amount of noise', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 64 }), (noise, step) => {
        const d = new SimpleBarDecoder({ replies: true });
        for (let i = 0; i < noise.length; i += step) {
          d.push(noise.subarray(i, i + step));
          if (d.buffered > 260) return false;
        }
        return true;
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  it('finds every frame after random noise without STX, split anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.constantFrom(CALL, PAUSE, CLEAR, BRIGHT, TRICKY)), { maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        (parts, step) => {
          const wire = Buffer.concat(parts.flatMap(([noise, frame]) => [Buffer.from(noise.map((b) => (b === 0x02 ? 0x20 : b))), frame]));
          const d = new SimpleBarDecoder();
          const got: SimpleBarItem[] = [];
          for (let i = 0; i < wire.length; i += step) got.push(...d.push(wire.subarray(i, i + step)));
          const frames = got.filter((g) => g.type === 'frame');
          return frames.length === parts.length;
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('SimpleBarDecoder: host side', () => {
  it('takes ACK and NAK replies only when asked to', () => {
    const wire = Buffer.concat([encodeAck(3), encodeNak(4), CLEAR]);
    expect(summary(new SimpleBarDecoder({ replies: true }).push(wire))).toEqual(['ack:3', 'nak:4', '2:3:']);
    expect(summary(new SimpleBarDecoder().push(wire))).toEqual(['2:3:']);
  });

  it('skips the echo of its own frame whole (an RS-485 adapter that hears itself), then sees the ACK', () => {
    // TRICKY carries 0x02 and 0x03 and address 2; an ACK byte 0x06 inside an echoed frame is not a reply.
    const echo = encodeSimpleBarFrame({ address: 6, cmd: SIMPLE_BAR_CMD.show, data: Buffer.from('\x06\x15', 'latin1') });
    const d = new SimpleBarDecoder({ replies: true });
    const got = feed(d, [echo.subarray(0, 3), echo.subarray(3), encodeAck(6)]);
    expect(summary(got)).toEqual(['6:1:\u0006\u0015', 'ack:6']);
  });

  it('waits for the address byte of a split reply', () => {
    const d = new SimpleBarDecoder({ replies: true });
    expect(d.push(h('00 06'))).toEqual([]);
    expect(d.push(h('03'))).toEqual([{ type: 'ack', address: 3 }]);
  });
});
