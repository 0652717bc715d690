import { afterEach, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../devices/scheduler.ts';
import { ApplicantSeal } from '../personal/applicant-seal.ts';
import { openDb, type Db } from '../store/open-db.ts';
import type { DeliveryResult, UpstreamAdapter } from './adapter.ts';
import { resolveUpstreamConfig } from './config.ts';
import { GenericJsonAdapter } from './generic-json-adapter.ts';
import { createUpstream } from './index.ts';
import { MockUpstream } from '../../test/mock-platform/mock-upstream.ts';
import { OutboxStore, type OutboxRow } from './outbox-store.ts';
import { ratingIdOf, sampleRating, TEST_MAPPING, TEST_SECRET, waitFor } from '../../test/support/upstream-testing.ts';
import { backoffDelay, UpstreamWorker, type DeadLetterEvent, type UpstreamStatus, type UpstreamWorkerOptions } from './worker.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function memoryStore(): { db: Db; store: OutboxStore } {
  const db = openDb(':memory:');
  cleanups.push(() => db.close());
  return { db, store: new OutboxStore(db) };
}

async function startMock(): Promise<MockUpstream> {
  const mock = await MockUpstream.start({ secret: TEST_SECRET });
  cleanups.push(() => mock.close());
  return mock;
}

function worker(store: OutboxStore, adapter: UpstreamAdapter, opts: UpstreamWorkerOptions = {}): UpstreamWorker {
  const w = new UpstreamWorker(store, adapter, { backoff: { baseMs: 2, maxMs: 20 }, pollMs: 50, ...opts });
  cleanups.push(() => w.stop());
  return w;
}

function httpAdapter(mock: MockUpstream, extra: { scheduler?: ManualScheduler; timeoutMs?: number } = {}): GenericJsonAdapter {
  return new GenericJsonAdapter({ endpoint: mock.url, secret: TEST_SECRET, mapping: TEST_MAPPING, timeoutMs: extra.timeoutMs ?? 2000, ...extra });
}

function enqueue(store: OutboxStore, from: number, to: number): void {
  store.db.transaction(() => {
    for (let i = from; i <= to; i++) store.enqueue(ratingIdOf(i), sampleRating(i), 1_000 + i);
  })();
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => ratingIdOf(from + k));

/** An adapter whose answers the test scripts; records when each attempt was made. */
class ScriptedAdapter implements UpstreamAdapter {
  calls: { ratingId: string; at: number }[] = [];
  constructor(
    private readonly clock: { now(): number },
    private readonly answer: (row: OutboxRow, n: number) => DeliveryResult,
  ) {}
  async deliver(row: OutboxRow): Promise<DeliveryResult> {
    this.calls.push({ ratingId: row.ratingId, at: this.clock.now() });
    return this.answer(row, this.calls.length);
  }
}

describe('UpstreamWorker', () => {
  it('delivers every row once, in order, and then idles', async () => {
    const { store } = memoryStore();
    const mock = await startMock();
    enqueue(store, 1, 50);
    const w = worker(store, httpAdapter(mock));
    const delivered: string[] = [];
    w.on('delivered', (e) => delivered.push(e.ratingId));
    w.start();
    await waitFor(() => w.state === 'idle', 'idle');
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(1, 50));
    expect(delivered).toEqual(ids(1, 50));
    expect(mock.stats()).toMatchObject({ posts: 50, duplicates: 0 });
    expect(w.status()).toMatchObject({ state: 'idle', backlog: 0, deadLetters: 0, oldestAgeMs: null, lastError: null });
  });

  it('holds a record whose sealed applicant will not open (restarted with another key, or none), and sends it with the right key', async () => {
    const db = openDb(':memory:');
    cleanups.push(() => db.close());
    const key = new ApplicantSeal(Buffer.alloc(32, 1));
    const who = { type: 'person' as const, name: '张三', id: '330106198503120028' };
    new OutboxStore(db, key).enqueue(ratingIdOf(1), sampleRating(1), 1_000);
    db.prepare('UPDATE upstream_outbox SET ticket_id = ?, applicant = ?, erase_at = ? WHERE rating_id = ?').run('t1', key.seal(who, 't1'), Number.MAX_SAFE_INTEGER - 1, ratingIdOf(1));
    const acks = (row: OutboxRow): DeliveryResult => ({ outcome: 'acknowledged', status: 200, duplicate: row.applicant === null });
    expect(new OutboxStore(db, null).next(0)?.row).toMatchObject({ applicant: null, applicantError: expect.stringContaining('no applicant key is loaded') });

    const wrong = new ScriptedAdapter({ now: () => Date.now() }, acks);
    const w1 = worker(new OutboxStore(db, new ApplicantSeal(Buffer.alloc(32, 2))), wrong);
    w1.start();
    await waitFor(() => (w1.status().lastError?.message ?? '').includes('HALLQ_APPLICANT_KEY_FILE'), 'the key error');
    await w1.stop();
    // Never sent without its applicant, and still waiting with it.
    expect(wrong.calls).toEqual([]);
    expect(db.prepare('SELECT delivered_at, applicant IS NOT NULL AS held FROM upstream_outbox WHERE rating_id = ?').get(ratingIdOf(1))).toEqual({ delivered_at: null, held: 1 });

    const seen: OutboxRow[] = [];
    const right = new ScriptedAdapter({ now: () => Date.now() }, (row) => (seen.push(row), acks(row)));
    const w2 = worker(new OutboxStore(db, key), right);
    w2.start();
    await waitFor(() => w2.state === 'idle', 'idle');
    expect(seen.map((r) => r.applicant)).toEqual([who]);
    expect(db.prepare('SELECT delivered_at IS NOT NULL AS delivered, applicant IS NULL AS erased FROM upstream_outbox WHERE rating_id = ?').get(ratingIdOf(1))).toEqual({ delivered: 1, erased: 1 });
  });

  it('is woken by notify() instead of waiting for the next poll', async () => {
    const { store } = memoryStore();
    const mock = await startMock();
    const w = worker(store, httpAdapter(mock), { pollMs: 60_000 });
    w.start();
    await waitFor(() => w.state === 'idle', 'idle');
    enqueue(store, 1, 1);
    w.notify();
    await waitFor(() => mock.received().length === 1, 'the row after notify', 2000);
  });

  it('backs off exponentially on failures, capped at maxMs, and keeps the row at the head', async () => {
    const clock = new ManualScheduler(1_000_000);
    const { store } = memoryStore();
    enqueue(store, 1, 2);
    const adapter = new ScriptedAdapter(clock, () => ({ outcome: 'retry', status: 500, error: 'HTTP 500' }));
    const w = worker(store, adapter, { scheduler: clock, backoff: { baseMs: 100, maxMs: 1000 } });
    const states: string[] = [];
    w.on('status', (s) => states.push(s.state));
    w.start();
    await clock.advance(5000);
    const at = adapter.calls.map((c) => c.at - 1_000_000);
    expect(at).toEqual([0, 100, 300, 700, 1500, 2500, 3500, 4500]);
    expect(new Set(adapter.calls.map((c) => c.ratingId))).toEqual(new Set([ratingIdOf(1)])); // never the second row
    expect(clock.pending).toEqual([500]); // next attempt at 5500
    expect(store.next(clock.now())?.row).toMatchObject({ attempts: 8, lastError: 'HTTP 500', nextAttemptAt: 1_005_500 });
    expect(w.status()).toMatchObject({ state: 'backing-off', backlog: 2, nextAttemptAt: 1_005_500, lastError: { ratingId: ratingIdOf(1), message: 'HTTP 500' } });
    expect(states.slice(0, 3)).toEqual(['sending', 'backing-off', 'sending']);
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, 100, 1000))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('after a restart tries at once, then continues the stored backoff', async () => {
    const clock = new ManualScheduler(0);
    const { store } = memoryStore();
    enqueue(store, 1, 1);
    store.markFailed(1, 'HTTP 503', 250_000); // 6 failures before the restart, next at 250 s
    for (let i = 0; i < 5; i++) store.markFailed(1, 'HTTP 503', 250_000);
    const adapter = new ScriptedAdapter(clock, () => ({ outcome: 'retry', error: 'HTTP 503' }));
    const w = worker(store, adapter, { scheduler: clock, backoff: { baseMs: 100, maxMs: 1000 } });
    w.start();
    await clock.advance(0);
    expect(adapter.calls).toHaveLength(1); // at once, not at 250 s
    expect(clock.pending).toEqual([1000]); // attempt 7: capped
  });

  it('never waits longer than maxMs for a stored backoff (a clock set back)', async () => {
    const clock = new ManualScheduler(0);
    const { store } = memoryStore();
    enqueue(store, 1, 1);
    const adapter = new ScriptedAdapter(clock, (_row, n) => (n === 1 ? { outcome: 'retry', error: 'x' } : { outcome: 'acknowledged', status: 200, duplicate: false }));
    const w = worker(store, adapter, { scheduler: clock, backoff: { baseMs: 100, maxMs: 1000 } });
    w.start();
    await clock.advance(0);
    store.markFailed(1, 'x', 10_000_000); // as if written by a clock far ahead
    w.retryNow(); // re-reads the row
    await clock.advance(0);
    expect(adapter.calls).toHaveLength(2);
    expect(store.backlog().count).toBe(0);
  });

  it('uses Retry-After when it asks for longer than the backoff', async () => {
    const clock = new ManualScheduler(0);
    const { store } = memoryStore();
    enqueue(store, 1, 1);
    const adapter = new ScriptedAdapter(clock, () => ({ outcome: 'retry', status: 429, error: 'HTTP 429', retryAfterMs: 700 }));
    const w = worker(store, adapter, { scheduler: clock, backoff: { baseMs: 100, maxMs: 1000 } });
    w.start();
    await clock.advance(0);
    expect(clock.pending).toEqual([700]);
  });

  it('cuts a stalled request at the timeout and retries it after the backoff', async () => {
    const clock = new ManualScheduler(0);
    const { store } = memoryStore();
    const mock = await startMock();
    mock.fail('stall');
    enqueue(store, 1, 2);
    const w = worker(store, httpAdapter(mock, { scheduler: clock, timeoutMs: 3000 }), { scheduler: clock, backoff: { baseMs: 500, maxMs: 4000 } });
    w.start();
    await waitFor(() => mock.stats().stalled === 1, 'the request to reach the mock');
    expect(w.state).toBe('sending');
    await clock.advance(2999);
    expect(w.state).toBe('sending'); // still within the timeout
    await clock.advance(1);
    await waitFor(() => w.state === 'backing-off', 'the timeout to be recorded');
    expect(w.status().lastError?.message).toBe('timeout: no answer within 3000 ms');
    expect(clock.pending).toEqual([500]);

    mock.fail('ok');
    await clock.advance(500);
    await waitFor(() => w.state === 'idle', 'the queue to drain');
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(1, 2));
    expect(mock.posts(ratingIdOf(1)).map((p) => p.result)).toEqual(['stalled', 200]);
  });

  it('re-sends a row whose acknowledgement was lost; the platform counts it once', async () => {
    const { store } = memoryStore();
    const mock = await startMock();
    mock.fail('ack-lost');
    enqueue(store, 1, 3);
    const w = worker(store, httpAdapter(mock));
    const duplicates: string[] = [];
    w.on('delivered', (e) => e.duplicate && duplicates.push(e.ratingId));
    w.start();
    await waitFor(() => mock.stats().dropped === 1, 'the dropped answer');
    mock.fail('ok');
    await waitFor(() => w.state === 'idle', 'idle');
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(1, 3));
    expect(mock.posts(ratingIdOf(1)).map((p) => [p.result, p.repeat])).toEqual([
      ['dropped', false],
      [409, true],
    ]);
    expect(duplicates).toEqual([ratingIdOf(1)]);
  });

  it('dies between the acknowledgement and the mark: after the restart the row goes again with the same key, counted once', async () => {
    const { db } = memoryStore();
    const mock = await startMock();
    class DyingStore extends OutboxStore {
      override markDelivered(seq: number, at: number): boolean {
        if (seq === 2) throw new Error('process killed');
        return super.markDelivered(seq, at);
      }
    }
    const dying = new DyingStore(db);
    enqueue(dying, 1, 4);
    const w1 = worker(dying, httpAdapter(mock));
    w1.start();
    await waitFor(() => w1.state === 'backing-off', 'the failed mark');
    await w1.stop();
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(1, 2)); // the platform has r0002…
    expect(new OutboxStore(db).byRatingId(ratingIdOf(2))?.deliveredAt).toBeNull(); // …the outbox does not know

    const w2 = worker(new OutboxStore(db), httpAdapter(mock));
    w2.start();
    await waitFor(() => w2.state === 'idle', 'idle');
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(1, 4));
    expect(mock.posts(ratingIdOf(2)).map((p) => p.result)).toEqual([200, 409]);
    for (const id of [1, 3, 4]) expect(mock.posts(ratingIdOf(id))).toHaveLength(1);
  });

  it('parks a record the platform keeps refusing as a dead letter and moves on; requeue sends it later', async () => {
    const { store } = memoryStore();
    const mock = await startMock();
    mock.poison(ratingIdOf(3));
    enqueue(store, 1, 6);
    const w = worker(store, httpAdapter(mock), { deadLetter: { afterAttempts: 3, maxInARow: 3 } });
    const dead: DeadLetterEvent[] = [];
    w.on('dead-letter', (e) => dead.push(e));
    w.start();
    await waitFor(() => w.state === 'idle', 'idle');
    expect(mock.received().map((r) => r.ratingId)).toEqual([1, 2, 4, 5, 6].map(ratingIdOf));
    expect(mock.posts(ratingIdOf(3)).map((p) => p.result)).toEqual([400, 400, 400]);
    expect(dead).toMatchObject([{ ratingId: ratingIdOf(3), attempts: 3, error: expect.stringContaining('HTTP 400') }]);
    expect(w.status()).toMatchObject({ backlog: 0, deadLetters: 1, lastError: { ratingId: ratingIdOf(3), message: expect.stringMatching(/^dead-letter after 3 attempts: HTTP 400/) } });
    expect(store.deadLetters().map((r) => r.ratingId)).toEqual([ratingIdOf(3)]);

    mock.unpoison(ratingIdOf(3));
    expect(store.requeue()).toBe(1);
    w.notify();
    await waitFor(() => mock.received().length === 6, 'the requeued record');
    expect(mock.received().at(-1)?.ratingId).toBe(ratingIdOf(3));
    // The platform has it; the worker marks it delivered once the answer is back.
    await waitFor(() => w.status().backlog === 0, 'the delivery recorded');
    expect(w.status()).toMatchObject({ backlog: 0, deadLetters: 0 });
  });

  it('stops parking after maxInARow refusals in a row: the config is wrong, the queue holds, even across a restart', async () => {
    const { db, store } = memoryStore();
    const mock = await startMock();
    mock.fail('reject');
    enqueue(store, 1, 5);
    const opts = { deadLetter: { afterAttempts: 1, maxInARow: 2 } };
    const w1 = worker(store, httpAdapter(mock), opts);
    w1.start();
    await waitFor(() => mock.posts(ratingIdOf(3)).length >= 3, 'retries of the third record');
    expect(store.deadLetters().map((r) => r.ratingId)).toEqual(ids(1, 2));
    expect(w1.status()).toMatchObject({ backlog: 3, deadLetters: 2, lastError: { ratingId: ratingIdOf(3), message: expect.stringContaining('queue holds here') } });
    await w1.stop();

    const w2 = worker(new OutboxStore(db), httpAdapter(mock), opts);
    w2.start();
    await waitFor(() => mock.posts(ratingIdOf(3)).length >= 5, 'more retries after the restart');
    expect(store.backlog().deadLetters).toBe(2);
    expect(mock.posts(ratingIdOf(4))).toHaveLength(0); // nothing overtook the held record

    mock.fail('ok');
    w2.retryNow();
    await waitFor(() => w2.state === 'idle', 'idle');
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(3, 5));
  });

  it('stop() waits for the request in flight and records its answer', async () => {
    const { store } = memoryStore();
    const mock = await startMock();
    mock.fail('slow', { delayMs: 200 });
    enqueue(store, 1, 3);
    const w = worker(store, httpAdapter(mock));
    w.start();
    await waitFor(() => mock.stats().posts === 1, 'the first post');
    await w.stop();
    expect(w.state).toBe('stopped');
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(1, 1));
    expect(store.byRatingId(ratingIdOf(1))?.deliveredAt).not.toBeNull(); // answered during stop, and marked
    expect(store.backlog().count).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(mock.stats().posts).toBe(1); // nothing after stop
  });

  it('keeps delivering when a listener throws', async () => {
    const clock = new ManualScheduler(0);
    const { store } = memoryStore();
    enqueue(store, 1, 3);
    const adapter = new ScriptedAdapter(clock, () => ({ outcome: 'acknowledged', status: 200, duplicate: false }));
    const w = worker(store, adapter, { scheduler: clock, onStatus: () => { throw new Error('ui bug'); } });
    w.on('delivered', () => {
      throw new Error('listener bug');
    });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    w.start();
    await clock.advance(0);
    expect(adapter.calls.map((c) => c.ratingId)).toEqual(ids(1, 3)); // each once: a throw is not a failed delivery
    expect(w.status()).toMatchObject({ state: 'idle', backlog: 0, lastError: null });
    await waitFor(() => warnings.some((m) => m.includes('listener bug')), 'the warning');
  });

  it('emits status on state changes and through onStatus; a store error becomes lastError and a retry', async () => {
    const clock = new ManualScheduler(10_000);
    const { db, store } = memoryStore();
    enqueue(store, 1, 1);
    const seen: UpstreamStatus[] = [];
    const adapter = new ScriptedAdapter(clock, () => ({ outcome: 'acknowledged', status: 200, duplicate: false }));
    const w = worker(store, adapter, { scheduler: clock, onStatus: (s) => seen.push(s), backoff: { baseMs: 100, maxMs: 1000 } });
    w.start();
    await clock.advance(0);
    expect(seen.map((s) => s.state)).toEqual(['sending', 'idle']);
    expect(seen.at(-1)).toMatchObject({ backlog: 0, lastDeliveredAt: 10_000 });

    db.exec('CREATE TRIGGER no_updates BEFORE UPDATE ON upstream_outbox BEGIN SELECT RAISE(ABORT, \'disk full\'); END');
    await clock.advance(1000);
    enqueue(store, 2, 2);
    w.notify();
    await clock.advance(0);
    expect(w.status()).toMatchObject({ state: 'backing-off', backlog: 1, lastError: { ratingId: ratingIdOf(2), message: 'store: disk full' } });
    db.exec('DROP TRIGGER no_updates');
    await clock.advance(100);
    expect(w.status()).toMatchObject({ state: 'idle', backlog: 0 });
    expect(adapter.calls.map((c) => c.ratingId)).toEqual([ratingIdOf(1), ratingIdOf(2), ratingIdOf(2)]); // sent again, same key
  });

  it('is wired from a resolved config by createUpstream', async () => {
    const { db } = memoryStore();
    const mock = await startMock();
    const config = resolveUpstreamConfig({ endpoint: mock.url, secret: TEST_SECRET, mapping: TEST_MAPPING, pollMs: 100, backoff: { baseMs: 5, maxMs: 50 } });
    const statuses: UpstreamStatus[] = [];
    const { store, worker: w } = createUpstream(db, config, { onStatus: (s) => statuses.push(s) });
    cleanups.push(() => w.stop());
    enqueue(store, 1, 3);
    w.start();
    await waitFor(() => w.state === 'idle', 'idle');
    expect(mock.received().map((r) => r.ratingId)).toEqual(ids(1, 3));
    expect(statuses.at(-1)).toMatchObject({ state: 'idle', backlog: 0 });
  });
});
