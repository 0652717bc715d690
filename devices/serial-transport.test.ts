import type { SerialPortStream } from '@serialport/stream';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { toTransportError } from './serial-errors.ts';
import { SerialTransport, type SerialPortFactoryOptions } from './serial-transport.ts';
import { TransportError } from './transport.ts';

describe('toTransportError', () => {
  it.each([
    ['ENXIO code', Object.assign(new Error('read failed'), { code: 'ENXIO' }), true],
    ['EIO code', Object.assign(new Error('read failed'), { code: 'EIO' }), true],
    ['ENODEV code', Object.assign(new Error('x'), { code: 'ENODEV' }), true],
    ['bindings-cpp open of a missing path', new Error('Error: No such file or directory, cannot open /dev/ttyUSB0'), true],
    ['serialport DisconnectedError', Object.assign(new Error('gone'), { disconnected: true }), true],
    ['bindings-cpp read flag', Object.assign(new Error('gone'), { disconnect: true }), true],
    ['permission denied', Object.assign(new Error('Error: Permission denied, cannot open /dev/ttyS0'), { code: 'EACCES' }), false],
    ['port locked', new Error('Error Resource temporarily unavailable Cannot lock port'), false],
  ])('%s → disconnected %s', (_what, err, disconnected) => {
    const t = toTransportError(err, 'op');
    expect(t).toBeInstanceOf(TransportError);
    expect(t.disconnected).toBe(disconnected);
    expect(t.canceled).toBe(false);
    expect(t.cause).toBe(err);
  });

  it('anything while closing, or a binding CanceledError, is canceled and not a disconnect', () => {
    expect(toTransportError(Object.assign(new Error('EIO'), { code: 'EIO' }), 'op', { closing: true })).toMatchObject({ canceled: true, disconnected: false });
    expect(toTransportError(Object.assign(new Error('Read canceled'), { canceled: true }), 'op')).toMatchObject({ canceled: true });
  });
});

// The binding serialport's SerialPortMock really uses (importing @serialport/binding-mock directly
// can load a second copy through its ESM build).
const MockBinding = SerialPortMock.binding;

describe('SerialTransport over serialport’s MockBinding', () => {
  const PATH = '/dev/ttyIDR';
  let ports: SerialPortMock[] = [];
  let asked: SerialPortFactoryOptions[] = [];
  const transport = (opts: { baudRate?: number; rtscts?: boolean } = {}) =>
    new SerialTransport({
      path: PATH,
      ...opts,
      createPort: (o) => {
        asked.push(o);
        const p = new SerialPortMock(o);
        ports.push(p);
        return p as unknown as SerialPortStream;
      },
    });

  afterEach(() => {
    MockBinding.reset();
    ports = [];
    asked = [];
  });

  it('opens at 115200, writes, receives, closes', async () => {
    MockBinding.createPort(PATH, { record: true });
    const t = transport();
    expect(t.description).toBe('serial:/dev/ttyIDR');
    await t.open();
    expect(t.isOpen).toBe(true);
    const port = ports[0]!;
    expect(port.baudRate).toBe(115200);
    await t.write(Buffer.from('aaaaaa96690003200122', 'hex'));
    expect(port.port?.recording.toString('hex')).toBe('aaaaaa96690003200122');
    const got: Buffer[] = [];
    t.on('data', (c: Buffer) => got.push(c));
    port.port?.emitData(Buffer.from('aaaaaa9669000400008084', 'hex'));
    await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(got).toString('hex')).toBe('aaaaaa9669000400008084');
    const closed: unknown[] = [];
    t.on('close', (err?: unknown) => closed.push(err));
    await t.close();
    await new Promise((r) => setImmediate(r));
    expect(t.isOpen).toBe(false);
    expect(closed).toEqual([undefined]);
    await expect(t.write(Buffer.from([1]))).rejects.toBeInstanceOf(TransportError);
  });

  it('a missing port fails open with a disconnected TransportError', async () => {
    const t = transport();
    await expect(t.open()).rejects.toMatchObject({ name: 'TransportError', disconnected: true });
    expect(t.isOpen).toBe(false);
  });

  it('a disconnect closes with a disconnected TransportError; open() then makes a fresh port', async () => {
    MockBinding.createPort(PATH);
    const t = transport();
    await t.open();
    const closed = new Promise<unknown>((resolve) => t.once('close', resolve));
    ports[0]!._disconnected(Object.assign(new Error('Input/output error'), { code: 'EIO' }));
    const err = await closed;
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ disconnected: true });
    expect(t.isOpen).toBe(false);
    await t.open();
    expect(ports).toHaveLength(2);
    expect(t.isOpen).toBe(true);
    await t.close();
  });

  it('passes baudRate and rtscts through (the printer’s serial:…?baud=9600&rtscts=1)', async () => {
    MockBinding.createPort(PATH);
    const t = transport({ baudRate: 9600, rtscts: true });
    await t.open();
    expect(asked).toEqual([{ path: PATH, baudRate: 9600, rtscts: true, autoOpen: false }]);
    expect(ports[0]!.baudRate).toBe(9600);
    await t.close();
  });

  it('open() is idempotent, also while the first open is in flight', async () => {
    MockBinding.createPort(PATH);
    const t = transport();
    await Promise.all([t.open(), t.open()]);
    await t.open();
    expect(ports).toHaveLength(1);
    await t.close();
  });

  it('writing while down is disconnected, after close() canceled', async () => {
    MockBinding.createPort(PATH);
    const t = transport();
    await expect(t.write(Buffer.from([1]))).rejects.toMatchObject({ disconnected: true, canceled: false });
    await t.open();
    await t.close();
    await expect(t.write(Buffer.from([1]))).rejects.toMatchObject({ disconnected: false, canceled: true });
  });

  it('a port error with nobody listening does not throw; with a listener it arrives as a TransportError', async () => {
    MockBinding.createPort(PATH);
    const t = transport();
    await t.open();
    expect(() => ports[0]!.emit('error', new Error('framing'))).not.toThrow();
    const errors: unknown[] = [];
    t.on('error', (e: unknown) => errors.push(e));
    ports[0]!.emit('error', Object.assign(new Error('Input/output error'), { code: 'EIO' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(errors[0]).toMatchObject({ disconnected: true });
    await t.close();
  });

  it('a close nobody asked for, without a reason, still counts as a disconnect', async () => {
    MockBinding.createPort(PATH);
    const t = transport();
    await t.open();
    const closed = new Promise<unknown>((resolve) => t.once('close', resolve));
    ports[0]!.close();
    expect(await closed).toMatchObject({ name: 'TransportError', disconnected: true });
    expect(t.isOpen).toBe(false);
  });
});
