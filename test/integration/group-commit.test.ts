import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/commands.ts';
import { CommandHandler, type Committed } from '../../src/store/handle-command.ts';
import type { StoredEvent } from '../../src/store/event-log.ts';
import { openDb, type Db } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { testConfig } from '../support/test-config.ts';

const KIOSK: Actor = { kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' };
const number = (c: Committed): string | null => (c.events[0]?.type === 'ticket.issued' ? c.events[0].data.number : null);
const onDisk = (db: Db) => (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq;
let n = 0;
const issue = (categoryId = 'ZX') => ({ type: 'IssueTicket' as const, data: { ticketId: `t${++n}`, serviceId: `s${n}`, categoryId, source: 'kiosk' as const } });

describe('group commit', () => {
  let dir: string;
  let db: Db;
  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-group-'));
    db = openDb(join(dir, 'hallq.db'));
    return new CommandHandler(db, testConfig(), new FakeClock(Date.parse('2026-11-23T02:00:00Z')));
  };

  it('commits the commands of one turn together, then replies and broadcasts, in order', async () => {
    const h = open();
    const published: number[][] = [];
    h.onCommitted((events) => {
      // Listeners run after the commit: the log already holds every event they get.
      expect(onDisk(db)).toBe(events[events.length - 1]!.seq);
      published.push(events.map((e) => e.seq));
    });
    const replies = Array.from({ length: 20 }, () => h.submit(issue(), KIOSK));
    expect(() => h.readNow(() => 0)).toThrow(); // a group is open: nothing to read synchronously
    expect(onDisk(db)).toBe(0); // nothing on disk, nothing acknowledged yet
    // A reader waits for the group and sees it whole.
    expect(await h.read((s) => s.tickets.size)).toBe(20);
    const got = await Promise.all(replies);
    expect(got.map(number)).toEqual(Array.from({ length: 20 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`));
    expect(published).toEqual([Array.from({ length: 20 }, (_, i) => i + 1)]);
    expect(h.seq).toBe(20);
    expect(h.readNow((s) => s.tickets.size)).toBe(20);
  });

  it('fails the whole group when its commit fails, and memory goes back to what the disk holds', async () => {
    const h = open();
    await h.submit(issue(), KIOSK);
    db.exec(`CREATE TRIGGER disk_full BEFORE INSERT ON events WHEN NEW.seq = 3 BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const published: StoredEvent[] = [];
    h.onCommitted((events) => published.push(...events));
    const group = [h.submit(issue(), KIOSK), h.submit(issue(), KIOSK), h.submit(issue(), KIOSK)];
    const results = await Promise.allSettled(group);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(published).toEqual([]);
    expect(h.seq).toBe(1);
    expect(await h.read((s) => [s.tickets.size, s.waiting.get('ZX')?.size])).toEqual([1, 1]);
    db.exec('DROP TRIGGER disk_full');
    const next = await h.submit(issue(), KIOSK);
    expect(number(next)).toBe('A002'); // the failed group's numbers were never acknowledged, so they are free
    expect((db.prepare('SELECT seq FROM events ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq)).toEqual([1, 2]);
  });

  it("answers a retry inside the same group, and after it, with the first command's events", async () => {
    const h = open();
    const idem = { key: 'kiosk-1|tap-1', fingerprint: 'POST /tickets x' };
    const [a, b] = await Promise.all([h.submit(issue(), KIOSK, idem), h.submit(issue(), KIOSK, idem)]);
    expect(b.events).toEqual(a.events);
    expect([a.replayed, b.replayed]).toEqual([false, true]);
    expect(h.seq).toBe(1);
    // Later, from the log: the same events, so the same reply.
    const c = await h.submit(issue(), KIOSK, idem);
    expect(c).toEqual({ events: a.events, replayed: true });
    await expect(h.submit(issue('SB'), KIOSK, { key: 'kiosk-1|tap-1', fingerprint: 'other' })).rejects.toMatchObject({ code: 'HQ_ERR_IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('listeners', () => {
  it('see events in seq order even when a listener runs a command of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-group-'));
    const db = openDb(join(dir, 'hallq.db'));
    try {
      const h = new CommandHandler(db, testConfig(), new FakeClock(Date.parse('2026-11-23T02:00:00Z')));
      const seen: number[] = [];
      h.onCommitted((events) => {
        // Like a device bridge reacting to the first ticket.
        if (events.some((e) => e.seq === 1)) h.run(issue(), KIOSK);
      });
      h.onCommitted((events) => seen.push(...events.map((e) => e.seq)));
      h.run(issue(), KIOSK);
      expect(seen).toEqual([1, 2]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
