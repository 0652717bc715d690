import { randomBytes } from 'node:crypto';
import type { Db } from './open-db.ts';

/**
 * The hub's identity is the identity of its event log: made once when the database is created and
 * kept in it, so a restart keeps it (screens resume across the restart) while a new data dir or a
 * restored backup (which gets a fresh one, `renewHubId`) makes every screen take a new snapshot.
 */
export function hubIdOf(db: Db): string {
  const read = db.prepare(`SELECT value FROM hall_meta WHERE key = 'hub_id'`);
  const found = read.get() as { value: string } | undefined;
  if (found) return JSON.parse(found.value) as string;
  db.prepare(`INSERT OR IGNORE INTO hall_meta (key, value) VALUES ('hub_id', ?)`).run(JSON.stringify(newHubId()));
  return JSON.parse((read.get() as { value: string }).value) as string;
}

/** A restored backup is another log as far as screens are concerned. */
export function renewHubId(db: Db): string {
  const id = newHubId();
  db.prepare(`INSERT INTO hall_meta (key, value) VALUES ('hub_id', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(JSON.stringify(id));
  return id;
}

function newHubId(): string {
  return randomBytes(8).toString('hex');
}
