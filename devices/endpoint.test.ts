import { afterEach, describe, expect, it } from 'vitest';
import { CallerKeypadSimulator } from './caller/simulator/caller-keypad-simulator.ts';
import { DEVICE_KINDS } from './device-uri.ts';
import { endpointForUri } from './endpoint.ts';
import { IdCardSimulator } from './idcard/simulator/id-card-simulator.ts';
import { OnbonBxSimulator } from './led/simulator/onbon-bx-simulator.ts';
import { SimpleBarSimulator } from './led/simulator/simple-bar-simulator.ts';
import { FakeTcpPrinter } from './printer/simulator/fake-tcp-printer.ts';
import { FileTransport } from './printer/transport/file-transport.ts';
import { TcpTransport } from './printer/transport/tcp-transport.ts';
import { FakeHidDevice } from './ratingpad/simulator/fake-hid-device.ts';
import { HidTransport } from './ratingpad/transport/hid-transport.ts';
import { SerialTransport } from './serial-transport.ts';
import { SmsModemSimulator } from './sms-modem/simulator/sms-modem-simulator.ts';

const closes: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closes.splice(0)) await c();
});

describe('endpointForUri: the one place that picks the simulator or the hardware transport', () => {
  it('sim gives each kind its simulator on the other end of the wire', async () => {
    const simulators = {
      idcard: IdCardSimulator,
      printer: FakeTcpPrinter,
      ledBars: SimpleBarSimulator,
      ledWall: OnbonBxSimulator,
      caller: CallerKeypadSimulator,
      ratingPad: FakeHidDevice,
      smsModem: SmsModemSimulator,
    } as const;
    for (const kind of DEVICE_KINDS) {
      const ep = endpointForUri(kind, 'sim');
      closes.push(() => ep.close());
      await ep.ready;
      expect(ep.simulator, kind).toBeInstanceOf(simulators[kind]);
      expect(ep.address).toBeNull();
      // The hub's end opens like any transport.
      await ep.transport.open();
      expect(ep.transport.isOpen, kind).toBe(true);
      await ep.transport.close();
    }
  });

  it('hardware addresses give the transport of their scheme, with the kind’s defaults, and no simulator', () => {
    const reader = endpointForUri('idcard', 'serial:/dev/ttyUSB0');
    expect(reader.transport).toBeInstanceOf(SerialTransport);
    expect(reader.address).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200, rtscts: false });
    expect(reader.simulator).toBeNull();
    expect(endpointForUri('printer', 'tcp://10.0.0.5').transport).toBeInstanceOf(TcpTransport);
    expect(endpointForUri('printer', 'tcp://10.0.0.5').transport.description).toBe('tcp://10.0.0.5:9100');
    expect(endpointForUri('printer', 'file:/dev/usb/lp0').transport).toBeInstanceOf(FileTransport);
    expect(endpointForUri('ledWall', 'tcp://10.0.0.9').transport.description).toBe('tcp://10.0.0.9:5005');
    expect(endpointForUri('ledBars', 'serial:/dev/ttyUSB3').address).toMatchObject({ baudRate: 9600 });
    expect(endpointForUri('caller', 'serial:/dev/ttyUSB2?baud=19200').address).toMatchObject({ baudRate: 19200 });
    const pad = endpointForUri('ratingPad', 'hid:1a2b:3c4d');
    expect(pad.transport).toBeInstanceOf(HidTransport);
    expect(pad.transport.description).toBe('hid:1a2b:3c4d');
    expect(endpointForUri('smsModem', 'serial:/dev/ttyUSB1').address).toEqual({ kind: 'serial', path: '/dev/ttyUSB1', baudRate: 115200, rtscts: false });
  });

  it('refuses an address the kind cannot have, naming it', () => {
    expect(() => endpointForUri('idcard', 'tcp://10.0.0.5')).toThrow('ID-card reader address must start with serial:');
    expect(() => endpointForUri('ratingPad', 'serial:/dev/ttyUSB0')).toThrow('rating pad address must start with hid:');
    expect(() => endpointForUri('nope' as never, 'sim')).toThrow('unknown device kind "nope"');
  });

  it('passes simulator options through', () => {
    expect(endpointForUri('idcard', 'sim', { sim: { samHealthy: false } }).simulator?.samHealthy).toBe(false);
    expect(endpointForUri('ledWall', 'sim', { sim: { replyLayout: '9-byte' } }).simulator?.replyLayout).toBe('9-byte');
    expect(endpointForUri('smsModem', 'sim', { sim: { sim: 'absent' } }).simulator?.sim).toBe('absent');
  });
});
