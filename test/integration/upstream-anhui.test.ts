import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { signBody } from '../../src/upstream/http-post.ts';
import { expireRatings } from '../../src/rating-timeouts.ts';
import { decodePageParam } from '../mock-platform/anhui-rules.ts';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, eventsIn, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { padToken, testConfig, UPSTREAM_SECRET } from '../support/test-config.ts';
import { expectNoClearApplicant, serve } from '../support/upstream-hub.ts';
import { TEST_COMPANY_CODE, TEST_DEPT_CODE } from '../support/upstream-testing.ts';

/**
 * Issue #12 acceptance, Anhui-style province page: the hub pushes the case with its applicant, the
 * pad shows the province's page, the province records the rating and reports it back; follow-up
 * results go up after it. Through the real hub and the strict mock.
 */
const PEOPLE = [
  { name: '王小明', id: withCheckDigit('34010219850312002') },
  { name: '陈丽华', id: withCheckDigit('34010319900101123') },
];
const COMPANY = { name: '合肥某某科技有限公司', code: TEST_COMPANY_CODE };

let mock: MockUpstream;
beforeAll(async () => {
  mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, platform: 'anhui' });
});
afterAll(() => mock.close());

async function hubWithPage(extra: Parameters<typeof testConfig>[0] = {}, clock?: FakeClock): Promise<RunningHub> {
  const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'anhui-page', ...extra }), ...(clock ? { clock } : {}) });
  mock.setCallback(`${h.url}/api/v1/upstream/page-results`);
  return h;
}

/** What the pad shows for the service: the province's page. */
async function pageOf(h: RunningHub, serviceId: string): Promise<string> {
  const r = await api(h.url, 'GET', `/ratings/${serviceId}/province-page`, { token: padToken(1) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.url as string;
}

const caseKeys = () => mock.received().map((r) => r.ratingId);

describe('好差评, Anhui-style province page, through the hub', () => {
  it('pushes the case with a card holder, a business-system applicant, a company; the pad shows the page; the province’s rating comes back', async () => {
    mock.reset();
    const h = await hubWithPage({ windows: 2 });
    try {
      const clerk = await openWindow(h.url, 1);
      const s1 = await serve(h, clerk, { caseNo: 'AH-1', itemCode: 'ITEM-1' }, PEOPLE[0]);
      await expect.poll(caseKeys, { timeout: 10_000 }).toEqual([`case:${s1}`]);
      const url = await pageOf(h, s1);
      // The page's URL names the case, never the applicant.
      expect(url.startsWith(`${mock.origin}/page?param=`)).toBe(true);
      expect(decodePageParam(url)).toEqual({ serviceNumber: s1, projectNo: 'AH-1', taskCode: 'ITEM-1', deptCode: TEST_DEPT_CODE, areaCode: '330106', pf: '4' });
      expect(url).not.toContain(PEOPLE[0]!.id);
      // Another window's pad may not open it.
      expect((await api(h.url, 'GET', `/ratings/${s1}/province-page`, { token: padToken(2) })).body.error.code).toBe('HQ_ERR_NOT_YOUR_PAD');
      expect(await mock.rateOnPage(url, 5)).toEqual({ status: 200, body: { status: { code: '200' }, custom: { code: '1', text: 'ok' } } });
      const rated = eventsIn(h.hub.db, `type = 'rating.recorded'`).at(-1)!.data as { serviceId: string; level: number; channel: string };
      expect(rated).toMatchObject({ serviceId: s1, level: 5, channel: 'page' });
      // Reported twice (the province retries until it hears us): the record it already is.
      expect((await mock.rateOnPage(url, 5)).body).toMatchObject({ custom: { code: '1' } });

      const s2 = await serve(h, clerk, { caseNo: 'AH-2', itemCode: 'ITEM-1', applicant: { type: 'person', name: PEOPLE[1]!.name, idNumber: PEOPLE[1]!.id } });
      const s3 = await serve(h, clerk, { caseNo: 'AH-3', itemCode: 'ITEM-2', applicant: { type: 'company', name: COMPANY.name, creditCode: COMPANY.code } });
      await expect.poll(caseKeys, { timeout: 10_000 }).toEqual([`case:${s1}`, `case:${s2}`, `case:${s3}`]);
      const params = mock.received().map((r) => (r.body as { params: Record<string, string> }).params);
      expect(params[0]).toMatchObject({ serviceNumber: s1, projectNo: 'AH-1', taskCode: 'ITEM-1', taskType: '1', orgcode: `330106_${TEST_DEPT_CODE}`, userName: PEOPLE[0]!.name, userProp: '1', creditType: '111', creditNum: PEOPLE[0]!.id, certKeyGOV: PEOPLE[0]!.id, proManager: '甲1' });
      expect(params[1]).toMatchObject({ creditNum: PEOPLE[1]!.id, userName: PEOPLE[1]!.name });
      expect(params[2]).toMatchObject({ userProp: '2', creditType: '001', creditNum: COMPANY.code, userName: COMPANY.name, taskType: '2', promiseDay: '3' });
      // Acknowledged: nothing held, nothing in clear. The mock has the third case a moment before the
      // hub has its answer and erases the applicant (CI, under load, saw the one still held).
      await expect.poll(() => h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox WHERE applicant IS NOT NULL').get(), { timeout: 5_000 }).toEqual({ n: 0 });
      h.hub.db.pragma('wal_checkpoint(PASSIVE)');
      expectNoClearApplicant(h, [...PEOPLE.flatMap((p) => [p.id, p.name]), COMPANY.code]);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('a bad rating on the page opens the follow-up; its 回访 and 整改 results go up after it', async () => {
    mock.reset();
    const h = await hubWithPage();
    try {
      const clerk = await openWindow(h.url, 1);
      const s = await serve(h, clerk, { caseNo: 'AH-F', itemCode: 'ITEM-1' }, PEOPLE[0]);
      await expect.poll(caseKeys, { timeout: 10_000 }).toEqual([`case:${s}`]);
      const page = await pageOf(h, s);
      expect((await mock.rateOnPage(page, 2, ['A01', 'A03'], '等太久')).body).toMatchObject({ custom: { code: '1' } });
      const manager = await login(h.url, 'm1');
      const f = (await api(h.url, 'GET', '/followups?status=open', { token: manager })).body.followups[0];
      expect(f).toMatchObject({ level: 2, rating: { reasons: ['服务效率', '服务态度'] } });
      await api(h.url, 'POST', `/followups/${f.id}`, { token: manager, body: { step: 'callback', note: '已回访', satisfied: true } });
      await api(h.url, 'POST', `/followups/${f.id}`, { token: manager, body: { step: 'rectification', note: '已整改' } });
      await expect.poll(caseKeys, { timeout: 10_000 }).toEqual([`case:${s}`, `${f.id}:callback`, `${f.id}:rectification`]);
      expect((mock.received()[1]!.body as { params: unknown }).params).toMatchObject({ serviceNumber: s, reviewType: '1', reviewContent: '已回访', reviewSatisfaction: '1' });
      expect(mock.refusals()).toEqual([]);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('a page result that is not one: unsigned, unreadable, out of range or with an unknown code is refused and records nothing', async () => {
    mock.reset();
    const h = await hubWithPage();
    try {
      const clerk = await openWindow(h.url, 1);
      const s = await serve(h, clerk, { caseNo: 'AH-B', itemCode: 'ITEM-1' }, PEOPLE[0]);
      const post = async (body: string, signature: string | null = signBody(UPSTREAM_SECRET, body)) => {
        const res = await fetch(`${h.url}/api/v1/upstream/page-results`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-signature': signature }) }, body });
        return { status: res.status, body: (await res.json()) as { custom: { code: string; text: string } } };
      };
      const good = JSON.stringify({ serviceNumber: s, satisfaction: '5' });
      expect((await post(good, null)).status).toBe(401);
      expect((await post(good, 'not-hex')).status).toBe(401);
      expect(await post('{"serviceNumber":')).toMatchObject({ status: 400, body: { custom: { code: '0' } } });
      for (const satisfaction of ['0', '6', '2.5', '', true, [3], null]) {
        expect((await post(JSON.stringify({ serviceNumber: s, satisfaction }))).status, JSON.stringify(satisfaction)).toBe(400);
      }
      const unknownCode = await post(JSON.stringify({ serviceNumber: s, satisfaction: '2', evalDetail: 'A01,Z99' }));
      expect(unknownCode).toMatchObject({ status: 422, body: { custom: { code: '0', text: expect.stringContaining('Z99') } } });
      const noService = await post(JSON.stringify({ serviceNumber: 'no-such-service', satisfaction: '5' }));
      expect(noService).toMatchObject({ status: 409, body: { custom: { code: '0' } } });
      expect(eventsIn(h.hub.db, `type = 'rating.recorded'`)).toEqual([]);
      // The same service still takes its real result.
      expect(await post(good)).toMatchObject({ status: 200, body: { custom: { code: '1' } } });
      expect(eventsIn(h.hub.db, `type = 'rating.recorded'`).map((e) => (e.data as { level: number }).level)).toEqual([5]);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('an unrated service: the province’s page and its deadline are the province’s; we send nothing more and invent nothing', async () => {
    mock.reset();
    const clock = new FakeClock(Date.now());
    const h = await hubWithPage({}, clock);
    try {
      const clerk = await openWindow(h.url, 1);
      const s = await serve(h, clerk, { caseNo: 'AH-U', itemCode: 'ITEM-1' }, PEOPLE[1]);
      await expect.poll(caseKeys, { timeout: 10_000 }).toEqual([`case:${s}`]);
      const page = await pageOf(h, s);
      clock.advance(31_000);
      expect(expireRatings(h.hub.handler)).toBe(1);
      // Too late for our record: the province keeps its own; ours stays unrated, with no level.
      const late = await mock.rateOnPage(page, 5);
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ custom: { code: '0', text: expect.stringContaining('HQ_ERR_RATING_EXPIRED') } });
      expect(h.hub.db.prepare(`SELECT status, json_extract(data, '$.level') AS level FROM ratings WHERE service_id = ?`).get(s)).toEqual({ status: 'unrated', level: null });
      await new Promise((r) => setTimeout(r, 300));
      expect(caseKeys()).toEqual([`case:${s}`]);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('platform down, hub restarted: every case once, in order; a page result needs its signature', async () => {
    mock.reset();
    mock.fail('fail');
    const config = testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'anhui-page' });
    let h = await startHub({ config });
    try {
      const clerk = await openWindow(h.url, 1);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await serve(h, clerk, { caseNo: `AH-R${i}`, itemCode: 'ITEM-1' }, PEOPLE[i % 2]));
      await h.stop();
      h = await startHub({ config, dir: h.dir });
      mock.setCallback(`${h.url}/api/v1/upstream/page-results`);
      mock.fail('ok');
      await expect.poll(caseKeys, { timeout: 15_000 }).toEqual(ids.map((s) => `case:${s}`));
      expect(mock.received().map((r) => (r.body as { params: { creditNum: string } }).params.creditNum)).toEqual(ids.map((_, i) => PEOPLE[i % 2]!.id));
      const forged = await fetch(`${h.url}/api/v1/upstream/page-results`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': '0'.repeat(64) }, body: JSON.stringify({ serviceNumber: ids[5], satisfaction: '1' }) });
      expect(forged.status).toBe(401);
    } finally {
      await h.dispose();
    }
  }, 60_000);
});
