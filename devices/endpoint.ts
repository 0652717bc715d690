import { CallerKeypadSimulator, type CallerKeypadSimulatorOptions } from './caller/simulator/caller-keypad-simulator.ts';
import { DEVICE_URI_RULES, type DeviceKind, type DeviceUri, parseDeviceUri } from './device-uri.ts';
import { IdCardSimulator, type IdCardSimulatorOptions } from './idcard/simulator/id-card-simulator.ts';
import { LazyTransport } from './lazy-transport.ts';
import { OnbonBxSimulator, type OnbonBxSimulatorOptions } from './led/simulator/onbon-bx-simulator.ts';
import { SimpleBarSimulator, type SimpleBarSimulatorOptions } from './led/simulator/simple-bar-simulator.ts';
import { FakeTcpPrinter, type FakeTcpPrinterOptions } from './printer/simulator/fake-tcp-printer.ts';
import { FileTransport } from './printer/transport/file-transport.ts';
import { TcpTransport, type TcpTransportOptions } from './printer/transport/tcp-transport.ts';
import { FakeHidBus, FakeHidDevice, type FakeHidDeviceOptions } from './ratingpad/simulator/fake-hid-device.ts';
import type { OpenHid } from './ratingpad/transport/hid-device.ts';
import { HidTransport } from './ratingpad/transport/hid-transport.ts';
import { SerialTransport } from './serial-transport.ts';
import { SmsModemSimulator, type SmsModemSimulatorOptions } from './sms-modem/simulator/sms-modem-simulator.ts';
import { type ByteTransport, memoryPair } from './transport.ts';

export type { DeviceKind } from './device-uri.ts';

/** The simulated device behind `sim`, by kind. */
export interface Simulators {
  idcard: IdCardSimulator;
  /** A fake LAN printer on 127.0.0.1 (a real TCP port), so the printer's own TCP path runs too. */
  printer: FakeTcpPrinter;
  ledBars: SimpleBarSimulator;
  ledWall: OnbonBxSimulator;
  caller: CallerKeypadSimulator;
  ratingPad: FakeHidDevice;
  smsModem: SmsModemSimulator;
}

/** Options of the simulator behind `sim`, by kind. */
export interface SimulatorOptions {
  idcard: IdCardSimulatorOptions;
  printer: FakeTcpPrinterOptions;
  ledBars: SimpleBarSimulatorOptions;
  ledWall: OnbonBxSimulatorOptions;
  caller: CallerKeypadSimulatorOptions;
  ratingPad: FakeHidDeviceOptions;
  smsModem: SmsModemSimulatorOptions;
}

export interface EndpointOptions<K extends DeviceKind> {
  /** For `sim`: the simulator's options. */
  sim?: SimulatorOptions[K];
  /** For `hid:` addresses: how a device is opened. Default node-hid, loaded on first use; tests pass FakeHidBus.openHid. */
  openHid?: OpenHid;
}

/** A device's end of the wire as the hub holds it. */
export interface DeviceEndpoint<K extends DeviceKind> {
  kind: K;
  uri: string;
  /** The parsed address; null for `sim`. */
  address: DeviceUri | null;
  /** The hub's end: what the driver is given (unopened; the driver's link opens it). */
  transport: ByteTransport;
  /** The simulated device for `sim`, null for hardware. */
  simulator: Simulators[K] | null;
  /** Settles once the simulator can be reached (the fake LAN printer listens); at once otherwise. */
  ready: Promise<void>;
  /** Stops what `sim` started (the fake printer's listener). Nothing for hardware. */
  close(): Promise<void>;
}

/**
 * The one place that turns a device address from config into the hub's end of the wire: `sim`
 * gives the kind's simulator on the other end (in memory, or a fake LAN printer on 127.0.0.1);
 * `serial:`, `tcp://`, `file:` and `hid:` give the hardware transport. The address is checked
 * against the kind's rules (DEVICE_URI_RULES: which schemes, default port and baud); a bad one
 * throws a TypeError naming the bad part, as the config check does.
 *
 * @example
 * const ep = endpointForUri('idcard', config.devices.idcard.uri);   // 'sim' or 'serial:/dev/ttyUSB0'
 * const reader = new IdCardReader(ep.transport);
 * ep.simulator?.place(exampleCard());                                // only with sim
 */
export function endpointForUri<K extends DeviceKind>(kind: K, uri: string, opts: EndpointOptions<K> = {}): DeviceEndpoint<K> {
  if (!(kind in DEVICE_URI_RULES)) throw new TypeError(`unknown device kind "${String(kind)}" (known: ${Object.keys(DEVICE_URI_RULES).join(', ')})`);
  if (uri === 'sim') return simulated(kind, opts.sim);
  const address = parseDeviceUri(uri, DEVICE_URI_RULES[kind]);
  return { kind, uri, address, transport: transportForAddress(address, opts.openHid ? { openHid: opts.openHid } : {}), simulator: null, ready: Promise.resolve(), close: async () => {} };
}

/** The hardware transport for a parsed address (the kind's defaults are already in it). */
export function transportForAddress(address: DeviceUri, opts: { openHid?: OpenHid; tcp?: Omit<TcpTransportOptions, 'host' | 'port'> } = {}): ByteTransport {
  switch (address.kind) {
    case 'serial':
      return new SerialTransport({ path: address.path, baudRate: address.baudRate, rtscts: address.rtscts });
    case 'tcp':
      return new TcpTransport({ ...opts.tcp, host: address.host, port: address.port });
    case 'file':
      return new FileTransport({ path: address.path, ...(address.create === undefined ? {} : { create: address.create }) });
    case 'hid':
      return new HidTransport(address.target, opts.openHid);
    default: {
      const unhandled: never = address;
      return unhandled;
    }
  }
}

type Simulated<K extends DeviceKind> = Pick<DeviceEndpoint<K>, 'transport' | 'simulator'> & Partial<Pick<DeviceEndpoint<K>, 'ready' | 'close'>>;

/** The simulator of each kind, and the hub's end of the wire to it. */
const SIMULATE: { [K in DeviceKind]: (opts: SimulatorOptions[K] | undefined) => Simulated<K> } = {
  idcard: (opts) => {
    const [hub, device] = memoryPair('idcard-sim');
    void device.open();
    return { transport: hub, simulator: new IdCardSimulator(device, opts) };
  },
  printer: (opts) => {
    const fake = FakeTcpPrinter.create(opts);
    const ready = fake.online();
    // The port is known once the fake listens; the printer's link opens the transport later.
    const transport = new LazyTransport('sim:printer', async () => {
      await ready;
      return new TcpTransport({ host: fake.host, port: fake.port });
    });
    return { transport, simulator: fake, ready, close: () => fake.offline() };
  },
  ledBars: (opts) => {
    const [hub, device] = memoryPair('led-bars-sim');
    const simulator = new SimpleBarSimulator(opts);
    simulator.attach(device);
    void device.open();
    return { transport: hub, simulator };
  },
  ledWall: (opts) => {
    const [hub, device] = memoryPair('led-wall-sim');
    const simulator = new OnbonBxSimulator(opts);
    simulator.attach(device);
    void device.open();
    return { transport: hub, simulator };
  },
  caller: (opts) => {
    const [hub, device] = memoryPair('caller-sim');
    void device.open();
    return { transport: hub, simulator: new CallerKeypadSimulator(device, opts) };
  },
  ratingPad: (opts) => {
    const pad = new FakeHidDevice(opts);
    return { transport: new HidTransport({ path: pad.path }, new FakeHidBus([pad]).openHid), simulator: pad };
  },
  smsModem: (opts) => {
    const [hub, device] = memoryPair('sms-modem-sim');
    void device.open();
    return { transport: hub, simulator: new SmsModemSimulator(device, opts) };
  },
};

function simulated<K extends DeviceKind>(kind: K, opts: SimulatorOptions[K] | undefined): DeviceEndpoint<K> {
  const made = (SIMULATE[kind] as (o: SimulatorOptions[K] | undefined) => Simulated<K>)(opts);
  return { kind, uri: 'sim', address: null, ready: Promise.resolve(), close: async () => {}, ...made };
}
