import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeTcpPrinter, PrintQueue, printerFromUri, renderTicket, type PrinterStatusReport, type PrintJobEvent } from './index.ts';
import { sampleTicket } from './fixtures.ts';

/** Resolves with the first event that matches. */
function next<T>(queue: PrintQueue, name: 'job' | 'status', match: (e: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const on = (e: T): void => {
      if (!match(e)) return;
      queue.off(name, on as never);
      resolve(e);
    };
    queue.on(name, on as never);
  });
}

describe('a ticket through the fake LAN printer', () => {
  let printer: FakeTcpPrinter;
  let queue: PrintQueue;
  let events: PrintJobEvent[];

  beforeEach(async () => {
    printer = await FakeTcpPrinter.start();
    queue = new PrintQueue({
      device: printerFromUri(printer.uri, { statusTimeoutMs: 300 }),
      maxAttempts: 3,
      backoff: { baseMs: 40, maxMs: 1000 },
      holdPollMs: 30,
    });
    events = [];
    queue.on('job', (e) => events.push(e));
  });

  afterEach(async () => {
    await queue.close();
    await printer.close();
  });

  it('decodes to the number, the category in Chinese, the footer and the status QR (issue #3 acceptance)', async () => {
    const id = queue.enqueue({ bytes: renderTicket(sampleTicket), label: sampleTicket.number, ref: '01HX3Q4ZK8' });
    const [receipt] = await printer.waitForReceipts(1);
    expect(receipt!.lines).toContain('A012');
    expect(receipt!.lines).toContain('社保医保');
    expect(receipt!.lines).toContain('请留意叫号,过号请重新取号');
    expect(receipt!.lines).toContain('您前面还有 5 人等候');
    expect(receipt!.qrCodes).toEqual([sampleTicket.statusUrl]);
    expect(receipt!.cut).toBe('full');
    await queue.idle();
    expect(queue.job(id)).toMatchObject({ state: 'printed', attempts: 1 });
    // One connection: the DLE EOT 1..4 queries, then the ticket bytes exactly.
    expect(printer.sessions).toHaveLength(1);
    expect(printer.sessions[0]!.toString('hex')).toBe(`100401100402100403100404${renderTicket(sampleTicket).toString('hex')}`);
    expect(queue.status).toEqual({ online: true, paperOut: false, paperNearEnd: false, coverOpen: false, error: false, lastError: null });
  });

  it('holds the job while paper is out, reports it, and prints once paper is back', async () => {
    printer.paperOut();
    const paperOut = next<PrinterStatusReport>(queue, 'status', (s) => s.paperOut);
    const held = next<PrintJobEvent>(queue, 'job', (e) => e.type === 'held');
    const id = queue.enqueue({ bytes: renderTicket(sampleTicket), label: 'A012' });
    expect(await paperOut).toMatchObject({ online: false, paperOut: true, paperNearEnd: true });
    expect((await held).job.heldReason).toBe('paperOut');
    await new Promise((r) => setTimeout(r, 150)); // several hold polls
    expect(printer.receipts).toHaveLength(0);
    expect(printer.connections).toBeGreaterThan(2);
    expect(queue.job(id)).toMatchObject({ state: 'queued', attempts: 0 });

    const printed = next<PrintJobEvent>(queue, 'job', (e) => e.type === 'printed');
    printer.paperIn();
    expect((await printed).attempt).toBe(1);
    expect(printer.receipts[0]!.lines).toContain('A012');
    expect(queue.status).toMatchObject({ online: true, paperOut: false });
  });

  it('reports paper near end without holding the job', async () => {
    printer.paperNearEnd();
    queue.enqueue({ bytes: renderTicket(sampleTicket) });
    await printer.waitForReceipts(1);
    await queue.idle();
    expect(queue.status).toMatchObject({ online: true, paperNearEnd: true, paperOut: false });
  });

  it('holds while the cover is open', async () => {
    printer.coverOpen();
    const held = next<PrintJobEvent>(queue, 'job', (e) => e.type === 'held');
    queue.enqueue({ bytes: renderTicket(sampleTicket) });
    expect((await held).job.heldReason).toBe('coverOpen');
    expect(queue.status.coverOpen).toBe(true);
    printer.coverClose();
    await printer.waitForReceipts(1);
  });

  it('retries with backoff while the printer is off, fails, and reprints once it is back', async () => {
    await printer.offline();
    const failed = next<PrintJobEvent>(queue, 'job', (e) => e.type === 'failed');
    const id = queue.enqueue({ bytes: renderTicket(sampleTicket), label: 'A012' });
    const f = await failed;
    expect(f.attempt).toBe(3);
    expect(f.error).toMatch(/ECONNREFUSED/);
    expect(events.filter((e) => e.type === 'retry').map((e) => [e.attempt, e.retryInMs])).toEqual([[1, 40], [2, 80]]);
    expect(queue.status).toMatchObject({ online: false, lastError: expect.stringMatching(/ECONNREFUSED/) });

    await printer.online();
    const again = queue.reprint(id);
    const [receipt] = await printer.waitForReceipts(1);
    expect(receipt!.lines).toContain('A012');
    await queue.idle();
    expect(queue.job(again)).toMatchObject({ state: 'printed', reprintOf: id });
    expect(queue.job(id)?.state).toBe('failed');
    expect(queue.status).toMatchObject({ online: true, lastError: null });
  });

  it('prints anyway when the printer ignores status queries', async () => {
    printer.mute();
    queue.enqueue({ bytes: renderTicket(sampleTicket) });
    await printer.waitForReceipts(1);
  });

  it('renders a readable PNG preview (test-output/printer-preview.png)', async () => {
    queue.enqueue({ bytes: renderTicket({ ...sampleTicket, priorityLabel: '老年人优先' }) });
    await printer.waitForReceipts(1);
    const png = printer.renderPng();
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(576);
    expect(height).toBeGreaterThan(700);
    expect(height).toBeLessThan(2000);
    const dir = fileURLToPath(new URL('../../test-output/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}printer-preview.png`, png);
  });
});
