import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockUpstream } from '../../test/mock-platform/mock-upstream.ts';
import { sampleRating, TEST_CODES, TEST_COMPANY_CODE, TEST_DEPT_CODE, TEST_PERSON_ID, TEST_SECRET } from '../../test/support/upstream-testing.ts';
import { codeProblems, resolveUpstreamConfig } from './config.ts';
import type { OutboxRow } from './outbox-store.ts';
import type { Applicant } from './record.ts';
import { readResult, ZhejiangFormAdapter } from './zhejiang-form-adapter.ts';

let mock: MockUpstream;
beforeAll(async () => {
  mock = await MockUpstream.start({ secret: TEST_SECRET, platform: 'zhejiang' });
});
afterAll(() => mock.close());

const person: Applicant = { type: 'person', name: '张三', id: TEST_PERSON_ID };
const company: Applicant = { type: 'company', name: '杭州某某科技有限公司', id: TEST_COMPANY_CODE };

function row(i: number, applicant: Applicant | null, patch: Record<string, unknown> = {}): OutboxRow {
  const payload = { ...sampleRating(i, Date.UTC(2025, 2, 1, 2, 4, 5)), itemCode: 'ITEM-1', staffName: '李四', ...patch };
  return { seq: i, ratingId: `r${i}`, kind: 'rating', payload: JSON.stringify(payload), applicant, applicantHeld: applicant !== null, createdAt: 0, attempts: 0, lastError: null, nextAttemptAt: 0, deliveredAt: null };
}

const adapter = () => new ZhejiangFormAdapter({ endpoint: mock.url, secret: TEST_SECRET, codes: TEST_CODES, timeoutMs: 2000 });

describe('ZhejiangFormAdapter against the strict mock', () => {
  it('sends a person’s rating as form parameters with every code from config', async () => {
    // sampleRating(0) is level 1 with two reasons: a bad rating carries indicator codes, not words.
    const result = await adapter().deliver(row(0, person));
    expect(result).toEqual({ outcome: 'acknowledged', status: 200, duplicate: false });
    const got = mock.received().at(-1)!;
    expect(got.ratingId).toBe('r0');
    expect(got.body).toEqual({
      areaCode: '330106',
      areaName: '西湖区',
      deptCode: TEST_DEPT_CODE,
      taskCode: 'ITEM-1',
      taskName: '户籍证明',
      subMatter: '户籍办理',
      projectNo: '33010600000000',
      proStatus: '3',
      proDepart: '西湖区公安分局',
      proManager: '李四',
      pf: '4',
      certkeyGOV: TEST_PERSON_ID,
      userName: '张三',
      userProp: '1',
      satisfaction: '1',
      evalDetail: 'A01,A03',
      assessTime: '2025-03-01 10:04:05',
      assessNumber: '1',
      promiseTime: '2',
      acceptDate: '2025-03-01 10:04:00',
      dataSource: '133',
    });
  });

  it('files a company under its credit code (userProp 2), a promised item as in progress, a key pad as another terminal', async () => {
    const result = await adapter().deliver(row(3, company, { itemCode: 'ITEM-2', channel: 'hid' }));
    expect(result.outcome).toBe('acknowledged');
    expect(mock.received().at(-1)!.body).toMatchObject({ certkeyGOV: TEST_COMPANY_CODE, userProp: '2', userName: '杭州某某科技有限公司', proStatus: '2', promiseTime: '1', pf: '5', satisfaction: '4' });
  });

  it('a record the platform already holds is acknowledged as a duplicate', async () => {
    expect(await adapter().deliver(row(0, person))).toEqual({ outcome: 'acknowledged', status: 200, duplicate: true });
    expect(mock.received().filter((r) => r.ratingId === 'r0')).toHaveLength(1);
  });

  it('an item missing from the items table is sent without its codes and refused with the platform’s message', async () => {
    const result = await adapter().deliver(row(5, person, { itemCode: 'NOT-IN-TABLE' }));
    expect(result).toEqual({ outcome: 'rejected', status: 200, error: 'result -1: 参数[areaCode]不能为空' });
  });

  it('a record without an applicant is refused as the platform would', async () => {
    const result = await adapter().deliver(row(6, null));
    expect(result).toMatchObject({ outcome: 'rejected', error: 'result -1: 参数[certkeyGOV]不能为空' });
  });

  it('an ID number failing GB 11643 is refused by the platform', async () => {
    const result = await adapter().deliver(row(7, { ...person, id: '330106198503120029' }));
    expect(result).toMatchObject({ outcome: 'rejected', error: 'result -1: 参数[certkeyGOV]身份证号码校验失败' });
  });

  it('a platform failing is retried, never taken as a refusal', async () => {
    mock.fail('fail');
    try {
      expect((await adapter().deliver(row(8, person))).outcome).toBe('retry');
    } finally {
      mock.fail('ok');
    }
  });
});

describe('readResult', () => {
  it('reads accepted, already there, refused and unreadable replies', () => {
    expect(readResult(200, '{"result":"0","resultmsg":"成功"}', ['0'])).toEqual({ outcome: 'acknowledged', status: 200, duplicate: false });
    expect(readResult(200, '{"result":0}', ['0']).outcome).toBe('acknowledged');
    expect(readResult(200, '{"result":"-1","resultmsg":"已存在该条服务信息"}', ['0'])).toEqual({ outcome: 'acknowledged', status: 200, duplicate: true });
    expect(readResult(200, '{"result":"-1","resultmsg":"参数[pf]评价渠道取值应为1至7"}', ['0'])).toEqual({ outcome: 'rejected', status: 200, error: 'result -1: 参数[pf]评价渠道取值应为1至7' });
    expect(readResult(200, '<html>gateway</html>', ['0']).outcome).toBe('retry');
    expect(readResult(200, '{"result":"200"}', ['200']).outcome).toBe('acknowledged');
  });
});

describe('the codes check', () => {
  const base = { adapter: 'zhejiang-form', endpoint: 'https://hcp.example.gov.cn/offlinereport.do', secret: TEST_SECRET, codes: TEST_CODES };
  const hall = { items: ['ITEM-1', 'ITEM-2'], reasons: ['服务效率', '服务水平', '服务态度'] };

  it('accepts a complete table and fills the channel defaults', () => {
    const c = resolveUpstreamConfig({ ...base, codes: { ...TEST_CODES, channels: undefined } }, { hall });
    expect(c.adapter).toBe('zhejiang-form');
    expect(c.codes?.channels).toEqual({ pad: '4', hid: '5', rs485: '5', page: '4', systemDefault: '7' });
  });

  it('refuses an item the hall uploads without codes, a reason without an indicator code, a bad department code', () => {
    const msg = (input: unknown, h = hall) => {
      try {
        resolveUpstreamConfig(input, { hall: h });
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(msg(base, { ...hall, items: [...hall.items, 'ITEM-9'] })).toContain('/codes/items/ITEM-9: item ITEM-9 (ratings.items) has no entry');
    expect(msg(base, { ...hall, reasons: [...hall.reasons, '环境卫生'] })).toContain('/codes/reasons: the reason 环境卫生 has no indicator code');
    expect(msg({ ...base, codes: { ...TEST_CODES, items: { X: { ...TEST_CODES.items['ITEM-1'], deptCode: '11330106002508000C' } } } }, { items: ['X'], reasons: hall.reasons })).toContain('fails the GB 32100 check');
    expect(msg({ ...base, codes: { ...TEST_CODES, items: { X: { ...TEST_CODES.items['ITEM-1'], areaCode: '3301' } } } }, { items: ['X'], reasons: hall.reasons })).toContain('/codes/items/X/areaCode');
    expect(msg({ ...base, codes: undefined })).toContain('needs the province');
    expect(codeProblems({ ...TEST_CODES, items: { Y: { ...TEST_CODES.items['ITEM-2'], promisedDays: undefined } } } as never)).toEqual(['/codes/items/Y/promisedDays: a promised item (承诺件) needs its working days']);
  });
});
