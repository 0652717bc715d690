import { describe, expect, it } from 'vitest';
import { h } from '../test-support/hex.ts';
import { encodeReadPayload } from './encode-read-payload.ts';
import { encodeResponse } from './encode-response.ts';
import type { ResponseFrame } from './frame.ts';
import { type Decoded, ResponseDecoder } from './frame-decoder.ts';

const FIND_OK = h('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97');
const NO_CARD = h('AA AA AA 96 69 00 04 00 00 80 84');
const SELECT_OK = h('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C');
const READ_OK = encodeResponse(0x90, encodeReadPayload({ text: Buffer.alloc(256, 0x20), photo: Buffer.alloc(1024, 0xaa) }));

function frames(items: Decoded<ResponseFrame>[]): ResponseFrame[] {
  return items.flatMap((i) => (i.ok ? [i.frame] : []));
}

function feed(decoder: ResponseDecoder, chunks: Buffer[]): Decoded<ResponseFrame>[] {
  return chunks.flatMap((c) => decoder.push(c));
}

const sw3s = (items: Decoded<ResponseFrame>[]): number[] => frames(items).map((f) => f.sw3);

describe('FrameDecoder: chunking', () => {
  const stream = Buffer.concat([FIND_OK, SELECT_OK, NO_CARD]);

  it('decodes the same frames whatever single offset the stream is split at', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const got = feed(new ResponseDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(sw3s(got), `cut at ${cut}`).toEqual([0x9f, 0x90, 0x80]);
    }
  });

  it('decodes the same frames for every pair of split offsets', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        const got = feed(new ResponseDecoder(), [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
        expect(sw3s(got)).toEqual([0x9f, 0x90, 0x80]);
      }
    }
  });

  it('decodes the 1295-byte read reply split at every offset, and fed one byte at a time', () => {
    for (let cut = 0; cut <= READ_OK.length; cut++) {
      const got = feed(new ResponseDecoder(), [READ_OK.subarray(0, cut), READ_OK.subarray(cut)]);
      expect(frames(got)).toHaveLength(1);
      expect(frames(got)[0]!.data.length).toBe(4 + 256 + 1024);
    }
    const bytes = [...READ_OK].map((b) => Buffer.from([b]));
    expect(frames(feed(new ResponseDecoder(), bytes))).toHaveLength(1);
  });

  it('does not keep a reference to the caller’s chunk', () => {
    const chunk = Buffer.from(FIND_OK);
    const [item] = new ResponseDecoder().push(chunk);
    chunk.fill(0);
    expect(item).toMatchObject({ ok: true, frame: { sw3: 0x9f, data: h('00000000') } });
  });
});

describe('FrameDecoder: garbage and resync', () => {
  it('drops garbage before, between and after frames', () => {
    const d = new ResponseDecoder();
    const got = d.push(Buffer.concat([h('00 FF 12 AA 96 69'), FIND_OK, h('AA AA 01 02'), NO_CARD, h('55 66')]));
    expect(sw3s(got)).toEqual([0x9f, 0x80]);
    expect(d.stats.droppedBytes).toBe(12);
  });

  it('keeps a partial preamble at the end of a chunk', () => {
    const d = new ResponseDecoder();
    expect(d.push(h('01 02 AA AA AA 96'))).toEqual([]);
    expect(d.buffered).toBe(4);
    expect(sw3s(d.push(NO_CARD.subarray(4)))).toEqual([0x80]);
  });

  it('skips a false preamble whose length is impossible and finds the frame after it', () => {
    for (const len of ['00 00', '00 03', 'FF FF', '10 01']) {
      const got = new ResponseDecoder().push(Buffer.concat([h(`AA AA AA 96 69 ${len}`), NO_CARD]));
      expect(sw3s(got), len).toEqual([0x80]);
    }
  });

  it('reports a frame with a bad checksum, skips one byte, and decodes the next frame', () => {
    const bad = Buffer.from(FIND_OK);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
    const d = new ResponseDecoder();
    const got = d.push(Buffer.concat([bad, NO_CARD]));
    expect(got).toEqual([{ ok: false, reason: 'checksum', length: FIND_OK.length }, expect.objectContaining({ ok: true })]);
    expect(sw3s(got)).toEqual([0x80]);
    expect(d.stats.badChecksums).toBe(1);
  });

  it('finds a real frame that starts inside a false one (overlap)', () => {
    // A false preamble claiming LEN 4 swallows the first bytes of the real frame; its CHK fails.
    const got = new ResponseDecoder().push(Buffer.concat([h('AA AA AA 96 69 00 04 00'), NO_CARD]));
    expect(sw3s(got)).toEqual([0x80]);
  });

  it('gives up a truncated frame as soon as a complete valid frame follows it', () => {
    const truncated = READ_OK.subarray(0, 300);
    const d = new ResponseDecoder();
    expect(d.push(truncated)).toEqual([]);
    expect(sw3s(d.push(FIND_OK))).toEqual([0x9f]);
    expect(d.buffered).toBe(0);
  });

  it('a false preamble with a large length does not hold back the real reply', () => {
    const d = new ResponseDecoder();
    const got = feed(d, [h('AA AA AA 96 69 0F F0 00 00'), ...[...SELECT_OK].map((b) => Buffer.from([b]))]);
    expect(sw3s(got)).toEqual([0x90]);
  });

  it('reset() drops what is held', () => {
    const d = new ResponseDecoder();
    d.push(READ_OK.subarray(0, 100));
    d.reset();
    expect(d.buffered).toBe(0);
    expect(sw3s(d.push(NO_CARD))).toEqual([0x80]);
  });
});

describe('FrameDecoder: bounded memory', () => {
  it('holds at most one incomplete frame, whatever arrives', () => {
    const d = new ResponseDecoder({ maxLength: 0x0a00 });
    expect(d.maxBuffered).toBe(7 + 0x0a00 - 1);
    d.push(Buffer.alloc(100_000, 0x11));
    expect(d.buffered).toBe(0);
    d.push(Buffer.concat([Buffer.alloc(50_000, 0x22), h('AA AA AA 96 69 0A 00'), Buffer.alloc(0x0a00 - 2, 0x33)]));
    expect(d.buffered).toBeLessThanOrEqual(d.maxBuffered);
    d.push(Buffer.alloc(10, 0x33));
    expect(d.buffered).toBeLessThanOrEqual(d.maxBuffered);
  });

  it('rejects a maxLength outside 1..0xFFFF', () => {
    expect(() => new ResponseDecoder({ maxLength: 0x10000 })).toThrow(/"maxLength"/);
    expect(() => new ResponseDecoder({ maxLength: 2 })).toThrow(/"maxLength"/);
  });
});
