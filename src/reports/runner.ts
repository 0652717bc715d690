import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HallConfig } from '../config/schema.ts';
import { ERRORS, HallqError, type ErrorCode } from '../domain/errors.ts';
import type { Db } from '../store/open-db.ts';
import { runReport, type JobOf, type ReportJob, type ReportKind, type ReportResults } from './jobs.ts';

/** What the hub's thread sends the report thread, and what comes back. */
export interface WorkerRequest {
  id: number;
  job: ReportJob;
  /** `json`: the thread serialises the reply itself, so the hub's thread only passes a string on. */
  as: 'value' | 'json';
  /** The hub's clock: "today", "this month" and the history windows are the hub's, not the thread's. */
  now: number;
}

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string | null; detail: Record<string, unknown> | null; message: string } };

export interface ReportRunnerOptions {
  /** The hall's SQLite file; the threads open it read-only. `':memory:'` runs reports on `db`, in this thread. */
  dbFile: string;
  config: HallConfig;
  /** The hub's own connection: used only when there is no file to open (`':memory:'`). */
  db?: Db;
  /** Report threads at most (default: the cores less one for the hall, at least 1 and at most 2). */
  threads?: number;
  /** Jobs that may wait for a thread; more are refused with HQ_ERR_REPORTS_BUSY (default 8). */
  queue?: number;
  /** A job that runs longer is abandoned and its thread ended (default 60 s; exports 120 s). */
  timeoutMs?: number;
  exportTimeoutMs?: number;
  /**
   * A thread with nothing to do for this long is ended (default 60 s): each holds its own heap and
   * page cache, ~200 MB after a year's workbook, which a hall that asks for a report now and then
   * should not carry all day. The next report starts a thread again (~1 s).
   */
  idleMs?: number;
}

interface Task {
  id: number;
  job: ReportJob;
  now: number;
  as: 'value' | 'json';
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Thread {
  worker: Worker;
  task: Task | null;
  timer: ReturnType<typeof setTimeout> | null;
  idle: ReturnType<typeof setTimeout> | null;
}

const WORKER_URL = new URL('./worker-boot.mjs', import.meta.url);
/** The report threads' nice value (Linux: per thread). The hall's thread stays at 0. */
export const REPORT_NICE = 10;

/**
 * Runs reports off the hall's thread (issue #10 §10: a report never stalls the hall). Each thread
 * keeps one read-only connection and runs one job at a time; threads start on first use and stay
 * (unref'd) for the next. Jobs beyond the threads wait in a short queue; beyond that they are
 * refused at once (503 with Retry-After), and a job past its time limit is abandoned with its thread.
 */
export class ReportRunner {
  readonly #opts: Required<Omit<ReportRunnerOptions, 'db'>> & { db: Db | undefined };
  readonly #threads: Thread[] = [];
  readonly #queue: Task[] = [];
  #nextId = 1;
  #closed = false;

  constructor(opts: ReportRunnerOptions) {
    this.#opts = { threads: Math.max(1, Math.min(2, availableParallelism() - 1)), queue: 8, timeoutMs: 60_000, exportTimeoutMs: 120_000, idleMs: 60_000, db: undefined, ...opts };
  }

  /** Jobs running and waiting, and threads alive. */
  get load(): { running: number; queued: number; threads: number } {
    return { running: this.#threads.filter((t) => t.task).length, queued: this.#queue.length, threads: this.#threads.length };
  }

  /** Runs a report in a thread and resolves with its value (structured-cloned across). */
  run<K extends ReportKind>(job: JobOf<K>, now: number): Promise<ReportResults[K]> {
    return this.#submit(job, now, 'value') as Promise<ReportResults[K]>;
  }

  /**
   * Runs a report in a thread and resolves with its reply already serialised as JSON: the hub's
   * thread neither rebuilds the objects nor stringifies them, it passes the text on.
   */
  runJson(job: Exclude<ReportJob, { kind: 'xlsx' | 'csv' }>, now: number): Promise<string> {
    return this.#submit(job, now, 'json') as Promise<string>;
  }

  #submit(job: ReportJob, now: number, as: 'value' | 'json'): Promise<unknown> {
    if (this.#closed) return Promise.reject(new HallqError('HQ_ERR_REPORTS_BUSY', { reason: 'shutting down', retryAfterSec: 5 }));
    if (this.#opts.dbFile === ':memory:') {
      if (!this.#opts.db) return Promise.reject(new Error('an in-memory hall needs its connection for reports'));
      return runReport(this.#opts.db, this.#opts.config, job, now).then((v) => (as === 'json' ? JSON.stringify(v) : v));
    }
    const running = this.#threads.filter((t) => t.task).length;
    if (running >= this.#opts.threads && this.#queue.length >= this.#opts.queue) {
      return Promise.reject(new HallqError('HQ_ERR_REPORTS_BUSY', { running, queued: this.#queue.length, retryAfterSec: 5 }));
    }
    return new Promise<unknown>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, now, as, resolve, reject });
      this.#pump();
    });
  }

  /** Ends every thread; jobs still running or waiting are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#queue.splice(0)) t.reject(new HallqError('HQ_ERR_REPORTS_BUSY', { reason: 'shutting down', retryAfterSec: 5 }));
    await Promise.all(this.#threads.splice(0).map((t) => this.#end(t, new HallqError('HQ_ERR_REPORTS_BUSY', { reason: 'shutting down', retryAfterSec: 5 }))));
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let thread = this.#threads.find((t) => !t.task);
      if (!thread) {
        if (this.#threads.length >= this.#opts.threads) return;
        thread = this.#spawn();
      }
      const task = this.#queue.shift()!;
      this.#start(thread, task);
    }
  }

  #spawn(): Thread {
    const worker = new Worker(WORKER_URL, { workerData: { dbFile: this.#opts.dbFile, config: this.#opts.config } });
    worker.unref();
    const thread: Thread = { worker, task: null, timer: null, idle: null };
    worker.on('message', (m: WorkerReply) => {
      const task = thread.task;
      if (!task || task.id !== m.id) return;
      this.#finish(thread);
      if (m.ok) task.resolve(m.result);
      else task.reject(toError(m.error));
      this.#pump();
      if (!thread.task) this.#endWhenIdle(thread);
    });
    const lost = (err: unknown) => {
      const i = this.#threads.indexOf(thread);
      if (i >= 0) this.#threads.splice(i, 1);
      const task = thread.task;
      this.#finish(thread);
      task?.reject(err instanceof Error ? err : new Error(String(err)));
      if (!this.#closed) this.#pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`report thread exited (${code})`)));
    this.#threads.push(thread);
    return thread;
  }

  #endWhenIdle(thread: Thread): void {
    if (thread.idle) clearTimeout(thread.idle);
    thread.idle = setTimeout(() => {
      thread.idle = null;
      const i = this.#threads.indexOf(thread);
      if (thread.task || i < 0) return;
      this.#threads.splice(i, 1);
      void this.#end(thread, null);
    }, this.#opts.idleMs);
    thread.idle.unref();
  }

  #start(thread: Thread, task: Task): void {
    if (thread.idle) clearTimeout(thread.idle);
    thread.idle = null;
    thread.task = task;
    const limit = task.job.kind === 'xlsx' || task.job.kind === 'csv' ? this.#opts.exportTimeoutMs : this.#opts.timeoutMs;
    thread.timer = setTimeout(() => {
      // Past its time: the caller hears at once; the thread is ended and the next job gets a fresh one.
      const i = this.#threads.indexOf(thread);
      if (i >= 0) this.#threads.splice(i, 1);
      void this.#end(thread, new HallqError('HQ_ERR_REPORT_TIMEOUT', { kind: task.job.kind, limitMs: limit }));
      this.#pump();
    }, limit);
    thread.timer.unref();
    const request: WorkerRequest = { id: task.id, job: task.job, now: task.now, as: task.as };
    thread.worker.postMessage(request);
  }

  #finish(thread: Thread): void {
    if (thread.timer) clearTimeout(thread.timer);
    thread.timer = null;
    thread.task = null;
  }

  async #end(thread: Thread, reason: unknown): Promise<void> {
    const task = thread.task;
    if (thread.idle) clearTimeout(thread.idle);
    this.#finish(thread);
    task?.reject(reason);
    thread.worker.removeAllListeners('exit');
    thread.worker.removeAllListeners('error');
    thread.worker.on('error', () => {});
    await thread.worker.terminate();
  }
}

/** The thread's error as the hub's: a hallq rule keeps its code and message; anything else is a 500. */
function toError(e: { code: string | null; detail: Record<string, unknown> | null; message: string }): Error {
  if (e.code !== null && e.code in ERRORS) {
    const err = new HallqError(e.code as ErrorCode, e.detail ?? undefined);
    err.message = e.message;
    return err;
  }
  return new Error(`report failed: ${e.message}`);
}
