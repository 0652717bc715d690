import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { INTEGRATION, KIOSK } from '../support/test-config.ts';

describe('a ticket through the whole API', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub();
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('issues, calls, starts, transfers, completes', async () => {
    const t1 = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    expect(t1.status).toBe(201);
    expect(t1.body.ticket.number).toBe('A001');
    expect(t1.body.ticket.ahead).toBe(0);
    const t2 = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    expect(t2.body.ticket.number).toBe('A002');
    expect(t2.body.ticket.ahead).toBe(1);

    const clerk = await openWindow(h.url, 1);
    const call = await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    expect(call.status).toBe(200);
    expect(call.body.ticket.number).toBe('A001');
    expect(call.body.reason.rule).toBe('arrival');
    expect(call.body.callId).toMatch(/^c[A-Za-z0-9_-]{11}$/);

    const busy = await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('HQ_ERR_WINDOW_BUSY');

    expect((await api(h.url, 'POST', '/windows/1/start', { token: clerk })).status).toBe(200);
    const tr = await api(h.url, 'POST', '/windows/1/transfer', { token: clerk, body: { toWindowId: 2 } });
    expect(tr.status).toBe(200);
    expect(tr.body.ticket.number).toBe('A001');

    const clerk2 = await openWindow(h.url, 2);
    const call2 = await api(h.url, 'POST', '/windows/2/call-next', { token: clerk2 });
    expect(call2.body.ticket.number).toBe('A001');
    expect(call2.body.reason.rule).toBe('transferred_to_window');

    const done = await api(h.url, 'POST', '/windows/2/complete', { token: clerk2, body: { caseNo: 'BJ2026001', itemCode: '330100-001' } });
    expect(done.status).toBe(200);
    expect(done.body.ticket.status).toBe('done');

    const status = await api(h.url, 'GET', `/tickets/${t2.body.ticket.id}`);
    expect(status.body.ticket.status).toBe('waiting');
    expect(status.body.ticket.ahead).toBe(0);
  });

  it('lets the window business system complete through its integration token', async () => {
    await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const clerk = await login(h.url, 'c1');
    const call = await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    expect(call.status).toBe(200);
    const done = await api(h.url, 'POST', '/windows/1/complete', { token: INTEGRATION, body: { caseNo: 'X1' } });
    expect(done.status).toBe(200);
    const denied = await api(h.url, 'POST', '/windows/1/call-next', { token: INTEGRATION });
    expect(denied.status).toBe(403);
  });

  it('returns 204 when nobody waits', async () => {
    const clerk = await openWindow(h.url, 3);
    // Drain whatever is left for window 3.
    let r;
    do {
      r = await api(h.url, 'POST', '/windows/3/call-next', { token: clerk });
      if (r.status === 200) await api(h.url, 'POST', '/windows/3/no-show', { token: clerk });
    } while (r.status === 200);
    expect(r.status).toBe(204);
  });

  it('gives the elderly priority from the card and masks the holder', async () => {
    const card = await api(h.url, 'POST', '/sim/idcard/insert', {
      token: KIOSK,
      body: { name: '张三丰', idNumber: withCheckDigit('33010219500101123'), validUntil: '长期' },
    });
    expect(card.status).toBe(201);
    expect(card.body.card.holder.nameMasked).toBe('张*丰');
    expect(card.body.card.holder.idMasked).toMatch(/^\*{14}[0-9X]{4}$/);
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'MZ', cardToken: card.body.card.cardToken } });
    expect(t.status).toBe(201);
    expect(t.body.ticket.priorityGroup).toBe('elderly');
    const again = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'MZ', cardToken: card.body.card.cardToken } });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('HQ_ERR_ONE_PER_ID');
    expect(again.body.error.message).toMatch(/今天已取过.*already have a ticket/);
  });

  it('refuses a card category without a card, and priority from a kiosk', async () => {
    const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'MZ' } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('HQ_ERR_ID_CARD_REQUIRED');
    const p = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX', priorityGroup: 'disabled' } });
    expect(p.status).toBe(403);
    const guide = await login(h.url, 'g1');
    const g = await api(h.url, 'POST', '/tickets', { token: guide, body: { categoryId: 'ZX', priorityGroup: 'disabled' } });
    expect(g.status).toBe(201);
    expect(g.body.ticket.priorityGroup).toBe('disabled');
  });

  it('serves OpenAPI at /docs and bare liveness at /healthz', async () => {
    const docs = await fetch(`${h.url}/docs/json`);
    expect(docs.status).toBe(200);
    const spec = await docs.json();
    expect(Object.keys(spec.paths)).toContain('/api/v1/windows/{id}/call-next');
    const health = await fetch(`${h.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
  });
});
