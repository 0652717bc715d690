import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { hasTool } from '../../test/support/require-tool.ts';
import { renderTicket } from './codec/ticket.ts';
import { sampleTicket } from './fixtures.ts';
import { printerFromUri } from './driver/printer-device.ts';
import { PrintQueue } from './driver/print-queue.ts';
import { SimulatedPrinter } from './simulator/simulated-printer.ts';
import { SerialTransport } from '../serial-transport.ts';

describe.skipIf(!hasTool('socat'))('the printer over SerialTransport on a socat pty pair', () => {
  let socat: ChildProcess;
  let dir: string;
  let ttyA: string;
  let ttyB: string;
  let far: SerialPort;
  const sim = new SimulatedPrinter();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-pty-'));
    ttyA = join(dir, 'ttyA');
    ttyB = join(dir, 'ttyB');
    socat = spawn('socat', [`pty,raw,echo=0,link=${ttyA}`, `pty,raw,echo=0,link=${ttyB}`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(existsSync(ttyA) && existsSync(ttyB)); i++) await new Promise((r) => setTimeout(r, 20));
    // The printer end: a simulated printer on ttyB that answers status on the same line.
    far = new SerialPort({ path: ttyB, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => far.open((e) => (e ? reject(e) : resolve())));
    const feed = sim.attach((b) => far.write(b));
    far.on('data', feed);
  });

  afterAll(async () => {
    if (far?.isOpen) await new Promise((r) => far.close(r));
    socat?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries the ticket bytes unchanged', async () => {
    const t = new SerialTransport({ path: ttyA, baudRate: 9600 });
    await t.open();
    await t.write(renderTicket(sampleTicket));
    const [r] = await sim.waitForReceipts(1);
    await t.close();
    expect(sim.received.equals(renderTicket(sampleTicket))).toBe(true);
    expect(r!.lines).toContain('社保医保');
  });

  it('prints through the queue with a status check on the serial line', async () => {
    sim.reset();
    sim.paperNearEnd();
    const queue = new PrintQueue({ device: printerFromUri(`serial:${ttyA}?baud=9600`, { statusTimeoutMs: 500 }) });
    queue.enqueue({ bytes: renderTicket(sampleTicket) });
    const [r] = await sim.waitForReceipts(1);
    await queue.idle();
    expect(r!.qrCodes).toEqual([sampleTicket.statusUrl]);
    expect(queue.status).toMatchObject({ online: true, paperNearEnd: true });
    expect(sim.received.subarray(0, 12).toString('hex')).toBe('100401100402100403100404');
    await queue.close();
  });
});
