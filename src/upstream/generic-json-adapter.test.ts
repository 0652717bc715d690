import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyStatus } from './adapter.ts';
import { GenericJsonAdapter, parseRetryAfter, signBody, type GenericJsonAdapterOptions } from './generic-json-adapter.ts';
import { MockUpstream } from '../../test/mock-platform/mock-upstream.ts';
import type { OutboxRow } from './outbox-store.ts';
import { sampleRating, TEST_MAPPING, TEST_SECRET } from '../../test/support/upstream-testing.ts';

let mock: MockUpstream;
beforeAll(async () => {
  mock = await MockUpstream.start({ secret: TEST_SECRET });
});
afterAll(() => mock.close());
afterEach(() => {
  mock.fail('ok');
  mock.reset();
});

function row(i: number, payload: unknown = sampleRating(i)): OutboxRow {
  return { seq: i, ratingId: `r${i}`, kind: 'rating', payload: JSON.stringify(payload), applicant: null, applicantHeld: false, createdAt: 0, attempts: 0, lastError: null, nextAttemptAt: 0, deliveredAt: null };
}

function adapter(opts: Partial<GenericJsonAdapterOptions> = {}): GenericJsonAdapter {
  return new GenericJsonAdapter({ endpoint: mock.url, secret: TEST_SECRET, mapping: TEST_MAPPING, timeoutMs: 2000, ...opts });
}

describe('GenericJsonAdapter', () => {
  it('posts the mapped body, signed, with the rating id as idempotency key', async () => {
    const a = adapter();
    const r = row(7, sampleRating(7, Date.UTC(2025, 2, 1, 2, 4, 5)));
    expect(await a.deliver(r)).toEqual({ outcome: 'acknowledged', status: 200, duplicate: false });
    const [got] = mock.received();
    expect(got?.ratingId).toBe('r7');
    expect(got?.body).toEqual({
      version: '1.0',
      data: { qdlx: '1', pjdj: 'C', pjsj: '2025-03-01 10:04:05', cpyy: '', zjhm: '3301**********1234' },
      pjid: 'r0007',
      bjbh: '33010600000007',
      sxbm: '330106-ITEM-01',
    });
    expect(Number(got?.timestamp)).toBeGreaterThan(0);
    // The signature is over the exact bytes: recompute it independently.
    const bytes = Buffer.from(a.body(r), 'utf8');
    expect(signBody(TEST_SECRET, bytes)).toBe(createHmac('sha256', TEST_SECRET).update(bytes).digest('hex'));
  });

  it('sends the same key again and takes 409 (the platform has it) as acknowledged', async () => {
    const a = adapter();
    await a.deliver(row(1));
    expect(await a.deliver(row(1))).toEqual({ outcome: 'acknowledged', status: 409, duplicate: true });
    expect(mock.received()).toHaveLength(1);
    expect(mock.posts('r1').map((p) => [p.result, p.repeat])).toEqual([
      [200, false],
      [409, true],
    ]);
  });

  it('is refused with 401 when the secret is wrong, which is retried, not a dead record', async () => {
    const result = await adapter({ secret: 'another-secret-0123456789' }).deliver(row(1));
    expect(result).toMatchObject({ outcome: 'retry', status: 401 });
    expect(mock.stats()).toMatchObject({ badSignature: 1, accepted: 0 });
  });

  it('reads 5xx as retry, 400 as rejected, a wrong path (404) as retry', async () => {
    mock.fail('fail');
    expect(await adapter().deliver(row(1))).toMatchObject({ outcome: 'retry', status: 500, error: expect.stringContaining('HTTP 500') });
    mock.fail('reject');
    expect(await adapter().deliver(row(1))).toMatchObject({ outcome: 'rejected', status: 400 });
    mock.fail('ok');
    expect(await adapter({ endpoint: `${mock.origin}/elsewhere` }).deliver(row(1))).toMatchObject({ outcome: 'retry', status: 404 });
    expect(mock.received()).toHaveLength(0);
  });

  it('rejects a payload that is not JSON without sending it', async () => {
    expect(await adapter().deliver({ ...row(1), payload: '{nope' })).toMatchObject({ outcome: 'rejected' });
    expect(mock.stats().posts).toBe(0);
  });

  it('aborts a stalled request at the timeout', async () => {
    mock.fail('stall');
    const started = Date.now();
    expect(await adapter({ timeoutMs: 150 }).deliver(row(1))).toEqual({ outcome: 'retry', error: 'timeout: no answer within 150 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(mock.stats().stalled).toBe(1);
  });

  it('waits for a slow answer within the timeout', async () => {
    mock.fail('slow', { delayMs: 100 });
    expect(await adapter({ timeoutMs: 2000 }).deliver(row(1))).toMatchObject({ outcome: 'acknowledged' });
  });

  it('reports a network error as retry', async () => {
    const closed = await MockUpstream.start({ secret: TEST_SECRET });
    const url = closed.url;
    await closed.close();
    expect(await adapter({ endpoint: url }).deliver(row(1))).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/^network: .*ECONNREFUSED/) });
  });

  it('with ackWhen, takes a 2xx as delivered only when the body says so', async () => {
    const bodies = [{ code: '0' }, { code: 'E42', msg: 'busy' }];
    const fetchStub: typeof fetch = async () => new Response(JSON.stringify(bodies.shift()), { status: 200 });
    const a = adapter({ fetch: fetchStub, ackWhen: { path: 'code', equals: ['0', 0] } });
    expect(await a.deliver(row(1))).toMatchObject({ outcome: 'acknowledged' });
    expect(await a.deliver(row(2))).toMatchObject({ outcome: 'retry', error: expect.stringContaining('code is not an accepted value') });
  });

  it('honours Retry-After on 429 and 503', async () => {
    const fetchStub: typeof fetch = async () => new Response('slow down', { status: 429, headers: { 'retry-after': '7' } });
    expect(await adapter({ fetch: fetchStub }).deliver(row(1))).toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 7000 });
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('sends configured fixed headers but never lets them replace its own', async () => {
    let seen: Headers | undefined;
    const fetchStub: typeof fetch = async (_url, init) => {
      seen = new Headers(init?.headers);
      return new Response('{}', { status: 200 });
    };
    await adapter({ fetch: fetchStub, headers: { 'X-App-Key': 'hall-330106' } }).deliver(row(1));
    expect(seen?.get('x-app-key')).toBe('hall-330106');
    expect(seen?.get('x-idempotency-key')).toBe('r1');
    expect(seen?.get('content-type')).toBe('application/json; charset=utf-8');
    expect(seen?.get('x-signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('classifyStatus', () => {
  it.each([
    [200, 'acknowledged'],
    [201, 'acknowledged'],
    [204, 'acknowledged'],
    [409, 'duplicate'],
    [400, 'rejected'],
    [413, 'rejected'],
    [422, 'rejected'],
    [401, 'retry'],
    [403, 'retry'],
    [404, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [302, 'retry'],
  ])('%i → %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind);
  });
});
