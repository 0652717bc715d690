import { describe, expect, it } from 'vitest';
import { TransportError } from '../../transport.ts';
import type { PrinterStatus } from '../codec/status-decode.ts';
import type { PrinterDevice, PrinterSession } from './printer-device.ts';
import type { PrintJobEvent } from './print-job.ts';
import { PrintJobNotFoundError, PrintQueue, type PrinterStatusReport } from './print-queue.ts';
import { ManualScheduler } from '../../scheduler.ts';

const READY: PrinterStatus = { online: true, paperOut: false, paperNearEnd: false, coverOpen: false, error: false };

/** A printer in memory: reachable or not, a status to report, and what it printed. */
class FakeDevice implements PrinterDevice {
  readonly description = 'fake';
  reachable = true;
  status: PrinterStatus | null = { ...READY };
  failWrites = 0;
  printed: string[] = [];
  connects = 0;
  async connect(): Promise<PrinterSession> {
    this.connects++;
    if (!this.reachable) throw new TransportError('connect fake: ECONNREFUSED', { disconnected: true });
    return {
      readStatus: async () => this.status && { ...this.status },
      write: async (bytes) => {
        if (this.failWrites > 0) {
          this.failWrites--;
          throw new TransportError('write fake: EPIPE', { disconnected: true });
        }
        this.printed.push(bytes.toString());
      },
      close: async () => undefined,
    };
  }
}

function setup(opts: Partial<ConstructorParameters<typeof PrintQueue>[0]> = {}) {
  const device = new FakeDevice();
  const clock = new ManualScheduler(1_000_000);
  let n = 0;
  const queue = new PrintQueue({ device, scheduler: clock, newJobId: () => `job-${++n}`, ...opts });
  const events: PrintJobEvent[] = [];
  const statuses: PrinterStatusReport[] = [];
  queue.on('job', (e) => events.push(e));
  queue.on('status', (s) => statuses.push(s));
  const log = (): string[] => events.map((e) => `${e.job.id}:${e.type}:${e.attempt}`);
  return { device, clock, queue, events, statuses, log };
}

const job = (text: string) => ({ bytes: Buffer.from(text), label: text });

describe('PrintQueue', () => {
  it('prints jobs in order and reports each step', async () => {
    const { device, clock, queue, log } = setup();
    const a = queue.enqueue(job('A001'));
    const b = queue.enqueue(job('A002'));
    await clock.advance(0);
    expect(device.printed).toEqual(['A001', 'A002']);
    expect(log()).toEqual([
      'job-1:queued:0', 'job-2:queued:0',
      'job-1:printing:1', 'job-1:printed:1',
      'job-2:printing:1', 'job-2:printed:1',
    ]);
    expect(queue.job(a)).toMatchObject({ state: 'printed', attempts: 1, printedAt: 1_000_000 });
    expect(queue.job(b)?.state).toBe('printed');
  });

  it('retries with exponential backoff, then fails and moves on', async () => {
    const { device, clock, queue, events } = setup({ maxAttempts: 4, backoff: { baseMs: 1000, maxMs: 3000 } });
    device.reachable = false;
    const a = queue.enqueue(job('A001'));
    queue.enqueue(job('A002'));
    await clock.advance(0);
    expect(clock.pending).toEqual([1000]);
    await clock.advance(999);
    expect(device.connects).toBe(1);
    await clock.advance(1);
    expect(device.connects).toBe(2);
    await clock.advance(2000 + 3000); // capped at maxMs
    const retries = events.filter((e) => e.type === 'retry' && e.job.id === a);
    expect(retries.map((e) => [e.attempt, e.retryInMs])).toEqual([[1, 1000], [2, 2000], [3, 3000]]);
    expect(retries[0]!.error).toMatch(/ECONNREFUSED/);
    const failed = events.find((e) => e.type === 'failed')!;
    expect(failed).toMatchObject({ attempt: 4, job: { id: a, state: 'failed' } });
    expect(failed.error).toMatch(/ECONNREFUSED/);
    // the next job starts its own attempts right away
    expect(events.filter((e) => e.job.id === 'job-2').map((e) => e.type)).toEqual(['queued', 'retry']);
    expect(queue.status).toMatchObject({ online: false, lastError: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('counts a failed write as an attempt and prints on the retry', async () => {
    const { device, clock, queue, log } = setup();
    device.failWrites = 1;
    queue.enqueue(job('A001'));
    await clock.advance(1000);
    expect(device.printed).toEqual(['A001']);
    expect(log()).toEqual(['job-1:queued:0', 'job-1:printing:1', 'job-1:retry:1', 'job-1:printing:2', 'job-1:printed:2']);
  });

  it('holds on paper out without using attempts, then prints when paper is back', async () => {
    const { device, clock, queue, events, statuses } = setup({ holdPollMs: 500 });
    device.status = { ...READY, online: false, paperOut: true };
    const a = queue.enqueue(job('A001'));
    queue.enqueue(job('A002'));
    await clock.advance(0);
    expect(queue.job(a)).toMatchObject({ state: 'queued', heldReason: 'paperOut', attempts: 0 });
    expect(statuses.at(-1)).toMatchObject({ paperOut: true, online: false });
    await clock.advance(5000);
    expect(device.printed).toEqual([]);
    expect(events.filter((e) => e.type === 'held')).toHaveLength(1); // once per hold, not per poll
    device.status = { ...READY };
    await clock.advance(500);
    expect(device.printed).toEqual(['A001', 'A002']);
    expect(queue.job(a)).toMatchObject({ state: 'printed', attempts: 1, heldReason: null });
    expect(statuses.at(-1)).toMatchObject({ paperOut: false, online: true });
  });

  it('fails a job held longer than maxHoldMs rather than print it late', async () => {
    const { device, clock, queue } = setup({ holdPollMs: 1000, maxHoldMs: 3000 });
    device.status = { ...READY, coverOpen: true };
    const a = queue.enqueue(job('A001'));
    await clock.advance(3000);
    expect(queue.job(a)).toMatchObject({ state: 'failed', lastError: 'held too long: coverOpen' });
    // a reprint from the guide desk prints once the cover is shut
    device.status = { ...READY };
    const r = queue.reprint(a);
    await clock.advance(0);
    expect(queue.job(r)).toMatchObject({ state: 'printed', reprintOf: a, label: 'A001' });
    expect(device.printed).toEqual(['A001']);
  });

  it('fails jobs that waited longer than maxHoldMs behind others rather than print them late, and the queue stays short', async () => {
    const { device, clock, queue } = setup({ maxHoldMs: 3000, maxAttempts: 10, backoff: { baseMs: 1000, maxMs: 1000 } });
    device.reachable = false; // the first job retries; the others wait behind it
    const ids = ['A001', 'A002', 'A003'].map((t) => queue.enqueue(job(t)));
    await clock.advance(2000);
    expect(ids.map((id) => queue.job(id)?.state)).toEqual(['queued', 'queued', 'queued']);
    await clock.advance(1500);
    expect(ids.map((id) => queue.job(id))).toEqual(ids.map(() => expect.objectContaining({ state: 'failed', lastError: 'waited too long behind other jobs' })));
    // The printer is back: what is issued now prints at once; nothing from minutes ago comes out first.
    device.reachable = true;
    const now = queue.enqueue(job('A004'));
    await clock.advance(0);
    expect(queue.job(now)?.state).toBe('printed');
    expect(device.printed).toEqual(['A004']);
  });

  it('prints when the printer cannot report status (file transport)', async () => {
    const { device, clock, queue } = setup();
    device.status = null;
    queue.enqueue(job('A001'));
    await clock.advance(0);
    expect(device.printed).toEqual(['A001']);
  });

  it('reprints, cancels and refuses unknown ids', async () => {
    const { device, clock, queue } = setup();
    device.reachable = false;
    const a = queue.enqueue(job('A001'));
    const b = queue.enqueue(job('A002'));
    await clock.advance(0);
    expect(queue.cancel(b)).toBe(true);
    expect(queue.cancel(b)).toBe(false);
    expect(() => queue.reprint('nope')).toThrow(PrintJobNotFoundError);
    expect(() => queue.reprint('nope')).toThrow(expect.objectContaining({ code: 'HQ_ERR_PRINTER_JOB_NOT_FOUND', jobId: 'nope', messageZh: '找不到该打印任务' }));
    device.reachable = true;
    await clock.advance(1000);
    const again = queue.reprint(a);
    await clock.advance(0);
    expect(device.printed).toEqual(['A001', 'A001']);
    expect(queue.job(again)?.reprintOf).toBe(a);
  });

  it('keeps JSON-safe jobs that restore after a restart', async () => {
    const first = setup();
    first.device.status = { ...READY, paperOut: true };
    first.queue.enqueue(job('A001'));
    await first.clock.advance(0);
    const stored = JSON.parse(JSON.stringify(first.queue.jobs()));
    await first.queue.close();

    const device = new FakeDevice();
    const clock = new ManualScheduler(first.clock.now() + 60_000);
    const queue = new PrintQueue({ device, scheduler: clock, jobs: stored });
    await clock.advance(0);
    expect(device.printed).toEqual(['A001']);
    expect(queue.jobs()[0]).toMatchObject({ state: 'printed', label: 'A001' });
    expect(queue.enqueue(job('A002'))).toBeTypeOf('string');
    expect(queue.jobs()[1]!.seq).toBe(2);
  });

  it('checkStatus reports an idle printer', async () => {
    const { device, queue } = setup();
    device.status = { ...READY, paperNearEnd: true };
    expect(await queue.checkStatus()).toMatchObject({ online: true, paperNearEnd: true, lastError: null });
    device.reachable = false;
    expect(await queue.checkStatus()).toMatchObject({ online: false, lastError: expect.stringMatching(/ECONNREFUSED/) });
  });
});
