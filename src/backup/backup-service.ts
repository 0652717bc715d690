import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { localTime } from '../domain/calendar.ts';
import type { Clock } from '../clock.ts';
import { backupFileName, backupsIn, backupStamp, filesToRotate, newestFirst, type Retention } from './backup-files.ts';
import { writeBackup } from './online-backup.ts';

export interface BackupSettings extends Retention {
  /** Absolute directory; never the data directory or the key's. */
  dir: string;
  /** The hall's local time of the nightly backup, `HH:MM`. */
  at: string;
}

export interface BackupInfo {
  file: string;
  bytes: number;
  date: string;
  time: string;
  kind: 'regular' | 'pre-migration';
}

export interface BackupDone {
  file: string;
  bytes: number;
  ms: number;
  /** The last event in it: the log up to here is in the file, whole. */
  lastSeq: number;
  /** Files rotation removed. */
  rotated: string[];
}

/**
 * The nightly backup and the manager's "back up now". One runs at a time: a request while one is
 * running gets that one; its reply says how far its log goes (`lastSeq`).
 */
export class BackupService {
  #running: Promise<BackupDone> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #last: { ok: boolean; at: number; file: string | null; error: string | null } | null = null;

  constructor(
    private readonly dbFile: string,
    readonly settings: BackupSettings,
    private readonly clock: Clock,
    private readonly timeZone: string,
    private readonly log: { info(o: object, m: string): void; error(o: object, m: string): void },
  ) {
    mkdirSync(settings.dir, { recursive: true, mode: 0o700 });
  }

  get last() {
    return this.#last ? { ...this.#last } : null;
  }

  list(): BackupInfo[] {
    return backupsIn(readdirSync(this.settings.dir))
      .sort(newestFirst)
      .map((b) => ({ file: b.file, bytes: statSync(join(this.settings.dir, b.file)).size, date: b.date, time: b.time, kind: b.preMigrationFrom === null ? ('regular' as const) : ('pre-migration' as const) }));
  }

  backupNow(): Promise<BackupDone> {
    if (this.#running) return this.#running;
    const run = this.#run().finally(() => {
      this.#running = null;
    });
    this.#running = run;
    return run;
  }

  /** Checks every minute whether tonight's backup is due: past `at`, and none yet for today. */
  start(everyMs = 60_000): void {
    const tick = () => {
      if (this.isDue()) void this.backupNow().catch(() => {});
    };
    this.#timer = setInterval(tick, everyMs);
    this.#timer.unref();
  }

  isDue(): boolean {
    const now = localTime(this.clock.now(), this.timeZone);
    const [h, m] = this.settings.at.split(':').map(Number) as [number, number];
    if (now.minutes < h * 60 + m) return false;
    // Names only: this runs every minute, and needs no file's size.
    let files: string[];
    try {
      files = readdirSync(this.settings.dir);
    } catch {
      // The directory is gone or unreadable (a disk unmounted): due, so the attempt fails on record
      // (log, health page) instead of throwing from the timer and taking the hub down.
      return true;
    }
    return !backupsIn(files).some((b) => b.preMigrationFrom === null && b.date === now.date);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
  }

  async #run(): Promise<BackupDone> {
    const started = performance.now();
    const at = this.clock.now();
    const stamp = backupStamp(at, this.timeZone);
    let file = join(this.settings.dir, backupFileName(stamp.date, stamp.hhmmss));
    try {
      const done = await writeBackup(this.dbFile, file);
      file = done.file;
      const rotated = filesToRotate(readdirSync(this.settings.dir), this.settings);
      for (const f of rotated) rmSync(join(this.settings.dir, f), { force: true });
      const result = { file, bytes: done.bytes, lastSeq: done.lastSeq, ms: Math.round(performance.now() - started), rotated };
      this.#last = { ok: true, at, file, error: null };
      this.log.info(result, 'backup written');
      return result;
    } catch (err) {
      this.#last = { ok: false, at, file: null, error: err instanceof Error ? err.message : String(err) };
      this.log.error({ err, file }, 'backup failed');
      throw err;
    }
  }
}
