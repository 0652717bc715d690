import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { expireRatings } from '../../src/rating-timeouts.ts';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { genericCheck, genericHall } from '../support/generic-upstream.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, login, openWindow, startHub } from '../support/hub.ts';
import { padToken, UPSTREAM_SECRET } from '../support/test-config.ts';
import { serve } from '../support/upstream-hub.ts';
import { TEST_COMPANY_CODE } from '../support/upstream-testing.ts';

/** Issue #12 acceptance, the generic JSON adapter, through the hub and a mock holding it to the hall's contract. */
let mock: MockUpstream;
beforeAll(async () => {
  mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, check: genericCheck });
});
afterAll(() => mock.close());

const PERSON = { name: '刘备', id: withCheckDigit('51010219800101123') };

describe('好差评, generic JSON, through the hub', () => {
  it('a card, a business-system applicant, a company, a bad rating with its results, an unrated service: each once, in order', async () => {
    mock.reset();
    const clock = new FakeClock(Date.now());
    const h = await startHub({ clock, config: genericHall(mock.url) });
    try {
      const clerk = await openWindow(h.url, 1);
      const rate = async (serviceId: string, level: number, reasons?: string[]) =>
        (await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level, ...(reasons ? { reasons } : {}) } })).body;
      const r1 = (await rate(await serve(h, clerk, { caseNo: 'G-1', itemCode: 'I-1' }, PERSON), 5)).rating.id;
      const r2 = (await rate(await serve(h, clerk, { caseNo: 'G-2', itemCode: 'I-1', applicant: { type: 'person', name: '关羽', idNumber: withCheckDigit('51010219800101124') } }), 4)).rating.id;
      const r3 = (await rate(await serve(h, clerk, { caseNo: 'G-3', itemCode: 'I-2', applicant: { type: 'company', name: '蜀汉商贸有限公司', creditCode: TEST_COMPANY_CODE } }), 3)).rating.id;
      const bad = await rate(await serve(h, clerk, { caseNo: 'G-4', itemCode: 'I-1' }, PERSON), 1, ['服务态度']);
      const manager = await login(h.url, 'm1');
      await api(h.url, 'POST', `/followups/${bad.followup.id}`, { token: manager, body: { step: 'callback', note: '已回访', satisfied: false } });
      await api(h.url, 'POST', `/followups/${bad.followup.id}`, { token: manager, body: { step: 'rectification', note: '已整改' } });
      const unrated = await serve(h, clerk, { caseNo: 'G-5', itemCode: 'I-1' }, PERSON);
      clock.advance(31_000);
      expect(expireRatings(h.hub.handler)).toBe(1);

      const keys = [r1, r2, r3, bad.rating.id, `${bad.followup.id}:callback`, `${bad.followup.id}:rectification`, `unrated:${unrated}`];
      await expect.poll(() => mock.received().map((r) => r.ratingId), { timeout: 15_000 }).toEqual(keys);
      const b = mock.received().map((r) => r.body as Record<string, unknown>);
      expect(b[0]).toMatchObject({ lx: 'pj', pjid: r1, bjbh: 'G-1', pjdj: 5, qd: '4', sqrlx: '1', sqrxm: PERSON.name, zjhm: PERSON.id });
      expect(b[1]).toMatchObject({ sqrxm: '关羽', zjhm: withCheckDigit('51010219800101124') });
      expect(b[2]).toMatchObject({ sqrlx: '2', sqrxm: '蜀汉商贸有限公司', zjhm: TEST_COMPANY_CODE });
      expect(b[3]).toMatchObject({ pjdj: 1, cpyy: '服务态度' });
      expect(b[4]).toEqual({ lx: 'hf', pjid: bad.rating.id, bz: '1', clqk: '已回访', bjbh: 'G-4' });
      expect(b[5]).toMatchObject({ lx: 'hf', bz: '2', clqk: '已整改' });
      expect(b[6]).toEqual({ lx: 'wp', qd: '7', fwbh: unrated, bjbh: 'G-5', zjhm: PERSON.id });
      expect(mock.refusals()).toEqual([]);
    } finally {
      await h.dispose();
    }
  }, 60_000);
});
