import { localTime } from '../domain/calendar.ts';

/**
 * Backup file names and their rotation. A name says when (the hall's local date and time) and why:
 * `hallq-2026-12-07T023000.db` (nightly or asked for), `hallq-2026-12-07T023000-pre-migration-v12.db`
 * (the schema was about to move from version 12). Files with other names are never touched.
 */
export interface BackupName {
  file: string;
  date: string;
  time: string;
  /** Set for a backup made before a migration: the schema version it was made at. */
  preMigrationFrom: number | null;
}

export interface Retention {
  /** The newest backup of each of this many most recent days is kept. */
  keepDaily: number;
  /** And the first backup of each of this many most recent months. */
  keepMonthly: number;
  /** Backups made before a migration, newest first. */
  keepPreMigration: number;
}

const NAME = /^hallq-(\d{4}-\d{2}-\d{2})T(\d{6})(?:-pre-migration-v(\d+))?\.db$/;

/** The hall's local date and `HHMMSS` of an instant, as backup names carry them. */
export function backupStamp(ms: number, timeZone: string): { date: string; hhmmss: string } {
  const t = localTime(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return { date: t.date, hhmmss: `${two(Math.floor(t.minutes / 60))}${two(t.minutes % 60)}${two(Math.floor(ms / 1000) % 60)}` };
}

export function backupFileName(date: string, hhmmss: string, preMigrationFrom: number | null = null): string {
  return `hallq-${date}T${hhmmss}${preMigrationFrom === null ? '' : `-pre-migration-v${preMigrationFrom}`}.db`;
}

export function parseBackupName(file: string): BackupName | null {
  const m = NAME.exec(file);
  if (!m) return null;
  return { file, date: m[1]!, time: m[2]!, preMigrationFrom: m[3] === undefined ? null : Number(m[3]) };
}

/** Sorts backups newest first, by the date and time in their names. */
export function newestFirst(a: Pick<BackupName, 'date' | 'time'>, b: Pick<BackupName, 'date' | 'time'>): number {
  return a.date + a.time < b.date + b.time ? 1 : a.date + a.time > b.date + b.time ? -1 : 0;
}

/** The backups among these file names (others are not ours and are never touched). */
export function backupsIn(files: readonly string[]): BackupName[] {
  return files.map(parseBackupName).filter((b): b is BackupName => b !== null);
}

/** The files of `files` that rotation removes (pure; the caller deletes them). */
export function filesToRotate(files: readonly string[], keep: Retention): string[] {
  const parsed = backupsIn(files);
  const regular = parsed.filter((b) => b.preMigrationFrom === null).sort(newestFirst);
  const kept = new Set<string>();
  const days = new Set<string>();
  for (const b of regular) {
    if (days.has(b.date)) continue;
    days.add(b.date);
    if (days.size <= keep.keepDaily) kept.add(b.file);
  }
  // The first backup of a month stands for the month: walk oldest first, remember the first of each.
  const firstOfMonth = new Map<string, string>();
  for (const b of [...regular].reverse()) if (!firstOfMonth.has(b.date.slice(0, 7))) firstOfMonth.set(b.date.slice(0, 7), b.file);
  const months = [...firstOfMonth.keys()].sort().reverse().slice(0, keep.keepMonthly);
  for (const m of months) kept.add(firstOfMonth.get(m)!);
  parsed
    .filter((b) => b.preMigrationFrom !== null)
    .sort(newestFirst)
    .slice(0, keep.keepPreMigration)
    .forEach((b) => kept.add(b.file));
  return parsed.filter((b) => !kept.has(b.file)).map((b) => b.file);
}
