import { describe, expect, it } from 'vitest';
import { HARDWARE_VARS, hardwareUri } from './hardware.ts';

describe('contract suites: which hardware', () => {
  it('takes a uri as is and a bare path in the kind’s usual scheme', () => {
    expect(hardwareUri('idcard', { HALLQ_TEST_IDCARD: '/dev/ttyUSB0' })).toBe('serial:/dev/ttyUSB0');
    expect(hardwareUri('printer', { HALLQ_TEST_PRINTER: 'tcp://10.0.0.5:9100' })).toBe('tcp://10.0.0.5:9100');
    expect(hardwareUri('printer', { HALLQ_TEST_PRINTER: '/dev/usb/lp0' })).toBe('file:/dev/usb/lp0');
    expect(hardwareUri('ratingPad', { HALLQ_TEST_HIDPAD: '/dev/hidraw3' })).toBe('hid:/dev/hidraw3');
    expect(hardwareUri('smsModem', { HALLQ_TEST_SMS_MODEM: '/dev/ttyUSB1' })).toBe('serial:/dev/ttyUSB1');
    expect(hardwareUri('caller', {})).toBeUndefined();
    expect(hardwareUri('ledBars', { HALLQ_TEST_LED_BAR: '  ' })).toBeUndefined();
  });

  it('has one variable per kind', () => {
    expect(Object.values(HARDWARE_VARS).map((v) => v.name)).toEqual([
      'HALLQ_TEST_IDCARD',
      'HALLQ_TEST_PRINTER',
      'HALLQ_TEST_LED_BAR',
      'HALLQ_TEST_LED_WALL',
      'HALLQ_TEST_CALLER',
      'HALLQ_TEST_HIDPAD',
      'HALLQ_TEST_SMS_MODEM',
    ]);
  });
});
