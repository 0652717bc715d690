import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/**
 * The pragmas every hallq database runs with. WAL with synchronous=FULL: a commit is on disk
 * before the hub answers, so nothing acknowledged is lost to a crash or a power cut. The bench's
 * bare baseline uses the same list. A 64 MB page cache keeps a year of tickets' hot pages in memory.
 */
export const PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON', 'busy_timeout = 5000', 'cache_size = -65536'] as const;

/**
 * Opens (and migrates) a hallq database. `durability: 'generator'` is for tools that write history
 * in bulk (the simulator): no fsync per commit, as a crash there only means running it again. The
 * hub itself always opens with the full pragmas.
 */
export function openDb(file: string, opts: { durability?: 'full' | 'generator' } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  for (const p of PRAGMAS) db.pragma(p);
  if (opts.durability === 'generator') db.pragma('synchronous = OFF');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`数据库版本(${current})比程序新,请升级 hallq / database schema ${current} is newer than this hallq (${MIGRATIONS.length}); upgrade hallq`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
