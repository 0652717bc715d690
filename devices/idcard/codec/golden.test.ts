import { describe, expect, it } from 'vitest';
import { h } from '../test-support/hex.ts';
import { COMMANDS, type CommandName, encodeCommand } from './commands.ts';
import { encodeReadPayload } from './encode-read-payload.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { RequestDecoder, ResponseDecoder } from './frame-decoder.ts';
import { decodeReadPayload } from './read-payload.ts';

// Every byte string of hardware.md §1.3 and §1.4, exactly as written there.

const REQUESTS: [CommandName, string, string?][] = [
  ['resetSam', 'AA AA AA 96 69 00 03 10 FF EC'],
  ['samStatus', 'AA AA AA 96 69 00 03 11 FF ED'],
  ['samId', 'AA AA AA 96 69 00 03 12 FF EE'],
  ['findCard', 'AA AA AA 96 69 00 03 20 01 22'],
  ['selectCard', 'AA AA AA 96 69 00 03 20 02 21'],
  ['readBase', 'AA AA AA 96 69 00 03 30 01 32'],
  ['readNewAddress', 'AA AA AA 96 69 00 03 30 03 30'],
  ['readWithFingerprint', 'AA AA AA 96 69 00 03 30 10 23'],
  ['setMaxRfByte', 'AA AA AA 96 69 00 04 61 FF 50 CA', '50'],
];

const RESPONSES: [string, string, { sw3: number; data: string }][] = [
  ['SAM ok', 'AA AA AA 96 69 00 04 00 00 90 94', { sw3: 0x90, data: '' }],
  ['SAM self-test failed', 'AA AA AA 96 69 00 04 00 00 60 64', { sw3: 0x60, data: '' }],
  ['find OK', 'AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97', { sw3: 0x9f, data: '00000000' }],
  ['find failed', 'AA AA AA 96 69 00 04 00 00 80 84', { sw3: 0x80, data: '' }],
  ['select OK', 'AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C', { sw3: 0x90, data: '0000000000000000' }],
  ['select failed', 'AA AA AA 96 69 00 04 00 00 81 85', { sw3: 0x81, data: '' }],
  ['read failed', 'AA AA AA 96 69 00 04 00 00 41 45', { sw3: 0x41, data: '' }],
];

describe('requests (hardware.md §1.3)', () => {
  it.each(REQUESTS)('%s encodes to %s', (name, bytes, data) => {
    const c = COMMANDS[name];
    expect(encodeRequest(c.cmd, c.para, data ? h(data) : undefined).toString('hex')).toBe(h(bytes).toString('hex'));
    expect(encodeCommand(name, data ? h(data) : undefined)).toEqual(h(bytes));
  });

  it.each(REQUESTS)('%s decodes back on the device side', (name, bytes, data) => {
    const [item] = new RequestDecoder().push(h(bytes));
    expect(item).toEqual({ ok: true, frame: { ...COMMANDS[name], data: data ? h(data) : Buffer.alloc(0) } });
  });

  it('rejects values that are not bytes, naming the argument', () => {
    expect(() => encodeRequest(0x100, 0)).toThrow(/"cmd" must be a byte/);
    expect(() => encodeRequest(0x20, -1)).toThrow(/"para" must be a byte/);
  });
});

describe('responses (hardware.md §1.4)', () => {
  it.each(RESPONSES)('%s: %s', (_meaning, bytes, want) => {
    const [item] = new ResponseDecoder().push(h(bytes));
    expect(item).toEqual({ ok: true, frame: { sw1: 0, sw2: 0, sw3: want.sw3, data: h(want.data) } });
    expect(encodeResponse(want.sw3, h(want.data))).toEqual(h(bytes));
  });

  const text = Buffer.alloc(256, 0x20);
  const photo = Buffer.alloc(1024, 0x5a);
  const fingerprint = Buffer.alloc(1024, 0x33);

  it('read base OK: header 05 08 00 00 90 01 00 04 00, 1295 bytes in all', () => {
    const frame = encodeResponse(0x90, encodeReadPayload({ text, photo }));
    expect(frame.length).toBe(1295);
    expect(frame.subarray(0, 14)).toEqual(h('AA AA AA 96 69 05 08 00 00 90 01 00 04 00'));
    const [item] = new ResponseDecoder().push(frame);
    expect(item?.ok).toBe(true);
    if (!item?.ok) return;
    expect(decodeReadPayload(item.frame.data, false)).toEqual({ text, photo });
  });

  it('read with fingerprint OK: header 09 0A 00 00 90 01 00 04 00 04 00, 2321 bytes in all', () => {
    const frame = encodeResponse(0x90, encodeReadPayload({ text, photo, fingerprint }));
    expect(frame.length).toBe(2321);
    expect(frame.subarray(0, 16)).toEqual(h('AA AA AA 96 69 09 0A 00 00 90 01 00 04 00 04 00'));
    const [item] = new ResponseDecoder().push(frame);
    if (!item?.ok) throw new Error('no frame');
    expect(decodeReadPayload(item.frame.data, true)).toEqual({ text, photo, fingerprint });
  });

  it('a read payload whose lengths do not add up is an unexpected reply', () => {
    expect(() => decodeReadPayload(h('0100 0400 00'), false)).toThrow(expect.objectContaining({ code: 'HQ_ERR_IDCARD_UNEXPECTED_REPLY' }));
  });

  it('the checksums hardware.md §1.2 verifies by hand', () => {
    expect(encodeRequest(0x20, 0x01).at(-1)).toBe(0x22);
    expect(encodeRequest(0x11, 0xff).at(-1)).toBe(0xed);
    expect(encodeRequest(0x61, 0xff, h('50')).at(-1)).toBe(0xca);
    expect(encodeResponse(0x9f, Buffer.alloc(4)).at(-1)).toBe(0x97);
  });
});
