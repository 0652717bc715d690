import { describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.ts';
import { api, openWindow, startHub } from '../support/hub.ts';
import { INTEGRATION, KIOSK } from '../support/test-config.ts';

describe('case terms on completion (即办件 / 承诺件)', () => {
  it('the window business system names the case and its working days; the case completes later, on time or not', async () => {
    const clock = new FakeClock(Date.parse('2026-11-23T02:00:00Z')); // Monday 10:00 in Shanghai
    const h = await startHub({ clock });
    try {
      const clerk = await openWindow(h.url, 1);
      for (let i = 0; i < 3; i++) await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });

      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      // Bounds first: the working days are a whole number from 1 to 365, and a type needs a case number.
      for (const body of [{ caseNo: 'X', case: { type: 'promised', promisedWorkingDays: 0 } }, { caseNo: 'X', case: { type: 'promised', promisedWorkingDays: 100000 } }, { caseNo: 'X', case: { type: 'later' } }]) {
        expect((await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body })).status, JSON.stringify(body)).toBe(400);
      }
      expect((await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { case: { type: 'immediate' } } })).status).toBe(400);
      const promised = await api(h.url, 'POST', '/windows/1/complete', { token: INTEGRATION, body: { caseNo: 'GT-2026-001', itemCode: '330100-ZX-01', case: { type: 'promised', promisedWorkingDays: 3 } } });
      expect(promised.status).toBe(200);

      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      expect((await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { caseNo: 'ZX-2026-002', case: { type: 'immediate' } } })).status).toBe(200);

      const cases = h.hub.db.prepare('SELECT case_no, case_type, promised_by, completed_at IS NOT NULL AS done, on_time FROM cases ORDER BY case_no').all();
      expect(cases).toEqual([
        { case_no: 'GT-2026-001', case_type: 'promised', promised_by: '2026-11-26', done: 0, on_time: null },
        { case_no: 'ZX-2026-002', case_type: 'immediate', promised_by: null, done: 1, on_time: 1 },
      ]);

      // Four working days later: done, but late.
      clock.set('2026-11-27T02:00:00Z');
      const done = await api(h.url, 'POST', '/cases/GT-2026-001/complete', { token: INTEGRATION });
      expect(done.status).toBe(200);
      expect(done.body.case).toEqual({ caseNo: 'GT-2026-001', completedAt: clock.now(), promisedBy: '2026-11-26', onTime: false });
      expect((await api(h.url, 'POST', '/cases/GT-2026-001/complete', { token: INTEGRATION, body: { extra: 1 } })).status).toBe(400);
      expect((await api(h.url, 'POST', '/cases/ZX-2026-002/complete', { token: INTEGRATION })).status).toBe(404);
      expect((await api(h.url, 'POST', '/cases/GT-2026-001/complete', { token: KIOSK })).status).toBe(403);
    } finally {
      await h.dispose();
    }
  });
});
