import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/upstream/generic-json-adapter.ts';
import { MockUpstream } from './mock-upstream.ts';
import { TEST_SECRET } from '../support/upstream-testing.ts';

let mock: MockUpstream;
beforeAll(async () => {
  mock = await MockUpstream.start({ secret: TEST_SECRET });
});
afterAll(() => mock.close());

function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(mock.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

const signed = (key: string, body: string) => ({ 'x-idempotency-key': key, 'x-signature': signBody(TEST_SECRET, body) });

describe('MockUpstream', () => {
  it('checks the signature over the raw bytes and requires the idempotency key', async () => {
    const body = '{"a":"中文"}';
    expect((await post(body, { 'x-idempotency-key': 'k1', 'x-signature': signBody('wrong-secret-0123456789', body) })).status).toBe(401);
    expect((await post(body, { 'x-idempotency-key': 'k1' })).status).toBe(401);
    expect((await post(`${body} `, signed('k1', body))).status).toBe(401); // one byte more
    expect((await post(body, { 'x-signature': signBody(TEST_SECRET, body) })).status).toBe(400);
    expect(mock.received()).toEqual([]);
    const ok = await post(body, signed('k1', body));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ code: 0, msg: 'ok' });
    expect((await post(body, signed('k1', body))).status).toBe(409);
    expect(mock.received().map((r) => [r.ratingId, r.body])).toEqual([['k1', { a: '中文' }]]);
    expect(mock.stats()).toMatchObject({ posts: 6, accepted: 1, duplicates: 1, badSignature: 3 });
  });

  it('is switched over HTTP, as the demo does', async () => {
    const control = `${mock.origin}/_control`;
    const set = (cmd: unknown) => fetch(control, { method: 'POST', body: JSON.stringify(cmd), headers: { 'content-type': 'application/json' } });
    expect((await set({ mode: 'nonsense' })).status).toBe(400);
    expect(await (await set({ mode: 'fail', reset: true })).json()).toMatchObject({ mode: 'fail', posts: 0, accepted: 0 });
    expect((await post('{}', signed('k2', '{}'))).status).toBe(500);
    await set({ mode: 'slow', delayMs: 50 });
    expect(mock.stats()).toMatchObject({ mode: 'slow', delayMs: 50 });
    expect((await post('{}', signed('k2', '{}'))).status).toBe(200);
    await set({ mode: 'ok', poison: ['k3'] });
    expect((await post('{}', signed('k3', '{}'))).status).toBe(400);
    expect(await (await fetch(`${mock.origin}/_received`)).json()).toMatchObject([{ ratingId: 'k2', body: {} }]);
    expect(await (await fetch(control)).json()).toMatchObject({ mode: 'ok', failed: 1, rejected: 1, accepted: 1, poisoned: ['k3'] });
    expect((await fetch(`${mock.origin}/other`, { method: 'POST' })).status).toBe(404);
  });
});
