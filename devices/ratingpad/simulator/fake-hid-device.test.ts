import { describe, expect, it } from 'vitest';
import { toHex } from '../codec/hex.ts';
import { FakeHidBus, FakeHidDevice } from './fake-hid-device.ts';

describe('FakeHidDevice', () => {
  it('builds the right reports for a keyboard-wedge pad, with and without report ID', () => {
    const plain = new FakeHidDevice();
    plain.open();
    expect(plain.pressLevel(5).map(toHex)).toEqual(['00 00 1e 00 00 00 00 00', '00 00 00 00 00 00 00 00']);
    const numbered = new FakeHidDevice({ decoder: { kind: 'keyboard-wedge', preset: 'fkeys', reportId: 1 } });
    numbered.open();
    expect(numbered.pressLevel(1).map(toHex)).toEqual(['01 00 00 3e 00 00 00 00 00', '01 00 00 00 00 00 00 00 00']);
  });

  it('builds the right reports for a custom-report pad', () => {
    const pad = new FakeHidDevice({ decoder: { kind: 'custom-report', reportId: 2, byteIndex: 3, values: { '0x10': 1 }, onlyOnChange: true } });
    pad.open();
    expect(pad.pressLevel(1).map(toHex)).toEqual(['02 00 00 10 00 00 00 00', '02 00 00 00 00 00 00 00']);
    expect(() => pad.pressLevel(5)).toThrow(RangeError);
    expect(() => pad.holdKeys(['Digit1'])).toThrow(TypeError);
  });

  it('emits only while open; unplug errors once, then opening fails until replug', () => {
    const pad = new FakeHidDevice();
    const data: string[] = [];
    const errors: string[] = [];
    expect(pad.emitReport([0, 0, 0x22, 0, 0, 0, 0, 0])).toBe(false);
    pad.open();
    pad.on('data', (b: Buffer) => data.push(toHex(b)));
    pad.on('error', (e: Error) => errors.push(e.message));
    expect(pad.holdKeys(['Numpad3', 0x22], 0x02)).toBe(true);
    pad.unplug();
    pad.unplug();
    expect(data).toEqual(['02 00 5b 22 00 00 00 00']);
    expect(errors).toEqual(['could not read data from device']);
    expect(() => pad.open()).toThrow(/cannot open device/);
    pad.replug();
    pad.open();
    expect(pad.opens).toBe(2);
    expect(pad.lastReport && toHex(pad.lastReport)).toBe('02 00 5b 22 00 00 00 00');
  });

  it('close() drops listeners like HIDAsync.close()', async () => {
    const pad = new FakeHidDevice();
    pad.open();
    pad.on('data', () => {});
    await pad.close();
    expect(pad.listenerCount('data')).toBe(0);
    expect(pad.closes).toBe(1);
  });

  it('FakeHidBus lists only plugged pads', async () => {
    const a = new FakeHidDevice({ info: { path: '/dev/hidraw1' } });
    const b = new FakeHidDevice({ info: { path: '/dev/hidraw2' } });
    const bus = new FakeHidBus([a, b]);
    b.unplug();
    expect((await bus.hid.devicesAsync()).map((d) => d.path)).toEqual(['/dev/hidraw1']);
    await expect(bus.hid.HIDAsync.open('/dev/nope')).rejects.toThrow(/cannot open/);
  });
});
