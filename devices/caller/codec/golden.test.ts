import { describe, expect, it } from 'vitest';
import { h } from '../test-support/hex.ts';
import { encodeFrame, frame } from './encode-frame.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { beepFrame, interpretHostFrame, lcdFrame, startRatingFrame, starsFrame } from './host-frames.ts';
import { ackFor, interpretFrame } from './interpret.ts';
import { DEFAULT_PROTOCOL as P } from './protocol.ts';

// Every byte string of hardware.md §4.3, exactly as written there.
const GOLDEN = {
  lcdTicket012: 'FF 68 08 08 68 01 02 0A 0A 0A 00 01 02 24 16',
  lcdWaiting007: 'FF 68 08 08 68 01 02 00 00 07 0A 0A 0A 28 16',
  beep: 'FF 68 02 02 68 01 03 04 16',
  evaluatorResult0: 'FF 68 03 03 68 01 11 00 12 16',
  evaluatorAck: 'FF 68 03 03 68 01 01 00 02 16',
};

const hex = (b: Buffer): string => b.toString('hex');

function decodeOne(bytes: Buffer) {
  const items = new FrameDecoder().push(bytes);
  expect(items).toHaveLength(1);
  const [item] = items;
  if (!item?.ok) throw new Error('expected a good frame');
  return item.frame;
}

describe('golden frames (hardware.md §4.3)', () => {
  it('LCD: ticket 012 on address 1, waiting count blank', () => {
    const f = lcdFrame(1, { current: '012' }, P);
    expect(hex(encodeFrame(f))).toBe(hex(h(GOLDEN.lcdTicket012)));
    expect(hex(encodeFrame(lcdFrame(1, { current: 'A012', waiting: null }, P)))).toBe(hex(h(GOLDEN.lcdTicket012)));
    expect(interpretHostFrame(decodeOne(h(GOLDEN.lcdTicket012)), P)).toEqual({ kind: 'lcd', text: { waiting: '   ', current: '012' } });
  });

  it('LCD: waiting 007 on address 1, ticket blank', () => {
    expect(hex(encodeFrame(lcdFrame(1, { waiting: 7 }, P)))).toBe(hex(h(GOLDEN.lcdWaiting007)));
    expect(interpretHostFrame(decodeOne(h(GOLDEN.lcdWaiting007)), P)).toEqual({ kind: 'lcd', text: { waiting: '007', current: '   ' } });
  });

  it('beep on address 1', () => {
    expect(hex(encodeFrame(beepFrame(1, P)))).toBe(hex(h(GOLDEN.beep)));
    expect(interpretHostFrame(decodeOne(h(GOLDEN.beep)), P)).toEqual({ kind: 'beep' });
  });

  it('evaluator result 0 decodes as a rating, and its ACK is the golden FUNC 0x01 frame', () => {
    const f = decodeOne(h(GOLDEN.evaluatorResult0));
    expect(f).toEqual({ address: 1, func: 0x11, data: h('00') });
    expect(interpretFrame(f, P)).toEqual({ kind: 'rating', address: 1, index: 0, level: 5 });
    expect(hex(encodeFrame(ackFor(f, P)))).toBe(hex(h(GOLDEN.evaluatorAck)));
    expect(hex(encodeFrame(frame(1, 0x11, [0])))).toBe(hex(h(GOLDEN.evaluatorResult0)));
  });

  it('start evaluation (FUNC 0x01 DATA 0x0B) and star level (FUNC 0x02 DATA 0x05)', () => {
    // Computed with the §4.3 rule; the source gives the FUNC/DATA but no whole frame.
    expect(hex(encodeFrame(startRatingFrame(1, P)))).toBe(hex(h('FF 68 03 03 68 01 01 0B 0D 16')));
    expect(hex(encodeFrame(starsFrame(1, 5, P)))).toBe(hex(h('FF 68 03 03 68 01 02 05 08 16')));
    expect(interpretHostFrame(decodeOne(encodeFrame(startRatingFrame(1, P))), P)).toEqual({ kind: 'startRating' });
    expect(interpretHostFrame(decodeOne(encodeFrame(starsFrame(1, 5, P))), P)).toEqual({ kind: 'stars', level: 5 });
  });
});

describe('key frames (FUNC assumed 0x01, computed with the §4.3 rule)', () => {
  const KEYS: [string, number, string][] = [
    ['evaluate', 0x0b, 'FF 68 03 03 68 01 01 0B 0D 16'],
    ['call', 0x0c, 'FF 68 03 03 68 01 01 0C 0E 16'],
    ['recall', 0x0d, 'FF 68 03 03 68 01 01 0D 0F 16'],
    ['cancel', 0x0e, 'FF 68 03 03 68 01 01 0E 10 16'],
    ['confirm', 0x0f, 'FF 68 03 03 68 01 01 0F 11 16'],
    ['oneMeterLine', 0x11, 'FF 68 03 03 68 01 01 11 13 16'],
    ['pause', 0x12, 'FF 68 03 03 68 01 01 12 14 16'],
    ['transfer', 0x13, 'FF 68 03 03 68 01 01 13 15 16'],
  ];

  it.each(KEYS)('%s (0x%s) on address 1 is %s, and its ACK is the same bytes', (key, code, bytes) => {
    const f = decodeOne(h(bytes));
    expect(interpretFrame(f, P)).toEqual({ kind: 'key', address: 1, key, code, digits: '' });
    expect(hex(encodeFrame(frame(1, 0x01, [code])))).toBe(hex(h(bytes)));
    expect(hex(encodeFrame(ackFor(f, P)))).toBe(hex(h(bytes)));
  });

  it('6 + 确认 in one frame: digits before the key', () => {
    expect(hex(encodeFrame(frame(7, 0x01, [0x06, 0x0f])))).toBe(hex(h('FF 68 04 04 68 07 01 06 0F 1D 16')));
    expect(interpretFrame(decodeOne(h('FF 68 04 04 68 07 01 06 0F 1D 16')), P)).toEqual({ kind: 'key', address: 7, key: 'confirm', code: 0x0f, digits: '6' });
  });

  it('the checksum wraps at 256', () => {
    const bytes = encodeFrame(frame(0xfe, 0x11, [0xff, 0x03])); // FE+11+FF+03 = 0x211
    expect(hex(bytes)).toBe(hex(h('FF 68 04 04 68 FE 11 FF 03 11 16')));
    expect(decodeOne(bytes)).toEqual({ address: 0xfe, func: 0x11, data: h('FF 03') });
  });

  it('rejects values that are not bytes, naming the argument', () => {
    expect(() => encodeFrame(frame(256, 1, [1]))).toThrow(/"address" must be a byte/);
    expect(() => encodeFrame(frame(1, -1))).toThrow(/"func" must be a byte/);
    expect(() => lcdFrame(1.5, {}, P)).toThrow(/"address"/);
    expect(() => encodeFrame({ address: 1, func: 1, data: Buffer.alloc(254) })).toThrow(RangeError);
  });
});
