import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../store/open-db.ts';
import { GenericJsonAdapter } from './generic-json-adapter.ts';
import { MockUpstream } from '../../test/mock-platform/mock-upstream.ts';
import { enqueueOutbox, OutboxStore } from './outbox-store.ts';
import { ratingIdOf, sampleRating, TEST_MAPPING, TEST_SECRET, tempDir, waitFor } from '../../test/support/upstream-testing.ts';
import { UpstreamWorker } from './worker.ts';

/**
 * Issue 5's acceptance: "With the mock upstream failing, 1,000 ratings are recorded. The hub
 * restarts mid-backlog, and the upstream recovers. All 1,000 are delivered exactly once and in
 * order. None is lost." Real SQLite file (WAL, synchronous=FULL), real HTTP, real time.
 */
const TOTAL = 1000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function start(db: Db, mock: MockUpstream): UpstreamWorker {
  const adapter = new GenericJsonAdapter({ endpoint: mock.url, secret: TEST_SECRET, mapping: TEST_MAPPING, timeoutMs: 2000 });
  const worker = new UpstreamWorker(new OutboxStore(db), adapter, { backoff: { baseMs: 2, maxMs: 25 }, pollMs: 50 });
  cleanups.push(() => worker.stop());
  worker.start();
  return worker;
}

describe('好差评 upload across an outage and a restart', () => {
  it('delivers 1,000 ratings recorded during an outage exactly once, in order, across a hub restart', async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const file = join(dir, 'hallq.db');
    const mock = await MockUpstream.start({ secret: TEST_SECRET });
    cleanups.push(() => mock.close());
    mock.fail('fail');

    // --- first run: the platform is down while the ratings are recorded
    const db1 = openDb(file);
    cleanups.push(() => db1.open && db1.close());
    const w1 = start(db1, mock);
    for (let i = 0; i < TOTAL; i += 25) {
      // As the hub does: the outbox row in the commit that records the rating, then notify().
      db1.transaction(() => {
        for (let j = i; j < i + 25; j++) enqueueOutbox(db1, ratingIdOf(j), sampleRating(j), 1_740_000_000_000 + j);
      })();
      w1.notify();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => mock.stats().failed >= 10, 'failed attempts during the outage');
    expect(mock.received()).toHaveLength(0);
    expect(w1.status()).toMatchObject({ backlog: TOTAL, lastError: { ratingId: ratingIdOf(0), message: expect.stringContaining('HTTP 500') } });

    // --- the platform recovers for a while; the hub then stops mid-backlog (and the platform fails again)
    mock.fail('ok');
    await waitFor(() => mock.received().length >= 300, 'a part of the backlog');
    await w1.stop();
    mock.fail('fail');
    const deliveredBefore = mock.received().length;
    expect(deliveredBefore).toBeLessThan(TOTAL);
    const delivered1 = db1.prepare('SELECT COUNT(*) AS n FROM upstream_outbox WHERE delivered_at IS NOT NULL').get() as { n: number };
    expect(delivered1.n).toBe(deliveredBefore); // every acknowledgement is on disk, nothing more
    db1.close();

    // --- second run: a new process on the same file; the platform is down, then recovers
    const db2 = openDb(file);
    cleanups.push(() => db2.open && db2.close());
    const failedBefore = mock.stats().failed;
    const w2 = start(db2, mock);
    expect(w2.status().backlog).toBe(TOTAL - deliveredBefore);
    await waitFor(() => mock.stats().failed >= failedBefore + 5, 'failed attempts after the restart');
    mock.fail('ok');
    await waitFor(() => w2.status().backlog === 0 && w2.state === 'idle', 'the backlog to drain', 15_000);

    // Exactly once and in order, at the platform.
    const expected = Array.from({ length: TOTAL }, (_, i) => ratingIdOf(i));
    const received = mock.received();
    expect(received.map((r) => r.ratingId)).toEqual(expected);
    expect(received[123]?.body).toMatchObject({ pjid: ratingIdOf(123), bjbh: sampleRating(123).caseNo });

    // Raw POSTs: every id was accepted by exactly one POST (its last), any earlier POST of it got a
    // 500, and no POST ever repeated an accepted key (no acknowledgement was lost in this run).
    const posts = mock.posts();
    expect(posts.filter((p) => p.repeat)).toEqual([]);
    expect(mock.stats().duplicates).toBe(0);
    const byId = new Map<string, (number | string)[]>();
    for (const p of posts) byId.set(p.ratingId!, [...(byId.get(p.ratingId!) ?? []), p.result]);
    expect([...byId.keys()].sort()).toEqual(expected);
    for (const [id, results] of byId) {
      expect({ id, results: results.slice(0, -1).filter((r) => r !== 500) }).toEqual({ id, results: [] });
      expect({ id, last: results.at(-1) }).toEqual({ id, last: 200 });
    }
    // The ids posted more than once are the two heads of the queue while the platform failed, no others.
    const retried = [...byId].filter(([, r]) => r.length > 1).map(([id]) => id);
    expect(retried).toEqual([ratingIdOf(0), ratingIdOf(deliveredBefore)]);

    // And in the outbox: all delivered, in seq order, none parked.
    const rows = db2.prepare('SELECT rating_id, delivered_at FROM upstream_outbox ORDER BY seq').all() as { rating_id: string; delivered_at: number | null }[];
    expect(rows.map((r) => r.rating_id)).toEqual(expected);
    expect(rows.every((r) => r.delivered_at !== null)).toBe(true);
    expect(w2.status()).toMatchObject({ backlog: 0, deadLetters: 0, oldestAgeMs: null });
    const times = rows.map((r) => r.delivered_at!);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});
