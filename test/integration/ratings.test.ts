import { OutboxStore } from '../../src/upstream/outbox-store.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireRatings } from '../../src/rating-timeouts.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, login, openWindow, startHub, type RunningHub, stateOf } from '../support/hub.ts';
import { KIOSK, padToken, testConfig } from '../support/test-config.ts';

describe('ratings (评价) over HTTP', () => {
  let h: RunningHub;
  let clerk: string;
  const clock = new FakeClock(Date.parse('2026-11-23T02:00:00Z')); // Monday 10:00 Shanghai
  beforeAll(async () => {
    h = await startHub({ clock });
    clerk = await openWindow(h.url, 1);
  });
  afterAll(async () => {
    await h.dispose();
  });

  async function serve(caseNo = 'BJ-001'): Promise<string> {
    await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
    const done = await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { caseNo, itemCode: '330100-ZX-01' } });
    expect(done.status).toBe(200);
    return done.body.serviceId as string;
  }

  it('asks the pad of the window, takes one rating, and refuses a second', async () => {
    const serviceId = await serve();
    const pending = await api(h.url, 'GET', '/windows/1/rating-request', { token: padToken(1) });
    expect(pending.body.request).toMatchObject({ serviceId, caseNo: 'BJ-001', itemCode: '330100-ZX-01', status: 'requested' });
    const r = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level: 5 } });
    expect(r.status).toBe(201);
    expect(r.body.rating).toMatchObject({ level: 5, label: '非常满意' });
    const again = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level: 1 } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('HQ_ERR_ALREADY_RATED');
    expect(h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox').get()).toEqual({ n: 1 });
    // The record the upload sends, built from the rating event the outbox row points at.
    const record = new OutboxStore(h.hub.db).byRatingId(r.body.rating.id)!;
    expect(JSON.parse(record.payload)).toMatchObject({ caseNo: 'BJ-001', itemCode: '330100-ZX-01', level: 5, windowId: 1, staffId: 'c1' });
  });

  it('refuses another window’s pad, a level outside 1..5, a clerk, and unknown reasons, changing nothing', async () => {
    const serviceId = await serve('BJ-002');
    const seq = h.hub.handler.seq;
    const other = await api(h.url, 'POST', '/ratings', { token: padToken(2), body: { serviceId, level: 5 } });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('HQ_ERR_NOT_YOUR_PAD');
    for (const level of [0, 6, 7, 2.5, '5']) {
      const bad = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level } });
      expect(bad.status, String(level)).toBe(400);
      expect(bad.body.error.message).toMatch(/请求内容不正确.*malformed/);
    }
    expect((await api(h.url, 'POST', '/ratings', { token: clerk, body: { serviceId, level: 5 } })).status).toBe(403);
    const reason = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level: 1, reasons: ['天气不好'] } });
    expect(reason.body.error.code).toBe('HQ_ERR_RATING_REASON_UNKNOWN');
    expect(h.hub.handler.seq).toBe(seq);
  });

  it('records unrated after the timeout and never a default level', async () => {
    const serviceId = await serve('BJ-003');
    clock.advance(31_000);
    expect(expireRatings(h.hub.handler)).toBe(2); // this one, and the one left pending by the test before
    expect((await stateOf(h.hub)).ratings.get(serviceId)?.status).toBe('unrated');
    expect((await stateOf(h.hub)).ratings.get(serviceId)?.level).toBeNull();
    const late = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level: 5 } });
    expect(late.body.error.code).toBe('HQ_ERR_RATING_EXPIRED');
  });

  it('opens a follow-up for 不满意 with a 15-working-day deadline, and a manager closes it step by step', async () => {
    const serviceId = await serve('BJ-004');
    const r = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level: 2, reasons: ['服务效率', '服务态度'], comment: '等太久' } });
    expect(r.status).toBe(201);
    expect(r.body.followup.deadline).toBe('2026-12-14'); // 15 working days after Mon 2026-11-23
    const manager = await login(h.url, 'm1');
    const list = await api(h.url, 'GET', '/followups', { token: manager });
    expect(list.body.followups.map((f: { id: string }) => f.id)).toContain(r.body.followup.id);
    for (const step of ['callback', 'verification', 'rectification']) {
      const s = await api(h.url, 'POST', `/followups/${r.body.followup.id}`, { token: manager, body: { step, note: `${step} done` } });
      expect(s.status).toBe(200);
    }
    const closed = await api(h.url, 'POST', `/followups/${r.body.followup.id}`, { token: manager, body: { step: 'callback', note: 'again' } });
    expect(closed.body.error.code).toBe('HQ_ERR_FOLLOWUP_CLOSED');
    // Another bad rating left open shows as overdue once its deadline has passed.
    const s2 = await serve('BJ-005');
    // The tablet pad names at least one reason for a bad rating (issue #13).
    expect((await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId: s2, level: 1 } })).body.error.code).toBe('HQ_ERR_RATING_REASON_REQUIRED');
    const bad = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId: s2, level: 1, reasons: ['服务态度'] } });
    clock.set('2026-12-20T02:00:00Z');
    const later = await login(h.url, 'm1'); // a staff session lasts 12 hours
    const overdue = await api(h.url, 'GET', '/followups?status=overdue', { token: later });
    expect(overdue.body.followups.map((f: { id: string }) => f.id)).toEqual([bad.body.followup.id]);
  });
});
