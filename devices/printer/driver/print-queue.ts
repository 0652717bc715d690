import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { blockedReason, type PrinterStatus } from '../codec/status-decode.ts';
import { PrinterError } from '../errors.ts';
import type { PrinterDevice, PrinterSession } from './printer-device.ts';
import { backoffDelay } from '../../backoff.ts';
import { systemScheduler, type Scheduler } from '../../scheduler.ts';
import type { EnqueueInput, PrintJob, PrintJobEvent, PrintJobEventType } from './print-job.ts';

/** The printer as device.status shows it. */
export interface PrinterStatusReport extends PrinterStatus {
  /** The last failure talking to the printer, null after a success. */
  lastError: string | null;
}

export interface PrintQueueOptions {
  device: PrinterDevice;
  scheduler?: Scheduler;
  /** Attempts per job before it fails. Default 5. */
  maxAttempts?: number;
  /** Backoff after failed attempt n, by the one rule (devices/backoff.ts): min(maxMs, baseMs * 2^(n-1)). Defaults 1000 / 30000. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** How often a held job re-checks the printer. Default 2000. */
  holdPollMs?: number;
  /**
   * A job held longer than this fails instead of printing late: a ticket that comes out ten minutes after
   * its resident walked away would be taken by the next one. A job that waited this long in the queue
   * behind others, without being held, fails alike. Default 120000; Infinity waits forever.
   */
  maxHoldMs?: number;
  /** Finished jobs kept for reprint and display. Default 200. */
  keepFinished?: number;
  /** Jobs restored from storage; one caught `printing` by a restart goes back to `queued`. */
  jobs?: PrintJob[];
  newJobId?: () => string;
}

/** reprint() or cancel() of a job the queue does not hold. */
export class PrintJobNotFoundError extends PrinterError {
  override name = 'PrintJobNotFoundError';
  constructor(readonly jobId: string) {
    super('HQ_ERR_PRINTER_JOB_NOT_FOUND', jobId);
  }
}

interface PrintQueueEvents {
  job: [PrintJobEvent];
  status: [PrinterStatusReport];
}

const UNKNOWN: PrinterStatusReport = {
  online: false,
  paperOut: false,
  paperNearEnd: false,
  coverOpen: false,
  error: false,
  lastError: null,
};

/**
 * Prints jobs one at a time, in order. Before each attempt it asks the printer for its status: paper out,
 * cover open or an error hold the job (no attempt used) and re-check every holdPollMs; a failed connection
 * or write uses an attempt and retries after a backoff, up to maxAttempts, then the job fails and the next
 * one starts. Events: `job` (PrintJobEvent) and `status` (PrinterStatusReport, on change).
 */
export class PrintQueue extends EventEmitter<PrintQueueEvents> {
  readonly #device: PrinterDevice;
  readonly #clock: Scheduler;
  readonly #maxAttempts: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #holdPollMs: number;
  readonly #maxHoldMs: number;
  readonly #keepFinished: number;
  readonly #newId: () => string;
  #jobs: PrintJob[] = [];
  #seq = 0;
  #status: PrinterStatusReport = { ...UNKNOWN };
  #busy: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #closed = false;

  constructor(opts: PrintQueueOptions) {
    super();
    this.#device = opts.device;
    this.#clock = opts.scheduler ?? systemScheduler;
    this.#maxAttempts = opts.maxAttempts ?? 5;
    this.#baseMs = opts.backoff?.baseMs ?? 1000;
    this.#maxMs = opts.backoff?.maxMs ?? 30_000;
    this.#holdPollMs = opts.holdPollMs ?? 2000;
    this.#maxHoldMs = opts.maxHoldMs ?? 120_000;
    this.#keepFinished = opts.keepFinished ?? 200;
    this.#newId = opts.newJobId ?? randomUUID;
    for (const job of opts.jobs ?? []) {
      this.#jobs.push({ ...job, state: job.state === 'printing' ? 'queued' : job.state });
      this.#seq = Math.max(this.#seq, job.seq);
    }
    this.#jobs.sort((a, b) => a.seq - b.seq);
    this.#pump();
  }

  /** Queues bytes to print; returns the job id at once. */
  enqueue(input: EnqueueInput): string {
    return this.#add(input.bytes.toString('base64'), input.label ?? '', input.ref ?? null, null);
  }

  /** Prints a job's bytes again as a new job (guide desk), whatever state the original is in. */
  reprint(jobId: string): string {
    const job = this.#find(jobId);
    return this.#add(job.data, job.label, job.ref, job.id);
  }

  /** Drops a job that has not printed yet. Returns false when it is printing or done. */
  cancel(jobId: string): boolean {
    const job = this.#find(jobId);
    if (job.state !== 'queued') return false;
    this.#set(job, { state: 'canceled', notBefore: null });
    this.#emitJob('canceled', job, null);
    this.#pump();
    return true;
  }

  job(jobId: string): PrintJob | undefined {
    const job = this.#jobs.find((j) => j.id === jobId);
    return job && { ...job };
  }

  /** Copies of every job kept, oldest first: what the hub stores. */
  jobs(): PrintJob[] {
    return this.#jobs.map((j) => ({ ...j }));
  }

  get status(): PrinterStatusReport {
    return { ...this.#status };
  }

  /** Asks the printer now (for device.status polling while idle). Waits for a job in progress first. */
  async checkStatus(): Promise<PrinterStatusReport> {
    await this.#exclusive(async () => {
      let session: PrinterSession | undefined;
      try {
        session = await this.#device.connect();
        const s = await session.readStatus();
        this.#setStatus(s ? { ...s, lastError: null } : { ...this.#status, online: true, lastError: null });
      } catch (err) {
        this.#setStatus({ ...this.#status, online: false, lastError: message(err) });
      } finally {
        await session?.close().catch(() => undefined);
      }
    });
    return this.status;
  }

  /** Stops timers; an attempt in progress finishes. Jobs stay as they are (store them). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    this.#wake = null;
    await this.#busy;
  }

  /** Resolves when nothing is in flight and no job waits (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#busy) await this.#busy;
  }

  #add(data: string, label: string, ref: string | null, reprintOf: string | null): string {
    if (this.#closed) throw new Error('PrintQueue is closed');
    const now = this.#clock.now();
    const job: PrintJob = {
      id: this.#newId(),
      seq: ++this.#seq,
      label,
      ref,
      data,
      state: 'queued',
      attempts: 0,
      lastError: null,
      heldReason: null,
      heldSince: null,
      notBefore: null,
      createdAt: now,
      updatedAt: now,
      printedAt: null,
      reprintOf,
    };
    this.#jobs.push(job);
    this.#emitJob('queued', job, null);
    this.#prune();
    this.#pump();
    return job.id;
  }

  #find(jobId: string): PrintJob {
    const job = this.#jobs.find((j) => j.id === jobId);
    if (!job) throw new PrintJobNotFoundError(jobId);
    return job;
  }

  /** Starts the next attempt if the head job is due; otherwise arms one timer for when it is. */
  #pump(): void {
    if (this.#busy || this.#closed) return;
    this.#wake?.();
    this.#wake = null;
    let head = this.#jobs.find((j) => j.state === 'queued');
    // Behind a slow or stalled printer, a job that has waited as long as a hold may last fails too: its
    // resident has gone, and a ticket printed now would be taken by the next one. It also keeps a
    // backlog (a burst of issues, a printer slowed by a worn cutter) from growing without end.
    let stale = 0;
    while (head && head.heldSince === null && this.#clock.now() - head.createdAt >= this.#maxHoldMs) {
      this.#set(head, { state: 'failed', lastError: 'waited too long behind other jobs', notBefore: null });
      this.#emitJob('failed', head, head.lastError);
      stale++;
      head = this.#jobs.find((j) => j.state === 'queued');
    }
    if (stale > 0) this.#prune();
    if (!head) return;
    const wait = (head.notBefore ?? 0) - this.#clock.now();
    if (wait > 0) {
      this.#wake = this.#clock.schedule(wait, () => {
        this.#wake = null;
        this.#pump();
      });
      return;
    }
    this.#busy = this.#attempt(head).finally(() => {
      this.#busy = null;
      this.#pump();
    });
  }

  async #exclusive(fn: () => Promise<void>): Promise<void> {
    while (this.#busy) await this.#busy;
    const run = fn();
    this.#busy = run.finally(() => {
      this.#busy = null;
      this.#pump();
    });
    await this.#busy;
  }

  async #attempt(job: PrintJob): Promise<void> {
    const attempt = job.attempts + 1;
    let session: PrinterSession | undefined;
    try {
      session = await this.#device.connect();
      const status = await session.readStatus();
      if (status) this.#setStatus({ ...status, lastError: null });
      const blocked = status ? blockedReason(status) : null;
      if (blocked) {
        this.#hold(job, blocked);
        return;
      }
      this.#set(job, { state: 'printing', attempts: attempt, heldReason: null, heldSince: null, notBefore: null });
      this.#emitJob('printing', job, null);
      await session.write(Buffer.from(job.data, 'base64'));
      await session.close();
      session = undefined;
      this.#set(job, { state: 'printed', printedAt: this.#clock.now(), lastError: null });
      this.#setStatus({ ...this.#status, online: true, lastError: null });
      this.#emitJob('printed', job, null);
    } catch (err) {
      this.#fail(job, attempt, message(err));
    } finally {
      await session?.close().catch(() => undefined);
      this.#prune();
    }
  }

  #hold(job: PrintJob, reason: NonNullable<PrintJob['heldReason']>): void {
    const now = this.#clock.now();
    const since = job.heldSince ?? now;
    if (now - since >= this.#maxHoldMs) {
      this.#set(job, { state: 'failed', lastError: `held too long: ${reason}`, heldReason: null, heldSince: null, notBefore: null });
      this.#emitJob('failed', job, job.lastError);
      return;
    }
    const changed = job.heldReason !== reason;
    this.#set(job, { heldReason: reason, heldSince: since, notBefore: now + this.#holdPollMs });
    if (changed) this.#emitJob('held', job, null);
  }

  #fail(job: PrintJob, attempt: number, error: string): void {
    this.#setStatus({ ...this.#status, online: false, lastError: error });
    if (attempt >= this.#maxAttempts) {
      this.#set(job, { state: 'failed', attempts: attempt, lastError: error, notBefore: null, heldReason: null, heldSince: null });
      this.#emitJob('failed', job, error);
      return;
    }
    const retryInMs = backoffDelay(attempt, { initialMs: this.#baseMs, maxMs: this.#maxMs });
    this.#set(job, { state: 'queued', attempts: attempt, lastError: error, notBefore: this.#clock.now() + retryInMs });
    this.#emitJob('retry', job, error, retryInMs);
  }

  #set(job: PrintJob, patch: Partial<PrintJob>): void {
    Object.assign(job, patch, { updatedAt: this.#clock.now() });
  }

  #emitJob(type: PrintJobEventType, job: PrintJob, error: string | null, retryInMs?: number): void {
    const event: PrintJobEvent = { type, job: { ...job }, attempt: job.attempts, error };
    if (retryInMs !== undefined) event.retryInMs = retryInMs;
    this.emit('job', event);
  }

  #setStatus(next: PrinterStatusReport): void {
    const prev = this.#status;
    this.#status = next;
    const keys = Object.keys(next) as (keyof PrinterStatusReport)[];
    if (keys.some((k) => prev[k] !== next[k])) this.emit('status', { ...next });
  }

  #prune(): void {
    const finished = this.#jobs.filter((j) => j.state !== 'queued' && j.state !== 'printing');
    const excess = finished.length - this.#keepFinished;
    if (excess > 0) {
      const drop = new Set(finished.slice(0, excess));
      this.#jobs = this.#jobs.filter((j) => !drop.has(j));
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
