import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { HallState } from '../domain/state.ts';
import type { StoredEvent } from './event-log.ts';

/**
 * The hall's working state as it stood when the hub stopped gracefully, so the next start need not
 * rebuild it from SQLite (issue #10 §10, #11: on a city centre's day, ~20,000 tickets with their
 * services and ratings and ~17,000 bookings took 1.3–1.5 s of 60,000 row reads; the snapshot reads
 * back in ~0.4 s).
 *
 * It is used only when it is exactly the state the log on disk makes: same hub, same last event,
 * same business date, same schema and same code. Anything else (a crash, which writes none; an event
 * since; a restored backup; an upgrade; the next day) and the hub loads from SQLite as before. It is
 * read once and removed, so it can never be used twice.
 */
export interface SnapshotKey {
  hubId: string;
  seq: number;
  businessDate: string;
  timeZone: string;
  schema: number;
  code: string;
  /** How the log's events decode (`codecContext`): the kept events are decoded ones. */
  codec: string;
}

export interface Snapshot {
  key: SnapshotKey;
  state: HallState;
  loadedDates: string[];
  /** The log's last events, decoded (the screens' resume ring reads them at start). */
  recent: StoredEvent[];
}

const FORMAT = 'hallq-state-3';
/** Events kept with the state: as many as the screens' resume ring holds. */
export const RECENT_TAIL = 5_000;

/** Written whole or not at all: a temporary file, synced, then renamed over; readable by the hub's user only. */
export function writeStateSnapshot(file: string, snap: Snapshot): void {
  const bytes = serialize({ format: FORMAT, ...snap });
  const tmp = `${file}.tmp`;
  // A temporary file a crash left holds personal data too: it goes, and the new one is made afresh (0600).
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** The snapshot at `file` if it matches `key` exactly, else null; the file (and any partial one) is gone either way. */
export function takeStateSnapshot(file: string, key: SnapshotKey): Snapshot | null {
  rmSync(`${file}.tmp`, { force: true });
  if (!existsSync(file)) return null;
  try {
    const raw = deserialize(readFileSync(file)) as { format?: unknown } & Partial<Snapshot>;
    if (raw.format !== FORMAT || !raw.key || !raw.state || !Array.isArray(raw.loadedDates) || !Array.isArray(raw.recent)) return null;
    for (const k of Object.keys(key) as (keyof SnapshotKey)[]) if (raw.key[k] !== key[k]) return null;
    return { key: raw.key, state: raw.state, loadedDates: raw.loadedDates, recent: raw.recent };
  } catch {
    return null; // unreadable: SQLite is the truth, load from it
  } finally {
    rmSync(file, { force: true });
  }
}

let code: string | null = null;

/**
 * What identifies the running code: a hash of the hub's own files (the bundle's chunks when built,
 * `src/` under tsx). A snapshot from other code may hold a state of another shape.
 */
export function codeId(): string {
  if (code) return code;
  const here = dirname(fileURLToPath(import.meta.url));
  // Under tsx this module is src/store/; built, it is inlined into the bundle's own directory.
  const root = basename(here) === 'store' && existsSync(join(here, '..', 'main.ts')) ? join(here, '..') : here;
  const hash = createHash('sha256');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : /\.(ts|mjs|js)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
    );
  for (const f of walk(root).sort()) hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return (code = hash.digest('hex'));
}
