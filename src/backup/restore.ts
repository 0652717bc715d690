import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../store/migrations.ts';
import { openDb } from '../store/open-db.ts';
import { hubIdOf, renewHubId } from '../store/hub-identity.ts';
import { BackupError } from './errors.ts';

export interface BackupCheck {
  schemaVersion: number;
  events: number;
  lastSeq: number;
  hubId: string | null;
}

/**
 * What a restore checks before it touches anything: the file is a hallq database SQLite finds whole
 * (`integrity_check`), of a schema this hallq knows, and its event log runs 1, 2, 3 … without a gap
 * (the log is the truth; a projection can be rebuilt, a lost event cannot).
 */
export function checkBackup(file: string): BackupCheck {
  if (!existsSync(file)) throw new BackupError('HQ_ERR_BACKUP_UNREADABLE', `${file} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError('HQ_ERR_BACKUP_UNREADABLE', `${file}: ${(err as Error).message}`);
  }
  try {
    let integrity: string[];
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      throw new BackupError(code === 'SQLITE_NOTADB' ? 'HQ_ERR_BACKUP_UNREADABLE' : 'HQ_ERR_BACKUP_CORRUPT', `${file}: ${(err as Error).message}`);
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok') throw new BackupError('HQ_ERR_BACKUP_CORRUPT', `${file}: ${integrity.slice(0, 5).join('; ')}`);
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const hasEvents = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'`).get();
    if (schemaVersion === 0 || !hasEvents) throw new BackupError('HQ_ERR_BACKUP_UNREADABLE', `${file} has no hallq event log`);
    if (schemaVersion > MIGRATIONS.length) throw new BackupError('HQ_ERR_BACKUP_TOO_NEW', `${file} is at schema ${schemaVersion}, this hallq knows ${MIGRATIONS.length}`);
    const log = db.prepare('SELECT MIN(seq) AS first, MAX(seq) AS last, COUNT(*) AS n FROM events').get() as { first: number | null; last: number | null; n: number };
    if (log.n > 0 && (log.first !== 1 || log.last !== log.n)) {
      const gap = db.prepare('SELECT e.seq + 1 AS missing FROM events e WHERE e.seq + 1 <= ? AND NOT EXISTS (SELECT 1 FROM events f WHERE f.seq = e.seq + 1) LIMIT 1').get(log.last) as { missing: number } | undefined;
      const first = log.first !== 1 ? 1 : (gap?.missing ?? '?');
      throw new BackupError('HQ_ERR_BACKUP_LOG_GAP', `${file}: ${log.n} events numbered ${log.first}…${log.last}, event ${first} is missing`);
    }
    const meta = db.prepare(`SELECT value FROM hall_meta WHERE key = 'hub_id'`).get() as { value: string } | undefined;
    return { schemaVersion, events: log.n, lastSeq: log.last ?? 0, hubId: meta ? (JSON.parse(meta.value) as string) : null };
  } finally {
    db.close();
  }
}

/** Whether a process (a hub) has the database open: it then cannot be locked exclusively. */
export function databaseInUse(dbFile: string): boolean {
  if (!existsSync(dbFile)) return false;
  const db = new Database(dbFile, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    db.close();
  }
}

export interface RestoreResult extends BackupCheck {
  dbFile: string;
  /** Where the database that was there before went (null: there was none). */
  setAside: string | null;
  newHubId: string;
}

/**
 * Restores a checked backup as `<dataDir>/hallq.db`. The database found there (with its WAL) is moved
 * aside, not deleted. The restored log gets a new hub identity: screens that knew the old one take a
 * fresh snapshot instead of replaying onto state that may have moved on after the backup.
 */
export function restoreBackup(file: string, dataDir: string, now: () => number = Date.now): RestoreResult {
  const check = checkBackup(file);
  const dbFile = join(dataDir, 'hallq.db');
  if (databaseInUse(dbFile)) throw new BackupError('HQ_ERR_BACKUP_HUB_RUNNING', dbFile);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let setAside: string | null = null;
  if (existsSync(dbFile)) {
    setAside = `${dbFile}.before-restore-${new Date(now()).toISOString().replace(/[:.]/g, '')}`;
    renameSync(dbFile, setAside);
    for (const ext of ['-wal', '-shm']) if (existsSync(dbFile + ext)) renameSync(dbFile + ext, setAside + ext);
  }
  const partial = `${dbFile}.restoring`;
  copyFileSync(file, partial);
  renameSync(partial, dbFile);
  for (const ext of ['-wal', '-shm']) rmSync(dbFile + ext, { force: true });
  // Opened as the hub opens it: migrated if the backup is older, then a new identity.
  const db = openDb(dbFile);
  try {
    const before = hubIdOf(db);
    let newHubId = renewHubId(db);
    while (newHubId === before) newHubId = renewHubId(db);
    db.prepare(`INSERT INTO hall_meta (key, value) VALUES ('restored_from', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(
      JSON.stringify({ file, at: now(), lastSeq: check.lastSeq, previousHubId: check.hubId }),
    );
    return { ...check, dbFile, setAside, newHubId };
  } finally {
    db.close();
  }
}
