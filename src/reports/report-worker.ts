import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { HallConfig } from '../config/schema.ts';
import { HallqError } from '../domain/errors.ts';
import { runReport, type ReportJob } from './jobs.ts';
import { REPORT_NICE, type WorkerReply, type WorkerRequest } from './runner.ts';

/**
 * The report thread: its own read-only connection to the hall's file. In WAL mode it reads the last
 * committed state while the hub goes on writing, and a year's export never holds the hall's thread.
 */
const { dbFile, config } = workerData as { dbFile: string; config: HallConfig };
// A report yields the CPU to the hall: on Linux the nice value is the thread's own, so this lowers
// only this thread. On 2 cores, a year's export at the hall's priority took a core from the clerks'
// calls (call-next p99 2.6× idle); the report only takes longer.
try {
  setPriority(REPORT_NICE);
} catch {
  // Not allowed here (a container's policy): the report runs at the hall's priority.
}
const db = new Database(dbFile, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -32768');

const port = parentPort!;
port.on('message', (m: WorkerRequest) => {
  void (async () => {
    let reply: WorkerReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const value = await runReport(db, config, m.job as ReportJob, m.now);
      // Serialised here, off the hall's thread, when the reply is JSON anyway.
      const result = m.as === 'json' && !(value instanceof Uint8Array) && typeof value !== 'string' ? JSON.stringify(value) : value;
      reply = { id: m.id, ok: true, result };
      if (result instanceof Uint8Array) transfer = [result.buffer as ArrayBuffer];
    } catch (err) {
      reply = {
        id: m.id,
        ok: false,
        error: err instanceof HallqError ? { code: err.code, detail: err.detail ?? null, message: err.message } : { code: null, detail: null, message: err instanceof Error ? (err.stack ?? err.message) : String(err) },
      };
    }
    port.postMessage(reply, transfer);
  })();
});
