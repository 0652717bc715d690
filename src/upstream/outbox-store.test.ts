import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../store/open-db.ts';
import { DEAD_LETTER, enqueueOutbox, OUTBOX_INSERT_SQL, OutboxStore } from './outbox-store.ts';
import { sampleRating, tempDir } from '../../test/support/upstream-testing.ts';

let db: Db;
afterEach(() => db?.close());

function fresh(): OutboxStore {
  db = openDb(':memory:');
  return new OutboxStore(db);
}

describe('OutboxStore', () => {
  it('hands out only the oldest undelivered row, due or not', () => {
    const store = fresh();
    store.enqueue('a', sampleRating(1), 100);
    store.enqueue('b', sampleRating(2), 200);
    expect(store.next(0)?.row).toMatchObject({ seq: 1, ratingId: 'a', attempts: 0, nextAttemptAt: 0, deliveredAt: null });
    expect(JSON.parse(store.next(0)!.row.payload)).toEqual(sampleRating(1));

    store.markFailed(1, 'HTTP 500', 5000);
    // Not due, but still the head: row b never overtakes it.
    expect(store.next(1000)).toMatchObject({ row: { seq: 1, attempts: 1, lastError: 'HTTP 500', nextAttemptAt: 5000 }, dueInMs: 4000 });
    expect(store.next(6000)).toMatchObject({ row: { seq: 1 }, dueInMs: 0 });
    expect(store.lastError()).toEqual({ seq: 1, ratingId: 'a', error: 'HTTP 500', attempts: 1 });

    expect(store.markDelivered(1, 7000)).toBe(true);
    expect(store.markDelivered(1, 8000)).toBe(false); // once only
    expect(store.byRatingId('a')).toMatchObject({ deliveredAt: 7000, lastError: 'HTTP 500' }); // error kept as history
    expect(store.next(7000)?.row.ratingId).toBe('b');
    expect(store.lastError()).toBeNull();
    expect(store.markFailed(1, 'late', 9000)).toBe(false); // a delivered row is not touched
    store.markDelivered(2, 7100);
    expect(store.next(7100)).toBeNull();
    expect(store.lastDeliveredAt()).toBe(7100);
  });

  it('counts the backlog without dead letters and reports them apart', () => {
    const store = fresh();
    expect(store.backlog()).toEqual({ count: 0, oldestCreatedAt: null, deadLetters: 0 });
    for (let i = 1; i <= 4; i++) store.enqueue(`r${i}`, sampleRating(i), i * 100);
    store.markDelivered(1, 1000);
    store.markDeadLetter(2, 'dead-letter: HTTP 400');
    expect(store.backlog()).toEqual({ count: 2, oldestCreatedAt: 300, deadLetters: 1 });
    expect(store.next(0)?.row.ratingId).toBe('r3'); // the dead letter is skipped
    expect(store.deadLetters()).toMatchObject([{ seq: 2, ratingId: 'r2', attempts: 1, nextAttemptAt: DEAD_LETTER, lastError: 'dead-letter: HTTP 400' }]);
    expect(store.deadLetterStreak()).toBe(1);

    store.markDelivered(3, 1100);
    expect(store.deadLetterStreak()).toBe(0); // a delivery after it ends the streak
    store.markDeadLetter(4, 'dead-letter: HTTP 422');
    expect(store.deadLetterStreak()).toBe(1);

    expect(store.requeue(2)).toBe(1);
    expect(store.next(0)?.row).toMatchObject({ ratingId: 'r2', attempts: 0, nextAttemptAt: 0 });
    expect(store.requeue()).toBe(1);
    expect(store.backlog()).toEqual({ count: 2, oldestCreatedAt: 200, deadLetters: 0 });
  });

  it('never lets a failure mark a row as a dead letter by accident', () => {
    const store = fresh();
    store.enqueue('a', {}, 1);
    store.markFailed(1, 'x', Number.MAX_SAFE_INTEGER + 10);
    expect(store.backlog().deadLetters).toBe(0);
    expect(store.next(0)?.row.ratingId).toBe('a');
  });

  it('enqueues inside the caller transaction: a rolled-back rating leaves no row, a replay is ignored', () => {
    const store = fresh();
    expect(() =>
      db.transaction(() => {
        enqueueOutbox(db, 'a', sampleRating(1), 1);
        throw new Error('commit failed');
      })(),
    ).toThrow('commit failed');
    expect(store.backlog().count).toBe(0);

    db.transaction(() => {
      expect(enqueueOutbox(db, 'a', sampleRating(1), 1)).toBe(true);
      expect(enqueueOutbox(db, 'a', sampleRating(1), 1)).toBe(false);
      db.prepare(OUTBOX_INSERT_SQL).run('b', '{}', 2); // the exported SQL is the same insert
    })();
    expect(store.backlog()).toMatchObject({ count: 2 });
  });

  it('purges old delivered rows but keeps the newest delivered one and everything pending', () => {
    const store = fresh();
    for (let i = 1; i <= 5; i++) store.enqueue(`r${i}`, {}, i);
    for (let seq = 1; seq <= 3; seq++) store.markDelivered(seq, seq * 10);
    expect(store.purgeDelivered(1000)).toBe(2);
    expect(store.byRatingId('r3')?.deliveredAt).toBe(30);
    expect(store.backlog().count).toBe(2);
    store.enqueue('r6', {}, 6);
    expect(store.byRatingId('r6')?.seq).toBe(6); // seq goes on, never restarts
  });

  it('keeps its state across a reopen of the file', () => {
    const { dir, remove } = tempDir();
    try {
      const file = join(dir, 'hub.db');
      db = openDb(file);
      let store = new OutboxStore(db);
      store.enqueue('a', {}, 1);
      store.markFailed(1, 'HTTP 503', 777);
      db.close();
      db = openDb(file);
      store = new OutboxStore(db);
      expect(store.next(0)).toMatchObject({ row: { ratingId: 'a', attempts: 1, nextAttemptAt: 777 }, dueInMs: 777 });
    } finally {
      db.close();
      remove();
    }
  });
});
