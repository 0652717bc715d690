import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/open-db.ts';
import { WalCheckpointer } from '../../src/store/wal-checkpointer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { db: Db; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-wal-'));
  dirs.push(dir);
  const file = join(dir, 'hallq.db');
  const db = openDb(file);
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB NOT NULL)');
  return { db, file };
}

/** ~1,500 pages of commits, one row each: past SQLite's automatic checkpoint of 1,000. */
function write(db: Db, rows = 1500): void {
  const put = db.prepare('INSERT INTO blobs (b) VALUES (?)');
  for (let i = 0; i < rows; i++) put.run(Buffer.alloc(3500, i % 256));
}

describe('WAL checkpoints off the hall thread', () => {
  it('the hub connection stops checkpointing; the thread copies every committed page into the file', async () => {
    const { db, file } = fresh();
    const cp = new WalCheckpointer(db, file, { intervalMs: 60_000 });
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const before = statSync(file).size;
      write(db);
      // Nothing reached the database file: the commits only went to the WAL.
      expect(statSync(file).size).toBe(before);
      const r = await cp.now();
      expect(r.frames).toBeGreaterThan(1000);
      expect(r.checkpointed).toBe(r.frames);
      expect(statSync(file).size).toBeGreaterThan(before + 1000 * 3500);
    } finally {
      await cp.stop();
      db.close();
    }
  });

  it('checkpoints by itself on its timer', async () => {
    const { db, file } = fresh();
    const cp = new WalCheckpointer(db, file, { intervalMs: 50 });
    try {
      const before = statSync(file).size;
      write(db, 300);
      const until = Date.now() + 5000;
      while (statSync(file).size === before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(statSync(file).size).toBeGreaterThan(before);
    } finally {
      await cp.stop();
      db.close();
    }
  });

  it('when stopped, or when its thread fails, the hub connection checkpoints by itself again', async () => {
    const { db, file } = fresh();
    const cp = new WalCheckpointer(db, file);
    await cp.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);

    // A thread that cannot open the file fails at once: the WAL must not be left to grow for ever.
    const failed = new Promise<Error>((resolve) => new WalCheckpointer(db, `${file}.missing`, { onError: resolve }));
    expect((await failed).message).toMatch(/CANTOPEN|unable to open|does not exist/i);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
