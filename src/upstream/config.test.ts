import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveUpstreamConfig } from './config.ts';
import { UpstreamError } from './errors.ts';
import { buildBody, formatDateTime } from './mapping.ts';
import { sampleRating, TEST_MAPPING, TEST_SECRET, tempDir } from '../../test/support/upstream-testing.ts';

const base = { endpoint: 'https://hcp.example.gov.cn/api/pj', secret: TEST_SECRET, mapping: TEST_MAPPING };

function problems(input: unknown): string {
  try {
    resolveUpstreamConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).code).toBe('HQ_ERR_UPSTREAM_CONFIG');
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('buildBody', () => {
  it('maps fields to the province names, nests dotted targets, adds constants, translates and formats', () => {
    const body = buildBody(sampleRating(1, Date.UTC(2025, 2, 1, 2, 4, 5)), TEST_MAPPING, 'Asia/Shanghai');
    expect(body).toEqual({
      version: '1.0',
      data: { qdlx: '1', pjdj: 'D', pjsj: '2025-03-01 10:04:05', cpyy: '服务效率,服务态度', zjhm: '3301**********1234' },
      pjid: 'r0001',
      bjbh: '33010600000001',
      sxbm: '330106-ITEM-01',
    });
    // Constants first, then fields in mapping order: the bytes are stable for a record.
    expect(JSON.stringify(body)).toBe(
      '{"version":"1.0","data":{"qdlx":"1","pjdj":"D","pjsj":"2025-03-01 10:04:05","cpyy":"服务效率,服务态度","zjhm":"3301**********1234"},' +
        '"pjid":"r0001","bjbh":"33010600000001","sxbm":"330106-ITEM-01"}',
    );
  });

  it('leaves out missing fields, keeps nulls, passes values not in the table', () => {
    const body = buildBody({ caseNo: null, level: 9, ratedAt: null }, TEST_MAPPING, 'UTC');
    expect(body).toEqual({ version: '1.0', data: { qdlx: '1', pjdj: 9, pjsj: null }, bjbh: null });
  });

  it('formats times in the zone, epochs and ISO', () => {
    expect(formatDateTime(Date.UTC(2024, 11, 31, 16, 0, 0), 'Asia/Shanghai')).toBe('2025-01-01 00:00:00');
    const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const mapping = { fields: { a: 'ms', b: 's', c: 'iso', d: 'str' }, formats: { a: 'epoch-ms', b: 'epoch-s', c: 'iso', d: 'string' } } as const;
    expect(buildBody({ a: at, b: at, c: at, d: 5 }, { ...mapping, formats: { ...mapping.formats } }, 'UTC')).toEqual({
      ms: at,
      s: Math.floor(at / 1000),
      iso: '2025-01-02T03:04:05.678Z',
      str: '5',
    });
  });

  it('writes a field called __proto__ as data, not as a prototype', () => {
    const body = buildBody({ x: 1 }, { fields: { x: '__proto__.y' } }, 'UTC');
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(JSON.stringify(body)).toBe('{"__proto__":{"y":1}}');
  });
});

describe('resolveUpstreamConfig', () => {
  it('fills the defaults', () => {
    expect(resolveUpstreamConfig(base)).toEqual({
      endpoint: base.endpoint,
      secret: TEST_SECRET,
      mapping: TEST_MAPPING,
      timeZone: 'Asia/Shanghai',
      timeoutMs: 10_000,
      pollMs: 5000,
      backoff: { baseMs: 1000, maxMs: 300_000 },
      deadLetter: { afterAttempts: 5, maxInARow: 3 },
      adapter: 'generic-json',
      acceptResults: ['0'],
      unrated: 'none',
      applicant: { eraseAfterHours: 72 },
    });
  });

  it('the generic adapter uploads an unrated service only with its body mapped, and checks the extra mappings', () => {
    expect(problems({ ...base, unrated: 'platform-default' })).toContain('/unratedMapping: unrated: platform-default needs the body of an unrated record');
    expect(resolveUpstreamConfig({ ...base, unrated: 'platform-default', unratedMapping: { fields: { serviceId: 'fwbh' } } }).unrated).toBe('platform-default');
    expect(problems({ ...base, followupMapping: { fields: { a: 'x', b: 'x' } } })).toContain('/followupMapping: target x is written twice');
  });

  it('the generic adapter needs a mapping', () => {
    const { mapping, ...rest } = base;
    void mapping;
    expect(problems(rest)).toContain('/mapping: the generic-json adapter needs a field mapping');
  });

  it('reads the secret from a file, relative to the config directory', () => {
    const { dir, remove } = tempDir();
    try {
      writeFileSync(join(dir, 'upstream.key'), `${TEST_SECRET}\n`);
      const { secret, ...rest } = base;
      void secret;
      expect(resolveUpstreamConfig({ ...rest, secretFile: 'upstream.key' }, { baseDir: dir }).secret).toBe(TEST_SECRET);
      expect(problems({ ...rest, secretFile: join(dir, 'missing.key') })).toContain('cannot read');
    } finally {
      remove();
    }
  });

  it('refuses what would send a wrong body or none', () => {
    expect(problems({ ...base, secretFile: '/x' })).toContain('exactly one of secret and secretFile');
    expect(problems({ ...base, secret: 'short' })).toContain('/secret');
    expect(problems({ ...base, endpoint: 'ftp://x' })).toContain('/endpoint');
    expect(problems({ ...base, mapping: { fields: {} } })).toContain('/mapping/fields');
    expect(problems({ ...base, mapping: { fields: { 'bad key': 'x' } } })).toContain('/mapping/fields');
    expect(problems({ ...base, mapping: { fields: { a: 'x..y' } } })).toContain('/mapping/fields');
    expect(problems({ ...base, headers: { 'Bad Header': 'x' } })).toContain('/headers');
    expect(problems({ ...base, mapping: { fields: { a: 'x', b: 'x' } } })).toContain('target x is written twice');
    expect(problems({ ...base, mapping: { fields: { a: 'data', b: 'data.x' } } })).toContain('target data is a value and also the parent of data.x');
    expect(problems({ ...base, mapping: { fields: { a: 'x' }, formats: { b: 'iso' } } })).toContain('b has a value table or format but is not in fields');
    expect(problems({ ...base, headers: { 'X-Signature': 'x' } })).toContain('set by hallq');
    expect(problems({ ...base, backoff: { baseMs: 5000, maxMs: 1000 } })).toContain('baseMs is greater than maxMs');
    expect(problems({ ...base, timeZone: 'Mars/Olympus' })).toContain('unknown time zone');
    expect(problems({ ...base, extra: 1 })).toContain('/');
  });
});

describe('the anhui-page adapter config', () => {
  const codes = { channels: {}, reasons: {}, items: {} };
  it('needs the province page, and leaves unrated services to the province', () => {
    expect(() => resolveUpstreamConfig({ adapter: 'anhui-page', endpoint: 'https://hcp.example.gov.cn/push', secret: TEST_SECRET, codes })).toThrow('/pageUrl: the anhui-page adapter needs the province rating page');
    expect(() => resolveUpstreamConfig({ adapter: 'anhui-page', endpoint: 'https://hcp.example.gov.cn/push', pageUrl: 'https://hcp.example.gov.cn/page', secret: TEST_SECRET, codes, unrated: 'platform-default' })).toThrow('/unrated: with anhui-page');
    expect(resolveUpstreamConfig({ adapter: 'anhui-page', endpoint: 'https://hcp.example.gov.cn/push', pageUrl: 'https://hcp.example.gov.cn/page', secret: TEST_SECRET, codes }).adapter).toBe('anhui-page');
  });
});
