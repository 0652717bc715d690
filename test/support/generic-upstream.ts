import type { HallConfig } from '../../src/config/schema.ts';
import type { MockReceived } from '../mock-platform/mock-upstream.ts';
import { testConfig } from './test-config.ts';

/**
 * The generic JSON adapter in tests: a hall's own contract, written as its mappings (a rating, a
 * follow-up result, an unrated service), and a check for the mock that holds the platform to it.
 */
export function genericHall(url: string, extra: Parameters<typeof testConfig>[0] = {}): HallConfig {
  const config = testConfig({ windows: 1, upstream: url, upstreamUnrated: 'platform-default', ...extra });
  Object.assign(config.upstream!, {
    mapping: {
      fields: { ratingId: 'pjid', caseNo: 'bjbh', itemCode: 'sxbm', level: 'pjdj', reasons: 'cpyy', channel: 'qd', 'applicant.type': 'sqrlx', 'applicant.name': 'sqrxm', 'applicant.id': 'zjhm' },
      constants: { lx: 'pj' },
      formats: { reasons: 'join' },
      values: { channel: { pad: '4', hid: '5', rs485: '5' }, 'applicant.type': { person: '1', company: '2' } },
    },
    followupMapping: { fields: { ratingId: 'pjid', step: 'bz', note: 'clqk', caseNo: 'bjbh' }, constants: { lx: 'hf' }, values: { step: { callback: '1', rectification: '2' } } },
    unratedMapping: { fields: { serviceId: 'fwbh', caseNo: 'bjbh', 'applicant.id': 'zjhm' }, constants: { lx: 'wp', qd: '7' } },
  });
  return config;
}

/** The contract: every field there, a result only after its rating, an unrated record with no level. */
export function genericCheck(body: unknown, received: readonly MockReceived[]): string | null {
  const b = body as Record<string, unknown>;
  const need = (...keys: string[]) => keys.find((k) => b[k] === undefined || b[k] === null || b[k] === '');
  const missing = b.lx === 'pj' ? need('pjid', 'bjbh', 'sxbm', 'pjdj', 'qd', 'sqrlx', 'sqrxm', 'zjhm') : b.lx === 'hf' ? need('pjid', 'bz', 'clqk') : b.lx === 'wp' ? need('fwbh', 'zjhm') : 'lx';
  if (missing) return `缺少字段 ${missing}`;
  if (b.lx === 'hf' && !received.some((r) => (r.body as Record<string, unknown>).lx === 'pj' && (r.body as Record<string, unknown>).pjid === b.pjid)) return `评价 ${String(b.pjid)} 不存在`;
  if (b.lx === 'wp' && b.pjdj !== undefined) return '未评价记录不应带等级';
  return null;
}
