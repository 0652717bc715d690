import { describe, expect, it } from 'vitest';
import { api, openWindow, startHub } from '../support/hub.ts';
import { INTEGRATION, KIOSK, testConfig } from '../support/test-config.ts';

/** Issue #12: a hall that files its 好差评 records by case requires the business system to name it. */
describe('ratings.requireCase', () => {
  it('refuses a completion without the case number or the item code, with a clear message, and changes nothing', async () => {
    const h = await startHub({ config: testConfig({ windows: 1, requireCase: true, upstream: 'http://127.0.0.1:9/none', upstreamAdapter: 'zhejiang-form' }) });
    try {
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      const seq = h.hub.handler.seq;

      // The console learns that it must ask, and what items to offer.
      const panel = await api(h.url, 'GET', '/windows/1', { token: clerk });
      expect(panel.body.window).toMatchObject({ requireCase: true, items: [{ code: 'ITEM-1', name: '户籍证明' }, { code: 'ITEM-2', name: '企业开办' }] });

      for (const [path, body] of [
        ['complete', {}],
        ['complete', { caseNo: 'BJ-1' }],
        ['complete', { itemCode: 'ITEM-1' }],
        ['complete-and-call', { caseNo: 'BJ-1' }],
      ] as const) {
        // The business system completes; the clerk's console has the one-key complete-and-call.
        const r = await api(h.url, 'POST', `/windows/1/${path}`, { token: path === 'complete' ? INTEGRATION : clerk, body });
        expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(422);
        expect(r.body.error.code).toBe('HQ_ERR_CASE_REQUIRED');
        expect(r.body.error.message).toContain('办件编号和事项编码');
        expect(r.body.error.message).toContain('case number and item code');
      }
      expect(h.hub.handler.seq).toBe(seq);
      expect((await api(h.url, 'GET', '/windows/1', { token: clerk })).body.window.current.serviceStatus).toBe('called');

      const ok = await api(h.url, 'POST', '/windows/1/complete-and-call', { token: clerk, body: { caseNo: 'BJ-1', itemCode: 'ITEM-1' } });
      expect(ok.status).toBe(200);
      expect(ok.body.called).not.toBeNull();
    } finally {
      await h.dispose();
    }
  });

  it('is off by default: a completion may name nothing', async () => {
    const h = await startHub({ config: testConfig({ windows: 1 }) });
    try {
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      expect((await api(h.url, 'GET', '/windows/1', { token: clerk })).body.window.requireCase).toBe(false);
      expect((await api(h.url, 'POST', '/windows/1/complete', { token: clerk })).status).toBe(200);
    } finally {
      await h.dispose();
    }
  });
});
