import { describe, expect, it } from 'vitest';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { eventsIn, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK, MONITOR, padToken, TEST_PASSWORD, testConfig, UPSTREAM_SECRET } from '../support/test-config.ts';

/**
 * Issue #5 acceptance: with the platform failing, 1,000 ratings are recorded; the hub restarts
 * mid-backlog; the platform recovers; all 1,000 arrive exactly once and in order.
 */
describe('好差评 upload through an outage and a hub restart', () => {
  it('delivers 1,000 ratings exactly once and in order', async () => {
    const mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, mode: 'fail' });
    const config = testConfig({ windows: 1, upstream: mock.url });
    let h: RunningHub = await startHub({ config });
    try {
      const inject = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
        const r = await h.hub.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
        return { status: r.statusCode, body: r.body ? r.json() : undefined };
      };
      const login = await h.hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { jobNo: 'c1', password: TEST_PASSWORD } });
      const clerk = login.json().token as string;
      expect((await inject('POST', '/windows/1/open', clerk, { role: 'A' })).status).toBe(200);

      for (let i = 0; i < 1000; i++) {
        expect((await inject('POST', '/tickets', KIOSK, { categoryId: 'ZX' })).status).toBe(201);
        expect((await inject('POST', '/windows/1/call-next', clerk)).status).toBe(200);
        const done = await inject('POST', '/windows/1/complete', clerk, { caseNo: `BJ-${String(i).padStart(4, '0')}`, itemCode: 'ITEM-1' });
        const level = 5 - (i % 5);
        // The tablet pad names a reason for 不满意 and below (issue #13).
        const rated = await inject('POST', '/ratings', padToken(1), { serviceId: done.body.serviceId, level, ...(level <= 2 ? { reasons: ['服务效率'] } : {}) });
        expect(rated.status).toBe(201);
      }
      const order = eventsIn(h.hub.db, `type = 'rating.recorded'`).map((e) => (e.data as { ratingId: string }).ratingId);
      expect(order).toHaveLength(1000);
      expect(mock.received()).toHaveLength(0); // all failed so far: nothing lost, nothing acknowledged

      // The platform recovers for a while; the hub restarts mid-backlog; the platform fails again.
      mock.fail('ok');
      await expect.poll(() => mock.received().length, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(200);
      await h.stop();
      const deliveredBefore = mock.received().length;
      expect(deliveredBefore).toBeLessThan(1000);
      mock.fail('fail');
      h = await startHub({ config, dir: h.dir });
      await new Promise((r) => setTimeout(r, 300));
      mock.fail('ok');
      await expect.poll(() => mock.received().length, { timeout: 60_000, interval: 50 }).toBe(1000);
      await expect.poll(async () => (await (await fetch(`${h.url}/api/v1/health`, { headers: { authorization: `Bearer ${MONITOR}` } })).json()).upstream.backlog, { timeout: 5000 }).toBe(0);

      const received = mock.received().map((r) => r.ratingId);
      expect(received).toEqual(order); // every one, in the order recorded
      const accepted = mock.posts().filter((p) => p.result === 200);
      expect(new Set(accepted.map((p) => p.ratingId)).size).toBe(accepted.length); // none accepted twice
      expect(mock.received()[0]!.body).toMatchObject({ bjbh: 'BJ-0000', sxbm: 'ITEM-1', pjdj: 5 });
    } finally {
      await h.dispose();
      await mock.close();
    }
  }, 180_000);
});
