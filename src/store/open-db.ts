import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EVENT_KEYS, EVENT_TYPE_CODES } from './event-keys.ts';
import { MIGRATIONS } from './migrations.ts';

export type { Db } from './db.ts';
import type { Db } from './db.ts';

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
  syncEventKeys(db);
  return db;
}

/** The legend of the log's short field names and type codes, for `events_readable` (it only ever grows). */
export function syncEventKeys(db: Db): void {
  const add = db.prepare('INSERT OR IGNORE INTO event_keys (short, long) VALUES (?, ?)');
  const addType = db.prepare('INSERT OR IGNORE INTO event_types (code, name) VALUES (?, ?)');
  db.transaction(() => {
    for (const [long, short] of Object.entries(EVENT_KEYS)) add.run(short, long);
    add.run('i4', 'idMasked (last four)');
    for (const [name, code] of Object.entries(EVENT_TYPE_CODES)) addType.run(code, name);
  })();
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`数据库版本(${current})比程序新,请升级 hallq / database schema ${current} is newer than this hallq (${MIGRATIONS.length}); upgrade hallq`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      const m = MIGRATIONS[v]!;
      if (typeof m === 'string') db.exec(m);
      else {
        db.exec(m.sql);
        m.run(db);
      }
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
