import { describe, expect, it } from 'vitest';
import { frame } from './encode-frame.ts';
import { interpretHostFrame, lcdFrame } from './host-frames.ts';
import { ackFor, comboOf, interpretFrame } from './interpret.ts';
import { CALLER_KEYS, DEFAULT_PROTOCOL as P, callerProtocol, codeOfKey, indexOfLevel } from './protocol.ts';

describe('interpretFrame: keys', () => {
  it('maps every non-digit key of the table and back', () => {
    for (const key of CALLER_KEYS) {
      if (key === 'digit') continue;
      const code = codeOfKey(P, key)!;
      expect(interpretFrame(frame(9, 0x01, [code]), P)).toEqual({ kind: 'key', address: 9, key, code, digits: '' });
    }
  });

  it('reads digit frames and digits typed before a key in the same frame', () => {
    expect(interpretFrame(frame(2, 0x01, [7]), P)).toEqual({ kind: 'key', address: 2, key: 'digit', code: 7, digits: '7' });
    expect(interpretFrame(frame(2, 0x01, [1, 2]), P)).toMatchObject({ key: 'digit', digits: '12' });
    expect(interpretFrame(frame(2, 0x01, [1, 2, 0x13]), P)).toMatchObject({ key: 'transfer', digits: '12' });
  });

  it('calls what the table does not know `unknown`, with the reason', () => {
    expect(interpretFrame(frame(2, 0x01, [0x40]), P)).toMatchObject({ kind: 'unknown', why: 'key code 0x40 is not in keyCodes' });
    expect(interpretFrame(frame(2, 0x01, [0x0c, 0x0c]), P)).toMatchObject({ kind: 'unknown', why: 'bytes before the key are not digits' });
    expect(interpretFrame(frame(2, 0x01, []), P)).toMatchObject({ kind: 'unknown', why: 'key frame without a key' });
    expect(interpretFrame(frame(2, 0x07, [0x0c]), P)).toMatchObject({ kind: 'unknown', func: 0x07, data: Buffer.from([0x0c]) });
  });

  it('combos: 6+确认 is noShow, 0+确认 hold, 3+确认 callBack; other digits are none', () => {
    expect(comboOf('confirm', '6', P)).toBe('noShow');
    expect(comboOf('confirm', '0', P)).toBe('hold');
    expect(comboOf('confirm', '3', P)).toBe('callBack');
    expect(comboOf('confirm', '66', P)).toBeUndefined();
    expect(comboOf('call', '6', P)).toBeUndefined();
  });
});

describe('interpretFrame: evaluators (FUNC 0x11)', () => {
  it('maps score index 0..4 to levels 5..1, and leaves others unknown', () => {
    expect([0, 1, 2, 3, 4].map((i) => interpretFrame(frame(1, 0x11, [i]), P))).toMatchObject([5, 4, 3, 2, 1].map((level) => ({ kind: 'rating', level })));
    expect(interpretFrame(frame(1, 0x11, [9]), P)).toMatchObject({ kind: 'unknown', why: 'score index 9 is not in ratingLevels' });
    expect(interpretFrame(frame(1, 0x11, []), P)).toMatchObject({ kind: 'unknown' });
    expect(indexOfLevel(P, 2)).toBe(3);
  });

  it('ACK: a rating comes back with FUNC 0x01, anything else as it came', () => {
    expect(ackFor(frame(1, 0x11, [2]), P)).toEqual(frame(1, 0x01, [2]));
    expect(ackFor(frame(1, 0x01, [6, 0x0f]), P)).toEqual(frame(1, 0x01, [6, 0x0f]));
    expect(ackFor(frame(1, 0x33, [1]), P)).toEqual(frame(1, 0x33, [1]));
  });
});

describe('callerProtocol: an installer remaps the table', () => {
  it('takes codes written as "0x21" or "33" in config', () => {
    const p = callerProtocol({ keyFunc: 0x10, keyCodes: { ['0x21' as unknown as number]: 'call', 34: 'recall' }, ratingLevels: { ['0x00' as unknown as number]: 1, 1: 5 } });
    expect(interpretFrame(frame(4, 0x10, [0x21]), p)).toMatchObject({ kind: 'key', key: 'call' });
    expect(interpretFrame(frame(4, 0x10, [0x22]), p)).toMatchObject({ kind: 'key', key: 'recall' });
    expect(interpretFrame(frame(4, 0x01, [0x21]), p)).toMatchObject({ kind: 'unknown' });
    expect(interpretFrame(frame(4, 0x11, [0]), p)).toMatchObject({ kind: 'rating', level: 1 });
  });

  it('takes ASCII digit codes', () => {
    const p = callerProtocol({ digitCodes: [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39] });
    expect(interpretFrame(frame(4, 0x01, [0x31, 0x35, 0x13]), p)).toMatchObject({ key: 'transfer', digits: '15' });
  });

  it('refuses a table that cannot work, naming the field', () => {
    expect(() => callerProtocol({ keyFunc: 0x11 })).toThrow(/"keyFunc" and "ratingFunc" must differ/);
    expect(() => callerProtocol({ lcdFunc: 300 })).toThrow(/"lcdFunc" must be a byte/);
    expect(() => callerProtocol({ keyCodes: { 1: 'dance' as never } })).toThrow(/"keyCodes" maps 1/);
    expect(() => callerProtocol({ keyCodes: { 5: 'call' } })).toThrow(/both a digit and the key call/);
    expect(() => callerProtocol({ digitCodes: [0, 1, 2] })).toThrow(/"digitCodes"/);
    expect(() => callerProtocol({ ratingLevels: { 0: 6 as never } })).toThrow(/levels are 1..5/);
    expect(() => callerProtocol({ keyCodes: { ['x' as unknown as number]: 'call' } })).toThrow(/not a byte/);
    expect(() => callerProtocol({ beepPatterns: { long: { count: 0, gapMs: 1 } } })).toThrow(/beepPatterns.long/);
  });
});

describe('LCD content', () => {
  const shown = (content: Parameters<typeof lcdFrame>[1], p = P) => interpretHostFrame(lcdFrame(1, content, p), p);

  it('shows the last 3 digits of the ticket number and the waiting count, zero-padded', () => {
    expect(shown({ waiting: 7, current: 'A012' })).toEqual({ kind: 'lcd', text: { waiting: '007', current: '012' } });
    expect(shown({ waiting: 0, current: 'B1234' })).toEqual({ kind: 'lcd', text: { waiting: '000', current: '234' } });
    expect(shown({ waiting: 1500, current: 5 })).toEqual({ kind: 'lcd', text: { waiting: '999', current: '005' } });
    expect(shown({ current: 'A7' })).toEqual({ kind: 'lcd', text: { waiting: '   ', current: '007' } });
  });

  it('blanks a field that is absent, null or has no digits', () => {
    expect(shown({})).toEqual({ kind: 'lcd', text: { waiting: '   ', current: '   ' } });
    expect(shown({ waiting: null, current: null })).toEqual({ kind: 'lcd', text: { waiting: '   ', current: '   ' } });
    expect(shown({ current: 'VIP' })).toEqual({ kind: 'lcd', text: { waiting: '   ', current: '   ' } });
  });

  it('pads with blanks when the installer says so', () => {
    const p = callerProtocol({ lcdLeadingZeros: false });
    expect(shown({ waiting: 7, current: 'A12' }, p)).toEqual({ kind: 'lcd', text: { waiting: '  7', current: ' 12' } });
    expect(shown({ waiting: 0 }, p)).toMatchObject({ text: { waiting: '  0' } });
  });

  it('refuses a negative or fractional count', () => {
    expect(() => lcdFrame(1, { waiting: -1 }, P)).toThrow(/"waiting"/);
    expect(() => lcdFrame(1, { waiting: 2.5 }, P)).toThrow(/"waiting"/);
  });
});
