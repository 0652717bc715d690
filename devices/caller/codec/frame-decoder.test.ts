import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../idcard/simulator/seeded-random.ts';
import { h } from '../test-support/hex.ts';
import { encodeFrame, frame } from './encode-frame.ts';
import type { CallerFrame } from './frame.ts';
import { type Decoded, FrameDecoder } from './frame-decoder.ts';

const LCD = h('FF 68 08 08 68 01 02 0A 0A 0A 00 01 02 24 16');
const BEEP = h('FF 68 02 02 68 01 03 04 16');
const RATING = h('FF 68 03 03 68 01 11 00 12 16');
const CALL = h('FF 68 03 03 68 05 01 0C 12 16');

const frames = (items: Decoded[]): CallerFrame[] => items.flatMap((i) => (i.ok ? [i.frame] : []));
const funcs = (items: Decoded[]): number[] => frames(items).map((f) => f.func);
const feed = (d: FrameDecoder, chunks: Buffer[]): Decoded[] => chunks.flatMap((c) => d.push(c));

describe('FrameDecoder: chunking', () => {
  const stream = Buffer.concat([LCD, BEEP, RATING, CALL]);
  const expected = [0x02, 0x03, 0x11, 0x01];

  it('decodes the same frames whatever single offset the stream is split at', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(funcs(feed(new FrameDecoder(), [stream.subarray(0, cut), stream.subarray(cut)])), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('decodes the same frames for every pair of split offsets', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        expect(funcs(feed(new FrameDecoder(), [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]))).toEqual(expected);
      }
    }
  });

  it('decodes a stream fed one byte at a time, and keeps nothing afterwards', () => {
    const d = new FrameDecoder();
    expect(funcs(feed(d, [...stream].map((b) => Buffer.from([b]))))).toEqual(expected);
    expect(d.buffered).toBe(0);
    expect(d.stats).toEqual({ frames: 4, badFrames: 0, droppedBytes: 0 });
  });

  it('returns address, FUNC and DATA, copied out of the caller’s chunk', () => {
    const chunk = Buffer.from(LCD);
    const [item] = new FrameDecoder().push(chunk);
    chunk.fill(0);
    expect(item).toEqual({ ok: true, frame: { address: 1, func: 2, data: h('0A 0A 0A 00 01 02') }, raw: LCD.subarray(1) });
  });
});

describe('FrameDecoder: garbage and resync', () => {
  it('drops garbage before, between and after frames, 68 and FF bytes included', () => {
    const d = new FrameDecoder();
    const got = d.push(Buffer.concat([h('00 68 12 FF 68 68'), BEEP, h('68 03 03 16 FF'), CALL, h('55 68')]));
    expect(funcs(got)).toEqual([0x03, 0x01]);
    expect(d.buffered).toBe(1); // the trailing 68 may start a header
    expect(funcs(d.push(RATING))).toEqual([0x11]);
  });

  it('decodes a frame without its wake byte, and one after several', () => {
    expect(funcs(new FrameDecoder().push(Buffer.concat([BEEP.subarray(1), h('FF FF FF'), RATING])))).toEqual([0x03, 0x11]);
  });

  it('keeps a partial header across chunks, its wake byte too', () => {
    const d = new FrameDecoder();
    for (const cut of [1, 2, 3, 4]) {
      expect(d.push(Buffer.concat([h('01 02'), CALL.subarray(0, cut)]))).toEqual([]);
      expect(d.buffered, `cut ${cut}`).toBe(cut);
      expect(funcs(d.push(CALL.subarray(cut)))).toEqual([0x01]);
    }
    expect(d.stats.droppedBytes).toBe(8);
  });

  it('skips false headers: unequal lengths, a length out of range, no second 68', () => {
    for (const bad of ['68 03 04 68', '68 01 01 68', '68 FF FF 68', '68 03 03 67', '68 00 00 68']) {
      expect(funcs(new FrameDecoder().push(Buffer.concat([h(bad), BEEP]))), bad).toEqual([0x03]);
    }
  });

  it('reports a frame with a bad checksum or end byte, skips one byte, and decodes the next', () => {
    const badCs = Buffer.from(BEEP);
    badCs[badCs.length - 2] = badCs[badCs.length - 2]! ^ 0x01;
    const badEnd = Buffer.from(RATING);
    badEnd[badEnd.length - 1] = 0x17;
    const d = new FrameDecoder();
    const got = d.push(Buffer.concat([badCs, badEnd, CALL]));
    expect(got.map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['checksum', 'end-byte', 'ok']);
    expect(funcs(got)).toEqual([0x01]);
    expect(d.stats.badFrames).toBe(2);
  });

  it('finds a real frame that starts inside a false one (overlap)', () => {
    // A false header claiming L = 3 swallows the first bytes of the real frame; its check fails.
    expect(funcs(new FrameDecoder().push(Buffer.concat([h('68 03 03 68 01'), LCD])))).toEqual([0x02]);
  });

  it('gives up a cut-off frame as soon as a complete valid frame follows it', () => {
    const d = new FrameDecoder();
    expect(d.push(LCD.subarray(0, 9))).toEqual([]);
    expect(funcs(d.push(CALL))).toEqual([0x01]);
    expect(d.buffered).toBe(0);
  });

  it('a false header with a large length does not hold back a real frame', () => {
    const d = new FrameDecoder();
    expect(funcs(feed(d, [h('68 1F 1F 68 00'), ...[...BEEP].map((b) => Buffer.from([b]))]))).toEqual([0x03]);
  });

  it('finds every frame in seeded random noise, chunked at random', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const sent: CallerFrame[] = [];
      const parts: Buffer[] = [];
      for (let i = 0; i < 50; i++) {
        const noise = Buffer.from(Array.from({ length: Math.floor(random() * 12) }, () => (random() < 0.2 ? 0x68 : Math.floor(random() * 256))));
        const f = frame(1 + Math.floor(random() * 30), [0x01, 0x11, 0x02][i % 3]!, Array.from({ length: Math.floor(random() * 7) }, () => Math.floor(random() * 256)));
        sent.push(f);
        parts.push(noise, encodeFrame(f));
      }
      const stream = Buffer.concat(parts);
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = 1 + Math.floor(random() * 20);
        chunks.push(stream.subarray(at, at + n));
        at += n;
      }
      expect(frames(feed(new FrameDecoder(), chunks)), `seed ${seed}`).toEqual(sent);
    }
  });
});

describe('FrameDecoder: bounded memory', () => {
  it('holds at most one incomplete frame, whatever arrives', () => {
    const d = new FrameDecoder();
    expect(d.maxBuffered).toBe(38);
    d.push(Buffer.alloc(100_000, 0x11));
    expect(d.buffered).toBe(0);
    d.push(Buffer.alloc(10_000, 0x68));
    expect(d.buffered).toBeLessThanOrEqual(d.maxBuffered);
    d.push(Buffer.concat([h('68 20 20 68'), Buffer.alloc(30, 0x33)]));
    expect(d.buffered).toBeLessThanOrEqual(d.maxBuffered);
  });

  it('reset() drops what is held', () => {
    const d = new FrameDecoder();
    d.push(LCD.subarray(0, 8));
    d.reset();
    expect(d.buffered).toBe(0);
    expect(funcs(d.push(BEEP))).toEqual([0x03]);
  });

  it('rejects a maxLength outside 2..255', () => {
    expect(() => new FrameDecoder({ maxLength: 1 })).toThrow(/"maxLength"/);
    expect(() => new FrameDecoder({ maxLength: 256 })).toThrow(/"maxLength"/);
  });
});
