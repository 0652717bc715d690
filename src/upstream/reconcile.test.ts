import { describe, expect, it } from 'vitest';
import { instantOf } from '../domain/calendar.ts';
import { openDb } from '../store/open-db.ts';
import { OutboxStore } from './outbox-store.ts';
import { signBody } from './http-post.ts';
import { Reconciler, receivedQuery } from './reconcile.ts';

const TZ = 'Asia/Shanghai';

describe('Reconciler', () => {
  it('compares one day’s deliveries with the platform’s list, keeps the result, and is due once a day after its hour', async () => {
    const db = openDb(':memory:');
    const store = new OutboxStore(db);
    const day = instantOf('2026-03-02', 0, TZ);
    for (const [i, key] of ['a', 'b', 'c', 'late'].entries()) {
      store.enqueue(key, { i }, day);
      // 'late' was delivered the next day: not that day's.
      store.markDelivered(i + 1, key === 'late' ? day + 86_400_000 + 60_000 : day + 3_600_000 * (i + 1));
    }
    const asked: [number, number][] = [];
    const r = new Reconciler(db, async (from, to) => {
      asked.push([from, to]);
      return ['a', 'c', 'late', 'other'];
    }, TZ);
    const result = await r.run('2026-03-02', 123);
    expect(result).toEqual({ businessDate: '2026-03-02', checkedAt: 123, delivered: 3, received: 4, missing: ['b'], extra: ['other'], error: null });
    // Asked around the day (the clocks differ a little), and for the day itself.
    expect(asked).toEqual([
      [day - 600_000, day + 86_400_000 + 600_000],
      [day, day + 86_400_000],
    ]);
    expect(r.get('2026-03-02')).toEqual(result);
    expect(r.dueDate(instantOf('2026-03-03', 60, TZ), 2)).toBeNull(); // 01:00, before its hour
    expect(r.dueDate(instantOf('2026-03-03', 180, TZ), 2)).toBeNull(); // yesterday is done
    expect(r.dueDate(instantOf('2026-03-04', 180, TZ), 2)).toBe('2026-03-03');

    const failing = new Reconciler(db, () => Promise.reject(new Error('HTTP 500')), TZ);
    expect(await failing.run('2026-03-03', 456)).toEqual({ businessDate: '2026-03-03', checkedAt: 456, delivered: 1, received: null, missing: [], extra: [], error: 'HTTP 500' });
    expect(r.latest(5).map((x) => x.businessDate)).toEqual(['2026-03-03', '2026-03-02']);
    // A day the platform could not be asked for is still due: the next check asks again, and a success replaces the error.
    expect(r.dueDate(instantOf('2026-03-04', 180, TZ), 2)).toBe('2026-03-03');
    expect((await r.run('2026-03-03', 789)).error).toBeNull();
    expect(r.dueDate(instantOf('2026-03-04', 190, TZ), 2)).toBeNull();
  });

  it('receivedQuery signs its query, reads either form of list, and says why it got none', async () => {
    const seen: { url: string; signature: string | null }[] = [];
    const answering = (status: number, body: string): typeof fetch => async (url, init) => {
      seen.push({ url: String(url), signature: new Headers(init?.headers).get('x-signature') });
      return new Response(body, { status });
    };
    const ask = (f: typeof fetch, timeoutMs = 2000) => receivedQuery({ url: 'http://platform.test/query?app=1', secret: 'a-secret-of-16-chars', timeoutMs, fetch: f })(5, 9);
    expect(await ask(answering(200, '{"keys":["a","b"]}'))).toEqual(['a', 'b']);
    expect(await ask(answering(200, '{"result":"0","data":["c"]}'))).toEqual(['c']);
    expect(seen[0]).toEqual({ url: 'http://platform.test/query?app=1&from=5&to=9', signature: signBody('a-secret-of-16-chars', 'from=5&to=9') });
    await expect(ask(answering(500, 'busy'))).rejects.toThrow('HTTP 500: busy');
    await expect(ask(answering(200, '{"keys":[1]}'))).rejects.toThrow('no list of keys');
    const silent: typeof fetch = (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    await expect(ask(silent, 30)).rejects.toThrow('timeout: no answer within 30 ms');
  });
});
