import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { OutboxStore } from '../../src/upstream/outbox-store.ts';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { expireRatings } from '../../src/rating-timeouts.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, eventsIn, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK, MONITOR, padToken, testConfig, UPSTREAM_SECRET } from '../support/test-config.ts';
import { expectNoClearApplicant, serve } from '../support/upstream-hub.ts';
import { TEST_COMPANY_CODE, TEST_DEPT_CODE } from '../support/upstream-testing.ts';

/**
 * Issue #12 acceptance, Zhejiang-style pushed form: through the real hub (real SQLite file, real
 * HTTP) and the strict mock, which refuses a missing or malformed field as the platform would.
 */
const PEOPLE = [
  { name: '王小明', id: withCheckDigit('33010619850312002') },
  { name: '陈丽华', id: withCheckDigit('33010219900101123') },
  { name: '赵大海', id: withCheckDigit('44010619881212345') },
  { name: '孙悦', id: withCheckDigit('11010519491231002') },
];
const COMPANY = { name: '杭州西子湖畔科技有限公司', code: TEST_COMPANY_CODE };

async function rate(h: RunningHub, serviceId: string, level: number, reasons?: string[]): Promise<string> {
  const r = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId, level, ...(reasons ? { reasons } : {}) } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.rating.id as string;
}

let mock: MockUpstream;
beforeAll(async () => {
  mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, platform: 'zhejiang' });
});
afterAll(() => mock.close());

describe('好差评, Zhejiang-style pushed form, through the hub', () => {
  it('uploads a card holder, an applicant named by the business system, and a company, each with its codes; none in clear at any time', async () => {
    mock.reset();
    mock.fail('fail');
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' }) });
    try {
      const clerk = await openWindow(h.url, 1);
      // 1. a card at the kiosk; 2. no card, the business system names the applicant; 3. a company;
      // 4. a card, but the business system names another applicant (an agent came for them): its word counts.
      const s1 = await serve(h, clerk, { caseNo: 'BJ-0001', itemCode: 'ITEM-1' }, PEOPLE[0]);
      const r1 = await rate(h, s1, 5);
      const s2 = await serve(h, clerk, { caseNo: 'BJ-0002', itemCode: 'ITEM-1', applicant: { type: 'person', name: PEOPLE[1]!.name, idNumber: PEOPLE[1]!.id } });
      const r2 = await rate(h, s2, 4);
      const s3 = await serve(h, clerk, { caseNo: 'BJ-0003', itemCode: 'ITEM-2', applicant: { type: 'company', name: COMPANY.name, creditCode: COMPANY.code.toLowerCase() } });
      const r3 = await rate(h, s3, 3);
      const s4 = await serve(h, clerk, { caseNo: 'BJ-0004', itemCode: 'ITEM-1', applicant: { type: 'person', name: PEOPLE[3]!.name, idNumber: PEOPLE[3]!.id } }, PEOPLE[2]);
      const r4 = await rate(h, s4, 5);

      // While they wait (the platform is down): sealed in the outbox, nowhere in clear, not even the WAL.
      await expect.poll(() => mock.stats().failed, { timeout: 5000 }).toBeGreaterThan(0);
      const waiting = h.hub.db.prepare(`SELECT rating_id, kind, applicant IS NOT NULL AS sealed FROM upstream_outbox ORDER BY seq`).all();
      expect(waiting).toEqual([r1, r2, r3, r4].map((id) => ({ rating_id: id, kind: 'rating', sealed: 1 })));
      const secrets = [...PEOPLE.flatMap((p) => [p.id, p.name]), COMPANY.code, COMPANY.name];
      expectNoClearApplicant(h, secrets);
      // A backup taken now (SQLite's online backup, what an operator's copy holds) has only the sealed form.
      const backup = join(h.dir, 'backup.db');
      await h.hub.db.backup(backup);
      const copy = readFileSync(backup);
      for (const s of secrets) expect(copy.includes(Buffer.from(s, 'utf8'))).toBe(false);
      expect(copy.includes(Buffer.from(r1))).toBe(true); // the copy does hold the waiting records

      mock.fail('ok');
      await expect.poll(() => mock.received().length, { timeout: 10_000 }).toBe(4);
      const got = mock.received();
      expect(got.map((r) => r.ratingId)).toEqual([r1, r2, r3, r4]);
      expect(got[0]!.body).toMatchObject({ certkeyGOV: PEOPLE[0]!.id, userName: PEOPLE[0]!.name, userProp: '1', pf: '4', satisfaction: '5', projectNo: 'BJ-0001', taskCode: 'ITEM-1', taskName: '户籍证明', deptCode: TEST_DEPT_CODE, areaCode: '330106', proStatus: '3', promiseTime: '2', proManager: '甲1', dataSource: '133' });
      expect(got[1]!.body).toMatchObject({ certkeyGOV: PEOPLE[1]!.id, userName: PEOPLE[1]!.name, userProp: '1', satisfaction: '4' });
      expect(got[2]!.body).toMatchObject({ certkeyGOV: COMPANY.code, userName: COMPANY.name, userProp: '2', taskCode: 'ITEM-2', proStatus: '2', promiseTime: '1' });
      expect(got[3]!.body).toMatchObject({ certkeyGOV: PEOPLE[3]!.id, userName: PEOPLE[3]!.name });

      // Acknowledged: erased from the row, and still nowhere in clear.
      await expect.poll(() => h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox WHERE delivered_at IS NULL').get(), { timeout: 5000 }).toEqual({ n: 0 });
      expect(h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox WHERE applicant IS NOT NULL OR erase_at IS NOT NULL').get()).toEqual({ n: 0 });
      h.hub.db.pragma('wal_checkpoint(TRUNCATE)');
      expectNoClearApplicant(h, secrets);
      // The log and the events never saw any of it.
      expect(JSON.stringify(eventsIn(h.hub.db))).not.toContain(COMPANY.code);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('refuses an applicant failing its check digit, naming no number, and changes nothing', async () => {
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' }) });
    try {
      const clerk = await openWindow(h.url, 1);
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      const bad = PEOPLE[0]!.id.slice(0, 17) + (PEOPLE[0]!.id.endsWith('1') ? '2' : '1');
      const before = h.hub.handler.seq;
      const r = await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { caseNo: 'BJ-9', itemCode: 'ITEM-1', applicant: { type: 'person', name: '张三', idNumber: bad } } });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('HQ_ERR_APPLICANT_ID_INVALID');
      expect(JSON.stringify(r.body)).not.toContain(bad);
      const c = await api(h.url, 'POST', '/windows/1/complete', { token: clerk, body: { applicant: { type: 'company', name: '某公司', creditCode: '91350100M000100Y44' } } });
      expect(c.body.error.code).toBe('HQ_ERR_CREDIT_CODE_INVALID');
      expect(h.hub.handler.seq).toBe(before);
      expect(h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox').get()).toEqual({ n: 0 });
    } finally {
      await h.dispose();
    }
  });

  it('platform down, hub restarted: every record once, in order, applicants intact across the restart', async () => {
    mock.reset();
    mock.fail('fail');
    const config = testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' });
    let h = await startHub({ config });
    try {
      const clerk = await openWindow(h.url, 1);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const who = PEOPLE[i % PEOPLE.length]!;
        const s = await serve(h, clerk, { caseNo: `BJ-R${i}`, itemCode: 'ITEM-1', ...(i % 2 ? { applicant: { type: 'person', name: who.name, idNumber: who.id } } : {}) }, i % 2 ? undefined : who);
        ids.push(await rate(h, s, 5 - (i % 3)));
      }
      await h.stop();
      h = await startHub({ config, dir: h.dir });
      await new Promise((r) => setTimeout(r, 300));
      mock.fail('ok');
      await expect.poll(() => mock.received().length, { timeout: 20_000 }).toBe(12);
      expect(mock.received().map((r) => r.ratingId)).toEqual(ids);
      expect(mock.received().map((r) => (r.body as { certkeyGOV: string }).certkeyGOV)).toEqual(ids.map((_, i) => PEOPLE[i % PEOPLE.length]!.id));
      const accepted = mock.posts().filter((p) => p.result === 200 && !p.repeat);
      expect(new Set(accepted.map((p) => p.ratingId)).size).toBe(12);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('erases an applicant past its limit even undelivered, and parks the record as a dead letter saying so', async () => {
    mock.reset();
    mock.fail('fail');
    // 0.001 h = 3.6 s.
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form', applicantEraseAfterHours: 0.001 }) });
    try {
      const clerk = await openWindow(h.url, 1);
      const rid = await rate(h, await serve(h, clerk, { caseNo: 'BJ-E1', itemCode: 'ITEM-1' }, PEOPLE[0]), 5);
      // A ticket whose held applicant never gets a record (no-show) drops it at once.
      const read = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: PEOPLE[1]!.name, idNumber: PEOPLE[1]!.id } });
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX', cardToken: read.body.card.cardToken } });
      expect(h.hub.db.prepare(`SELECT COUNT(*) AS n FROM upstream_outbox WHERE kind = 'hold'`).get()).toEqual({ n: 1 });
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      expect((await api(h.url, 'POST', '/windows/1/no-show', { token: clerk })).status).toBe(200);
      expect(h.hub.db.prepare(`SELECT COUNT(*) AS n FROM upstream_outbox WHERE kind = 'hold'`).get()).toEqual({ n: 0 });

      await expect
        .poll(() => h.hub.db.prepare('SELECT applicant IS NULL AS erased, last_error FROM upstream_outbox WHERE rating_id = ?').get(rid), { timeout: 15_000, interval: 100 })
        .toMatchObject({ erased: 1, last_error: expect.stringContaining('applicant was erased after 0.001 h') });
      const health = await api(h.url, 'GET', '/health', { token: MONITOR });
      expect(health.body.upstream.deadLetters).toBe(1);
      mock.fail('ok');
      await new Promise((r) => setTimeout(r, 500));
      expect(mock.received()).toHaveLength(0); // parked: it waits for the manager
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('a record the platform refuses keeps the platform’s message in its dead letter', async () => {
    mock.reset();
    mock.fail('ok');
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' }) });
    try {
      const clerk = await openWindow(h.url, 1);
      // An item the business system names but the hall's items table does not have.
      const rid = await rate(h, await serve(h, clerk, { caseNo: 'BJ-D1', itemCode: 'ITEM-X' }, PEOPLE[0]), 5);
      const ok = await rate(h, await serve(h, clerk, { caseNo: 'BJ-D2', itemCode: 'ITEM-1' }, PEOPLE[1]), 5);
      await expect.poll(() => mock.received().map((r) => r.ratingId), { timeout: 15_000 }).toEqual([ok]);
      const row = h.hub.db.prepare('SELECT last_error, applicant IS NOT NULL AS sealed FROM upstream_outbox WHERE rating_id = ?').get(rid) as { last_error: string; sealed: number };
      expect(row.last_error).toContain('参数[areaCode]不能为空');
      expect(row.sealed).toBe(1); // kept, sealed, for a resend after the config is fixed (until its limit)
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('a bad rating, then its 回访 and 整改 results: each uploaded once, after the rating it answers', async () => {
    mock.reset();
    mock.fail('ok');
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' }) });
    try {
      const clerk = await openWindow(h.url, 1);
      const s = await serve(h, clerk, { caseNo: 'BJ-F1', itemCode: 'ITEM-1' }, PEOPLE[0]);
      const bad = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId: s, level: 2, reasons: ['服务效率', '服务态度'], comment: '等太久' } });
      expect(bad.status).toBe(201);
      const followupId = bad.body.followup.id as string;
      const manager = await login(h.url, 'm1');
      const step = (body: unknown) => api(h.url, 'POST', `/followups/${followupId}`, { token: manager, body });
      expect((await step({ step: 'callback', note: '已电话回访,群众表示理解', satisfied: false })).status).toBe(200);
      expect((await step({ step: 'verification', note: '核实:高峰时段窗口不足' })).status).toBe(200);
      expect((await step({ step: 'rectification', note: '增开高峰时段窗口,已整改' })).status).toBe(200);
      await expect.poll(() => mock.received().length, { timeout: 10_000 }).toBe(3);
      const got = mock.received();
      // The rating, then the call-back, then the rectification (核实 is the hall's own step); each once.
      expect(got.map((r) => r.ratingId)).toEqual([bad.body.rating.id, `${followupId}:callback`, `${followupId}:rectification`]);
      expect(got[0]!.body).toMatchObject({ satisfaction: '2', evalDetail: 'A01,A03', writingEvaluation: '等太久', projectNo: 'BJ-F1' });
      expect(got[1]!.body).toEqual({ areaCode: '330106', deptCode: TEST_DEPT_CODE, taskCode: 'ITEM-1', projectNo: 'BJ-F1', assessNumber: '1', reviewType: '1', reviewContent: '已电话回访,群众表示理解', reviewTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/), reviewSatisfaction: '0', reviewer: 'm1', dataSource: '133' });
      expect(got[2]!.body).toMatchObject({ reviewType: '2', reviewContent: '增开高峰时段窗口,已整改', rectifyStatus: '1' });
      expect(mock.refusals()).toEqual([]);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('a result whose rating is a dead letter is parked with it, and goes after it once the rating is resent', async () => {
    mock.reset();
    mock.fail('ok');
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form' }) });
    try {
      const clerk = await openWindow(h.url, 1);
      mock.fail('reject');
      const s = await serve(h, clerk, { caseNo: 'BJ-F2', itemCode: 'ITEM-1' }, PEOPLE[1]);
      const bad = await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId: s, level: 1, reasons: ['服务水平'] } });
      const rid = bad.body.rating.id as string;
      await expect.poll(() => (h.hub.db.prepare('SELECT next_attempt_at FROM upstream_outbox WHERE rating_id = ?').get(rid) as { next_attempt_at: number }).next_attempt_at, { timeout: 15_000 }).toBe(Number.MAX_SAFE_INTEGER);
      const manager = await login(h.url, 'm1');
      await api(h.url, 'POST', `/followups/${bad.body.followup.id}`, { token: manager, body: { step: 'callback', note: '已回访', satisfied: true } });
      const row = h.hub.db.prepare(`SELECT next_attempt_at, last_error FROM upstream_outbox WHERE kind = 'followup'`).get() as { next_attempt_at: number; last_error: string };
      expect(row).toEqual({ next_attempt_at: Number.MAX_SAFE_INTEGER, last_error: `waiting for the rating it answers (${rid}), a dead letter` });
      mock.fail('ok');
      const seq = (h.hub.db.prepare('SELECT seq FROM upstream_outbox WHERE rating_id = ?').get(rid) as { seq: number }).seq;
      expect(new OutboxStore(h.hub.db).requeue(seq)).toBe(2); // the rating and the result parked with it
      await expect.poll(() => mock.received().map((r) => r.ratingId), { timeout: 10_000 }).toEqual([rid, `${bad.body.followup.id}:callback`]);
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('an unrated service: nothing is sent where the province takes nothing; the platform’s own default (channel 7, no level of ours) where it records one', async () => {
    for (const unrated of ['none', 'platform-default'] as const) {
      mock.reset();
      mock.fail('ok');
      const clock = new FakeClock(Date.now());
      const h = await startHub({ clock, config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'zhejiang-form', upstreamUnrated: unrated }) });
      try {
        const clerk = await openWindow(h.url, 1);
        const s = await serve(h, clerk, { caseNo: `BJ-U-${unrated}`, itemCode: 'ITEM-1' }, PEOPLE[2]);
        clock.advance(31_000);
        expect(expireRatings(h.hub.handler)).toBe(1);
        const rated = await rate(h, await serve(h, clerk, { caseNo: `BJ-V-${unrated}`, itemCode: 'ITEM-1' }, PEOPLE[3]), 5);
        await expect.poll(() => mock.received().some((r) => r.ratingId === rated), { timeout: 10_000 }).toBe(true);
        const got = mock.received();
        if (unrated === 'none') {
          expect(got.map((r) => r.ratingId)).toEqual([rated]);
          // Its held applicant went with the unrated end: nothing of it is left.
          // (The rated one's goes once the hub has the platform's answer, a moment after the mock has it.)
          await expect.poll(() => h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox WHERE applicant IS NOT NULL').get(), { timeout: 5_000 }).toEqual({ n: 0 });
        } else {
          expect(got.map((r) => r.ratingId)).toEqual([`unrated:${s}`, rated]);
          expect(got[0]!.body).toMatchObject({ pf: '7', certkeyGOV: PEOPLE[2]!.id, projectNo: `BJ-U-${unrated}` });
          expect(got[0]!.body).not.toHaveProperty('satisfaction');
          expect(got[0]!.body).not.toHaveProperty('evalDetail');
        }
        // Our own record never gains a level for it.
        expect((h.hub.db.prepare('SELECT status, json_extract(data, \'$.level\') AS level FROM ratings WHERE service_id = ?').get(s) as object)).toEqual({ status: 'unrated', level: null });
      } finally {
        await h.dispose();
      }
    }
  }, 60_000);
});
