import { describe, expect, it } from 'vitest';
import { DEVICE_KINDS, DEVICE_URI_RULES, parseDeviceUri } from './device-uri.ts';

describe('parseDeviceUri: one address form for every device kind', () => {
  it('reads tcp, serial and file addresses with the kind’s defaults', () => {
    expect(parseDeviceUri('tcp://10.0.0.5', DEVICE_URI_RULES.printer)).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 9100 });
    expect(parseDeviceUri('tcp://[fe80::1]', DEVICE_URI_RULES.ledWall)).toEqual({ kind: 'tcp', host: 'fe80::1', port: 5005 });
    expect(parseDeviceUri('serial:/dev/ttyUSB0', DEVICE_URI_RULES.idcard)).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200, rtscts: false });
    expect(parseDeviceUri('serial:/dev/ttyUSB2', DEVICE_URI_RULES.caller)).toMatchObject({ baudRate: 9600 });
    expect(parseDeviceUri('serial:///dev/ttyUSB0?baud=57600&rtscts=1', DEVICE_URI_RULES.idcard)).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 57600, rtscts: true });
    expect(parseDeviceUri('file:/dev/usb/lp0', DEVICE_URI_RULES.printer)).toEqual({ kind: 'file', path: '/dev/usb/lp0', create: undefined });
  });

  it('reads hid addresses: a path, or vendor:product narrowed by serial, interface and usage page', () => {
    const pad = DEVICE_URI_RULES.ratingPad;
    expect(parseDeviceUri('hid:/dev/hidraw3', pad)).toEqual({ kind: 'hid', target: { path: '/dev/hidraw3' } });
    expect(parseDeviceUri('hid:1a2b:3c4d', pad)).toEqual({ kind: 'hid', target: { vendorId: 0x1a2b, productId: 0x3c4d } });
    expect(parseDeviceUri('hid:0x1A2B:0x3C4D?serial=PAD-05&interface=1&usagePage=0xff00', pad)).toEqual({
      kind: 'hid',
      target: { vendorId: 0x1a2b, productId: 0x3c4d, serialNumber: 'PAD-05', interface: 1, usagePage: 0xff00 },
    });
  });

  it('names what is wrong', () => {
    const pad = DEVICE_URI_RULES.ratingPad;
    expect(() => parseDeviceUri('hid:1a2b', pad)).toThrow('"hid:1a2b": write hid:<vendor>:<product> in hex (hid:1a2b:3c4d) or hid:<path> (hid:/dev/hidraw3)');
    expect(() => parseDeviceUri('hid:1a2b:3c4d?interface=300', pad)).toThrow('interface must be 0..255');
    expect(() => parseDeviceUri('hid:1a2b:3c4d?usagePage=page', pad)).toThrow('usagePage must be a 16-bit number');
    expect(() => parseDeviceUri('hid:1a2b:3c4d?serial=', pad)).toThrow('serial must not be empty');
    expect(() => parseDeviceUri('hid:/dev/hidraw3?interface=0', pad)).toThrow('a device path takes no parameters');
    expect(() => parseDeviceUri('hid:1:2?speed=9', pad)).toThrow('unknown parameter "speed" (known: serial, interface, usagePage)');
    expect(() => parseDeviceUri('tcp://10.0.0.5:9100', DEVICE_URI_RULES.idcard)).toThrow('"tcp://10.0.0.5:9100": ID-card reader address must start with serial:');
    expect(() => parseDeviceUri('hid:1:2', DEVICE_URI_RULES.printer)).toThrow('printer address must start with tcp://, serial: or file:');
    expect(() => parseDeviceUri('sim', DEVICE_URI_RULES.caller)).toThrow('"sim" is the simulator, not a caller keypad bus address');
  });

  it('has rules for every kind the hub configures', () => {
    expect(DEVICE_KINDS).toEqual(['idcard', 'printer', 'ledBars', 'ledWall', 'caller', 'ratingPad', 'smsModem']);
  });
});
