import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

describe('exactly-once calls over HTTP', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub({ config: testConfig({ windows: 50 }) });
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('gives 50 concurrent call-next requests 50 distinct tickets, then 204 once the queue is empty', async () => {
    const tokens: string[] = [];
    for (let w = 1; w <= 50; w++) {
      // Log in concurrently per batch: scrypt is the slow part.
      tokens.push(await login(h.url, `c${w}`));
    }
    await Promise.all(tokens.map((token, i) => api(h.url, 'POST', `/windows/${i + 1}/open`, { token, body: { role: 'A' } })));
    // 40 waiting, 50 windows: 40 distinct tickets and 10 empty answers.
    for (let i = 0; i < 40; i++) expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: i % 2 ? 'ZX' : 'SB' } })).status).toBe(201);
    const results = await Promise.all(tokens.map((token, i) => api(h.url, 'POST', `/windows/${i + 1}/call-next`, { token })));
    const called = results.filter((r) => r.status === 200);
    const empty = results.filter((r) => r.status === 204);
    expect(called).toHaveLength(40);
    expect(empty).toHaveLength(10);
    expect(new Set(called.map((r) => r.body.ticket.id)).size).toBe(40);
    expect(new Set(called.map((r) => r.body.callId)).size).toBe(40);

    // And once more with exactly 50 waiting for 50 windows.
    await Promise.all(tokens.map((token, i) => api(h.url, 'POST', `/windows/${i + 1}/no-show`, { token })));
    for (let i = 0; i < 50; i++) await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const again = await Promise.all(tokens.map((token, i) => api(h.url, 'POST', `/windows/${i + 1}/call-next`, { token })));
    expect(again.every((r) => r.status === 200)).toBe(true);
    expect(new Set(again.map((r) => r.body.ticket.number)).size).toBe(50);
  }, 120_000);

  it('returns the first answer to a retry with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'kiosk-tap-42' };
    const a = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' }, headers });
    const b = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' }, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    const other = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' }, headers });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('HQ_ERR_IDEMPOTENCY_KEY_REUSED');
    const fresh = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' }, headers: { 'idempotency-key': 'kiosk-tap-43' } });
    expect(fresh.body.ticket.number).not.toBe(a.body.ticket.number);
  });

  it('answers a retry with its first reply even after the card token has expired', async () => {
    const { withCheckDigit } = await import('../../src/personal/id-number.ts');
    const card = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '王五', idNumber: withCheckDigit('33010219800101123') } });
    const headers = { 'idempotency-key': 'card-tap-1' };
    const body = { categoryId: 'MZ', cardToken: card.body.card.cardToken };
    const first = await api(h.url, 'POST', '/tickets', { token: KIOSK, body, headers });
    expect(first.status).toBe(201);
    const realNow = Date.now;
    Date.now = () => realNow() + 3600_000; // the token's 5 minutes are long gone
    try {
      const retry = await api(h.url, 'POST', '/tickets', { token: KIOSK, body, headers });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      const fresh = await api(h.url, 'POST', '/tickets', { token: KIOSK, body, headers: { 'idempotency-key': 'card-tap-2' } });
      expect(fresh.body.error.code).toBe('HQ_ERR_CARD_TOKEN_INVALID');
    } finally {
      Date.now = realNow;
    }
  });
});

