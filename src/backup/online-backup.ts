import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface WrittenBackup {
  file: string;
  bytes: number;
  pages: number;
  /** The last event in the copy: the log up to here is in it, whole. */
  lastSeq: number;
}

const WORKER_URL = new URL('./backup-worker.mjs', import.meta.url);

/**
 * One online backup of the hub's database with SQLite's backup API, made in a thread of its own with
 * its own read-only connection (`backup-worker.mjs`): the hall's thread goes on with calls and
 * prints and never runs a step of it, not even the last one, which writes and syncs the whole copy.
 * The file appears under its name only once complete and on disk.
 */
export function writeBackup(dbFile: string, file: string): Promise<WrittenBackup> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { dbFile, file } });
    let settled = false;
    worker.once('message', (m: ({ ok: true } & WrittenBackup) | { ok: false; error: string; code: string | null }) => {
      settled = true;
      if (m.ok) resolve({ file: m.file, bytes: m.bytes, pages: m.pages, lastSeq: m.lastSeq });
      else reject(Object.assign(new Error(m.error), { code: m.code }));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the backup thread stopped (exit ${code}) before it finished`));
    });
  });
}

/**
 * Before a migration: a backup of the database as it is, if there is one and its schema is about to
 * change. Returns the schema version it had (null when nothing was to be kept).
 */
export async function backupIfMigrating(dbFile: string, target: number, makeFile: (fromVersion: number) => string): Promise<{ file: string; fromVersion: number } | null> {
  if (dbFile === ':memory:' || !existsSync(dbFile)) return null;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
  if (version === 0 || version >= target) return null;
  const file = makeFile(version);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await writeBackup(dbFile, file);
  return { file, fromVersion: version };
}
