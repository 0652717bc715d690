import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { businessDate } from '../../src/domain/calendar.ts';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { padToken, testConfig, UPSTREAM_SECRET } from '../support/test-config.ts';
import { serve } from '../support/upstream-hub.ts';
import { TEST_CODES } from '../support/upstream-testing.ts';

/** Issue #12: the manager's side of the upload: refused records resent after a fix, and the daily reconciliation. */
const ID = withCheckDigit('33010619850312002');

async function servedAndRated(h: RunningHub, clerk: string, caseNo: string, itemCode: string): Promise<string> {
  const serviceId = await serve(h, clerk, { caseNo, itemCode }, { name: '王小明', id: ID });
  const r = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level: 5 } });
  expect(r.status).toBe(201);
  return r.body.rating.id as string;
}

let mock: MockUpstream;
beforeAll(async () => {
  mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, platform: 'zhejiang' });
});
afterAll(() => mock.close());

describe('the manager and the 好差评 upload', () => {
  it('sees a refused record with the platform’s message, fixes the config, and resends it', async () => {
    mock.reset();
    mock.fail('ok');
    const config = testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' });
    let h = await startHub({ config });
    try {
      const clerk = await openWindow(h.url, 1);
      const refused = await servedAndRated(h, clerk, 'BJ-M1', 'ITEM-NEW');
      const fine = await servedAndRated(h, clerk, 'BJ-M2', 'ITEM-1');
      await expect.poll(() => mock.received().map((r) => r.ratingId), { timeout: 15_000 }).toEqual([fine]);
      const manager = await login(h.url, 'm1');
      const view = await api(h.url, 'GET', '/upstream', { token: manager });
      expect(view.status).toBe(200);
      expect(view.body.status.deadLetters).toBe(1);
      expect(view.body.deadLetters).toEqual([
        expect.objectContaining({ key: refused, kind: 'rating', caseNo: 'BJ-M1', itemCode: 'ITEM-NEW', level: 5, applicantHeld: true, error: expect.stringContaining('参数[areaCode]不能为空') }),
      ]);
      expect(JSON.stringify(view.body)).not.toContain(ID);
      // Only a manager sees or resends; a seq that is no dead letter is refused.
      expect((await api(h.url, 'GET', '/upstream', { token: clerk })).status).toBe(403);
      expect((await api(h.url, 'POST', '/upstream/dead-letters/999999/resend', { token: manager })).body.error.code).toBe('HQ_ERR_DEAD_LETTER_NOT_FOUND');

      // The cause: the item is missing from the items table. The operator adds it and restarts the hub.
      await h.stop();
      const fixed = testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' });
      fixed.upstream!.codes!.items['ITEM-NEW'] = { ...TEST_CODES.items['ITEM-1'], name: '新增事项' };
      h = await startHub({ config: fixed, dir: h.dir });
      const m2 = await login(h.url, 'm1');
      const seq = (await api(h.url, 'GET', '/upstream', { token: m2 })).body.deadLetters[0].seq as number;
      const resent = await api(h.url, 'POST', `/upstream/dead-letters/${seq}/resend`, { token: m2 });
      expect(resent.body).toEqual({ requeued: 1 });
      await expect.poll(() => mock.received().map((r) => r.ratingId), { timeout: 10_000 }).toEqual([fine, refused]);
      expect(mock.received()[1]!.body).toMatchObject({ taskCode: 'ITEM-NEW', taskName: '新增事项', certkeyGOV: ID });
      expect((await api(h.url, 'GET', '/upstream', { token: m2 })).body.deadLetters).toEqual([]);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('reconciles a day: what the platform lost and what it holds that we never sent', async () => {
    mock.reset();
    mock.fail('ok');
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form', upstreamReconcile: true }) });
    try {
      const clerk = await openWindow(h.url, 1);
      const ids = [await servedAndRated(h, clerk, 'BJ-C1', 'ITEM-1'), await servedAndRated(h, clerk, 'BJ-C2', 'ITEM-1'), await servedAndRated(h, clerk, 'BJ-C3', 'ITEM-2')];
      await expect.poll(() => mock.received().length, { timeout: 10_000 }).toBe(3);
      mock.lose(ids[1]!);
      mock.inject('made-elsewhere-1');
      const manager = await login(h.url, 'm1');
      const today = businessDate(Date.now(), 'Asia/Shanghai');
      const r = await api(h.url, 'POST', '/upstream/reconciliations', { token: manager, body: { date: today } });
      expect(r.status).toBe(200);
      expect(r.body.reconciliation).toMatchObject({ businessDate: today, delivered: 3, received: 3, missing: [ids[1]], extra: ['made-elsewhere-1'], error: null });
      expect((await api(h.url, 'GET', '/upstream', { token: manager })).body.reconciliations[0]).toMatchObject({ businessDate: today, missing: [ids[1]] });
      // The platform unreachable: recorded as such, not as differences.
      mock.fail('fail');
      await mock.close();
      const down = await api(h.url, 'POST', '/upstream/reconciliations', { token: manager, body: { date: today } });
      expect(down.body.reconciliation).toMatchObject({ received: null, missing: [], error: expect.any(String) });
      mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, platform: 'zhejiang' });
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('says so where the platform cannot be asked, or there is no upload', async () => {
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' }) });
    const bare = await startHub({ config: testConfig({ windows: 1 }) });
    try {
      const r = await api(h.url, 'POST', '/upstream/reconciliations', { token: await login(h.url, 'm1'), body: {} });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('HQ_ERR_RECONCILE_UNAVAILABLE');
      expect((await api(bare.url, 'GET', '/upstream', { token: await login(bare.url, 'm1') })).body.error.code).toBe('HQ_ERR_UPSTREAM_OFF');
    } finally {
      await h.dispose();
      await bare.dispose();
    }
  });
});
