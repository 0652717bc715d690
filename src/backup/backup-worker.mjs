// The backup thread (plain JavaScript: it needs no loader, and runs the same under tsx, vitest and a
// bundle). Its own read-only connection copies the whole database in one step of SQLite's backup
// API: one read transaction, so the copy is the log as it stood at one instant. In WAL mode the hub's
// thread goes on committing meanwhile, never waits for it, and never runs a step of it.
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ dbFile: string, file: string }} */
const { dbFile, file } = workerData;
const partial = `${file}.partial`;
// Like the report threads: this thread only (Linux nice is per thread) yields the CPU to the hall's.
try {
  setPriority(10);
} catch {
  // not allowed here: the copy runs at the hall's priority
}

function fsyncPath(path) {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

try {
  if (existsSync(partial)) rmSync(partial);
  const source = new Database(dbFile, { readonly: true, fileMustExist: true });
  let pages;
  try {
    source.pragma('busy_timeout = 5000');
    const progress = await source.backup(partial, { progress: () => 0x7fffffff });
    pages = progress.totalPages;
  } finally {
    source.close();
  }
  // The copy is one file (not in WAL mode, no -wal beside it), and says how far its log goes.
  const copy = new Database(partial, { fileMustExist: true });
  let lastSeq;
  try {
    copy.pragma('journal_mode = DELETE');
    lastSeq = copy.prepare('SELECT MAX(seq) AS seq FROM events').get().seq ?? 0;
  } finally {
    copy.close();
  }
  // Personal data is in it: the hub's user alone reads it. On disk before it bears its name.
  chmodSync(partial, 0o600);
  fsyncPath(partial);
  renameSync(partial, file);
  fsyncPath(dirname(file));
  parentPort.postMessage({ ok: true, file, bytes: statSync(file).size, pages, lastSeq });
} catch (err) {
  if (existsSync(partial)) rmSync(partial, { force: true });
  parentPort.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err), code: err?.code ?? null });
}
