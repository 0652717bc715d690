import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/commands.ts';
import { runDueJobs } from '../../src/hub-jobs.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import type { StoredEvent } from '../../src/store/event-log.ts';
import { openDb, type Db } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { testConfig } from '../support/test-config.ts';

const KIOSK: Actor = { kind: 'device', id: 'kiosk-1', deviceKind: 'kiosk' };
const CLERK: Actor = { kind: 'staff', id: 'c1', role: 'clerk' };
const onDisk = (db: Db) => (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq;

describe('the handler driven by a history generator (applyForBatch)', () => {
  let dir: string;
  let db: Db;
  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets the hub's jobs read the open group and join it: one commit, the same events as a hall would log", () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-generator-'));
    db = openDb(join(dir, 'hallq.db'), { durability: 'generator' });
    const clock = new FakeClock(Date.parse('2026-11-23T02:00:00Z'));
    const h = new CommandHandler(db, testConfig(), clock);
    const published: StoredEvent[] = [];
    h.onCommitted((events) => published.push(...events));
    h.applyForBatch({ type: 'IssueTicket', data: { ticketId: 't1', serviceId: 's1', categoryId: 'ZX', source: 'kiosk' } }, KIOSK);
    h.applyForBatch({ type: 'OpenWindow', data: { windowId: 1, staffId: 'c1', role: 'A' } }, CLERK);
    h.applyForBatch({ type: 'CallNext', data: { windowId: 1, callId: 'k1' } }, CLERK);
    h.applyForBatch({ type: 'CompleteService', data: { windowId: 1 } }, CLERK);
    // The group is open, and readNow sees it (in a live hub it would throw).
    expect(h.readNow((s) => s.ratings.get('s1')?.status)).toBe('requested');
    // The pad times out: the job's command joins the group instead of committing on its own.
    clock.advance(31_000);
    runDueJobs(h);
    expect(h.readNow((s) => s.ratings.get('s1')?.status)).toBe('unrated');
    expect(onDisk(db)).toBe(0);
    expect(published).toEqual([]);
    h.commitBatch();
    // The jobs also recorded the morning's half-hour flow (issue #10); those are the job's own events.
    const flow = published.filter((e) => e.type.startsWith('flow.'));
    expect(flow.length).toBeGreaterThan(0);
    expect(onDisk(db)).toBe(6 + flow.length);
    expect(published.filter((e) => !e.type.startsWith('flow.')).map((e) => [e.seq, e.type, e.actor.kind])).toEqual([
      [1, 'ticket.issued', 'device'],
      [2, 'window.opened', 'staff'],
      [3, 'ticket.called', 'staff'],
      [4, 'ticket.completed', 'staff'],
      [5, 'rating.requested', 'staff'],
      [6, 'rating.unrated', 'system'],
    ]);
  });

  it('keeps a live handler strict: no synchronous read while a group is open', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-generator-'));
    db = openDb(join(dir, 'hallq.db'));
    const h = new CommandHandler(db, testConfig(), new FakeClock(Date.parse('2026-11-23T02:00:00Z')));
    const done = h.submit({ type: 'IssueTicket', data: { ticketId: 't1', serviceId: 's1', categoryId: 'ZX', source: 'kiosk' } }, KIOSK);
    expect(() => h.readNow(() => 0)).toThrow(/group still to commit/);
    await done;
    expect(h.run({ type: 'OpenWindow', data: { windowId: 1, staffId: 'c1', role: 'A' } }, CLERK).events).toHaveLength(1);
    expect(onDisk(db)).toBe(2); // run committed at once
  });
});
