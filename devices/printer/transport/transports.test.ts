import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../../transport.ts';
import { renderTicket } from '../codec/ticket.ts';
import { sampleTicket } from '../fixtures.ts';
import { printerFromUri } from '../driver/printer-device.ts';
import { PrintQueue } from '../driver/print-queue.ts';
import { queryStatus } from '../driver/status-query.ts';
import { systemScheduler } from '../../scheduler.ts';
import { FakeTcpPrinter } from '../simulator/fake-tcp-printer.ts';
import { FileTransport } from './file-transport.ts';
import { parsePrinterUri, transportFromUri } from './from-uri.ts';
import { TcpTransport } from './tcp-transport.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('parsePrinterUri', () => {
  it('reads the three kinds', () => {
    expect(parsePrinterUri('tcp://10.0.0.5')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 9100 });
    expect(parsePrinterUri('tcp://printer.local:9101/')).toEqual({ kind: 'tcp', host: 'printer.local', port: 9101 });
    expect(parsePrinterUri('tcp://[fe80::1]:9100')).toEqual({ kind: 'tcp', host: 'fe80::1', port: 9100 });
    expect(parsePrinterUri('serial:/dev/ttyUSB0?baud=115200&rtscts=1')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200, rtscts: true });
    expect(parsePrinterUri('serial:/dev/ttyS0')).toMatchObject({ baudRate: 9600, rtscts: false });
    expect(parsePrinterUri('file:/dev/usb/lp0')).toEqual({ kind: 'file', path: '/dev/usb/lp0', create: undefined });
    expect(parsePrinterUri('file:///tmp/cap.bin?create=1')).toEqual({ kind: 'file', path: '/tmp/cap.bin', create: true });
    expect(transportFromUri('tcp://h:1').description).toBe('tcp://h:1');
    expect(transportFromUri('serial:/dev/ttyUSB0').description).toBe('serial:/dev/ttyUSB0');
    expect(transportFromUri('file:/dev/usb/lp0').description).toBe('file:/dev/usb/lp0');
  });

  it('names what is wrong', () => {
    expect(() => parsePrinterUri('usb://x')).toThrow(/tcp:\/\/, serial: or file:/);
    expect(() => parsePrinterUri('tcp://h:70000')).toThrow(/port/);
    expect(() => parsePrinterUri('serial:/dev/ttyS0?baud=fast')).toThrow(/baud/);
    expect(() => parsePrinterUri('serial:')).toThrow(/device path/);
  });
});

describe('TcpTransport', () => {
  it('maps a refused connection to disconnected', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const err = await rejection(new TcpTransport({ host: '127.0.0.1', port }).open());
    expect(err.disconnected).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('maps a connect that never completes to a disconnected timeout', async () => {
    // A listener that never accepts (its event loop is blocked) with backlog 1: the kernel completes two
    // handshakes, then drops SYNs, so the next connect hangs like one to a powered-off printer's address.
    const child = spawn(process.execPath, ['-e', `
      const s = require('node:net').createServer();
      s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
        console.log(s.address().port);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000);
      });`]);
    cleanups.push(() => void child.kill('SIGKILL'));
    const port = Number(await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString()))));
    for (let i = 0; i < 2; i++) {
      const filler = net.connect(port, '127.0.0.1');
      cleanups.push(() => void filler.destroy());
      await new Promise((r) => filler.once('connect', r));
    }
    const started = Date.now();
    const err = await rejection(new TcpTransport({ host: '127.0.0.1', port, connectTimeoutMs: 200 }).open());
    expect(err).toMatchObject({ disconnected: true, message: expect.stringMatching(/timed out after 200 ms/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('times out a write the printer never reads, and reports the close', async () => {
    const peers: net.Socket[] = [];
    const srv = net.createServer((s) => void peers.push(s.pause())); // a printer whose buffer is full
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => {
      for (const p of peers) p.destroy();
      srv.close(() => r());
    }));
    const t = new TcpTransport({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, writeTimeoutMs: 300 });
    await t.open();
    const closed = new Promise<TransportError | undefined>((r) => t.once('close', r));
    const err = await rejection(t.write(Buffer.alloc(64 << 20)));
    expect(err).toMatchObject({ disconnected: true, message: expect.stringMatching(/timed out/) });
    expect((await closed)?.disconnected).toBe(true);
    expect(t.isOpen).toBe(false);
  });

  it('emits close with disconnected when the printer drops the link', async () => {
    const printer = await FakeTcpPrinter.start();
    cleanups.push(() => printer.close());
    const t = transportFromUri(printer.uri);
    await t.open();
    expect(t.isOpen).toBe(true);
    const closed = new Promise<TransportError | undefined>((r) => t.once('close', r));
    await printer.offline();
    expect((await closed)?.disconnected).toBe(true);
  });

  it('queries status with a read timeout: null from a silent printer, a status otherwise', async () => {
    const printer = await FakeTcpPrinter.start();
    cleanups.push(() => printer.close());
    const t = transportFromUri(printer.uri);
    await t.open();
    cleanups.push(() => t.close());
    printer.paperNearEnd();
    expect(await queryStatus(t, { method: 'dle-eot', timeoutMs: 500, scheduler: systemScheduler })).toEqual({
      online: true, paperOut: false, paperNearEnd: true, coverOpen: false, error: false,
    });
    printer.paperOut();
    expect(await queryStatus(t, { method: 'gs-r', timeoutMs: 500, scheduler: systemScheduler })).toMatchObject({ paperOut: true });
    printer.mute();
    const started = Date.now();
    expect(await queryStatus(t, { method: 'dle-eot', timeoutMs: 100, scheduler: systemScheduler })).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});

describe('FileTransport', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-printer-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same bytes as the ticket, appending job after job', async () => {
    const path = join(dir, 'lp0.bin');
    const queue = new PrintQueue({ device: printerFromUri(`file:${path}`) });
    const bytes = renderTicket(sampleTicket);
    const printed = new Promise<void>((r) => queue.on('job', (e) => e.type === 'printed' && e.job.label === 'two' && r()));
    queue.enqueue({ bytes, label: 'one' });
    queue.enqueue({ bytes, label: 'two' });
    await printed;
    expect(readFileSync(path).equals(Buffer.concat([bytes, bytes]))).toBe(true);
    await queue.close();
  });

  it('does not create a missing device file: an unplugged /dev printer is disconnected', async () => {
    const err = await rejection(new FileTransport({ path: '/dev/usb/hallq-no-such-lp' }).open());
    expect(err).toMatchObject({ disconnected: true, message: expect.stringMatching(/ENOENT/) });
    const t = new FileTransport({ path: join(dir, 'nope', 'x.bin'), create: true });
    expect((await rejection(t.open())).disconnected).toBe(true);
  });
});
