import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UpstreamMapping } from '../../src/upstream/config.ts';

/** Helpers for the upload's tests (not used by the hub). */

export const TEST_SECRET = 'test-upstream-secret-0123456789';

/** A province's field names, as a hall would configure them. */
export const TEST_MAPPING: UpstreamMapping = {
  fields: {
    ratingId: 'pjid',
    caseNo: 'bjbh',
    itemCode: 'sxbm',
    level: 'data.pjdj',
    ratedAt: 'data.pjsj',
    reasons: 'data.cpyy',
    'holder.idMasked': 'data.zjhm',
  },
  constants: { version: '1.0', 'data.qdlx': '1' },
  values: { level: { '5': 'A', '4': 'B', '3': 'C', '2': 'D', '1': 'E' } },
  formats: { ratedAt: 'datetime', reasons: 'join' },
};

/** A record shaped like the `rating.recorded` event data the hub enqueues. */
export function sampleRating(i: number, ratedAt = 1_740_794_645_000 + i * 1000): Record<string, unknown> {
  return {
    ratingId: ratingIdOf(i),
    serviceId: `s${i}`,
    ticketId: `t${i}`,
    number: `A${String(i).padStart(3, '0')}`,
    windowId: 3,
    staffId: 'st-7',
    caseNo: `330106${String(i).padStart(8, '0')}`,
    itemCode: '330106-ITEM-01',
    holder: { hmac: 'ab'.repeat(32), idMasked: '3301**********1234', nameMasked: '张*' },
    level: (i % 5) + 1,
    label: '满意',
    reasons: i % 5 < 2 ? ['服务效率', '服务态度'] : [],
    comment: null,
    channel: 'pad',
    requestedAt: ratedAt - 5000,
    ratedAt,
  };
}

export function ratingIdOf(i: number): string {
  return `r${String(i).padStart(4, '0')}`;
}

/** Polls in real time (the mock answers over real sockets) until `cond` holds. */
export async function waitFor(cond: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-upstream-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A department's credit code and an item table as a Zhejiang hall would configure them (valid GB 32100 check characters). */
export const TEST_DEPT_CODE = '11330106002508000B';
export const TEST_PERSON_ID = '330106198503120028';
export const TEST_COMPANY_CODE = '91350100M000100Y43';

export const TEST_CODES = {
  channels: { pad: '4', hid: '5', rs485: '5', page: '4', systemDefault: '7' },
  reasons: { 服务效率: 'A01', 服务水平: 'A02', 服务态度: 'A03' },
  items: {
    'ITEM-1': { name: '户籍证明', deptCode: TEST_DEPT_CODE, areaCode: '330106', areaName: '西湖区', caseType: 'immediate' as const, subMatter: '户籍办理', deptName: '西湖区公安分局' },
    'ITEM-2': { name: '企业开办', deptCode: TEST_DEPT_CODE, areaCode: '330106', caseType: 'promised' as const, promisedDays: 3 },
  },
  dataSource: '133',
};
