import { createHash } from 'node:crypto';
import { parseHallConfig } from '../../src/config/load-hall-config.ts';
import type { HallConfig } from '../../src/config/schema.ts';
import { TEST_CODES } from './upstream-testing.ts';

/** scrypt hash of `hallq-demo`, as in config/hall.yaml. */
export const TEST_PASSWORD = 'hallq-demo';
const HASH = 'scrypt$qn4kBNvZkdwl40Bkb3Am/A==$vo4CAWZwfSwzSURZHXeL+sKJnaySB5r8mqFpPl/N7Xk=';

const allDay = [{ start: '00:00', end: '24:00' }];

export interface TestConfigOptions {
  /** Number of windows; each serves A and B, clerk `c<N>` is its A. */
  windows?: number;
  priorityPerNormal?: number;
  maxWaitMin?: number;
  recallLimit?: number;
  quota?: number;
  requiresIdCard?: boolean;
  /** Sessions every day; defaults to open around the clock so tests are free of the wall clock. */
  week?: HallConfig['schedule']['week'];
  refuseIfWaitPastClose?: boolean;
  simReader?: boolean;
  /** A fake LAN printer for kiosk-1 (e2e and printing tests). */
  simPrinter?: boolean;
  /** Simulated caller keypads, address N at window N. */
  simCaller?: boolean;
  /** Simulated LED bars (address N above window N) and LED wall. */
  simLed?: boolean;
  /** The 好差评 endpoint (a MockUpstream's url); secret UPSTREAM_SECRET. */
  upstream?: string;
  /** The province's protocol (default generic-json); zhejiang-form comes with TEST_CODES and their items. */
  upstreamAdapter?: 'generic-json' | 'zhejiang-form' | 'anhui-page';
  /** `upstream.reconcile`: the mock's `/query` beside its `/ratings`. */
  upstreamReconcile?: boolean;
  /** `ratings.requireCase`: a completion must name its case and item. */
  requireCase?: boolean;
  /** `upstream.unrated` (default none). */
  upstreamUnrated?: 'none' | 'platform-default';
  /** `upstream.applicant.eraseAfterHours` (default 72). */
  applicantEraseAfterHours?: number;
  /** `hall.demo` (simulator controls on); default true, as the tests drive simulators. */
  demo?: boolean;
  /** 指定叫号 allowed (`queue.allowChosenCall`). */
  allowChosenCall?: boolean;
  /** Stop issuing this many minutes before service stops (default 0). */
  stopIssuingBeforeEndMin?: number;
  /** The hall's real ticket-issue limits; by default tests (and the bench) may issue thousands a second. */
  realIssueLimits?: boolean;
  /** The `sms` section (ticket-taking by text, reminders); `true` for its defaults. */
  sms?: boolean | Record<string, unknown>;
  /** `booking` settings (issue #15), merged over the defaults. */
  booking?: Record<string, unknown>;
  /** The provincial app's token (`BOOKING_APP`), configured by its SHA-256. */
  bookingApp?: boolean;
}

/** A small hall for tests: categories A (ZX), B (SB), C (MZ, card required), open all day. */
export function testConfig(o: TestConfigOptions = {}): HallConfig {
  const n = o.windows ?? 3;
  const week = o.week ?? { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };
  const windows = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    name: `窗口${i + 1}`,
    categories: i % 2 === 0 ? [{ id: 'ZX' }, { id: 'SB' }, { id: 'MZ' }] : [{ id: 'SB' }, { id: 'ZX' }, { id: 'MZ' }],
    staff: { a: `c${i + 1}`, b: `b${i + 1}` },
    ...(o.simLed ? { ledAddress: i + 1 } : {}),
  }));
  const staff = [
    ...windows.flatMap((w) => [
      { id: `c${w.id}`, name: `甲${w.id}`, role: 'clerk', passwordHash: HASH },
      { id: `b${w.id}`, name: `乙${w.id}`, role: 'clerk', passwordHash: HASH },
    ]),
    { id: 'g1', name: '导办员', role: 'guide', passwordHash: HASH },
    { id: 'm1', name: '主任', role: 'manager', passwordHash: HASH },
  ];
  return parseHallConfig({
    // A test hall starts empty: no simulated history on a first start of main.ts.
    hall: { name: '测试镇便民服务中心', timeZone: 'Asia/Shanghai', ...(o.demo === false ? {} : { demo: true }), demoHistoryWeeks: 0 },
    ...(o.realIssueLimits ? {} : { limits: { kioskIssue: { burst: 100_000, perMinute: 1_000_000 }, staffIssue: { burst: 100_000, perMinute: 1_000_000 } } }),
    ...(o.upstream
      ? {
          upstream: {
            endpoint: o.upstream,
            secret: UPSTREAM_SECRET,
            ...(o.upstreamAdapter === 'zhejiang-form' || o.upstreamAdapter === 'anhui-page'
              ? { adapter: o.upstreamAdapter, codes: TEST_CODES, ...(o.upstreamAdapter === 'anhui-page' ? { pageUrl: o.upstream.replace(/\/ratings$/, '/page') } : {}) }
              : { mapping: { fields: { ratingId: 'pjid', caseNo: 'bjbh', itemCode: 'sxbm', level: 'pjdj', windowId: 'ckbh', staffId: 'gzrybh' } } }),
            ...(o.upstreamUnrated ? { unrated: o.upstreamUnrated } : {}),
            ...(o.upstreamReconcile ? { reconcile: { url: o.upstream.replace(/\/ratings$/, '/query') } } : {}),
            ...(o.applicantEraseAfterHours ? { applicant: { eraseAfterHours: o.applicantEraseAfterHours } } : {}),
            backoff: { baseMs: 100, maxMs: 400 },
            pollMs: 200,
            timeoutMs: 2000,
          },
        }
      : {}),
    ...(o.sms ? { sms: o.sms === true ? {} : o.sms } : {}),
    ratings: {
      ...(o.upstreamAdapter === 'zhejiang-form' || o.upstreamAdapter === 'anhui-page' ? { items: Object.fromEntries(Object.entries(TEST_CODES.items).map(([code, item]) => [code, item.name])) } : {}),
      ...(o.requireCase ? { requireCase: true } : {}),
    },
    ...(o.booking ? { booking: o.booking } : {}),
    schedule: { week, refuseIfWaitPastClose: o.refuseIfWaitPastClose ?? false, stopIssuingBeforeEndMin: o.stopIssuingBeforeEndMin ?? 0 },
    queue: {
      recallLimit: o.recallLimit ?? 2,
      ...(o.allowChosenCall ? { allowChosenCall: true } : {}),
      fairness: {
        ...(o.priorityPerNormal !== undefined ? { priorityPerNormal: o.priorityPerNormal } : {}),
        ...(o.maxWaitMin !== undefined ? { maxWaitMin: o.maxWaitMin } : {}),
      },
    },
    priorityGroups: [
      { id: 'elderly', name: { zh: '老年人', en: 'Senior' }, source: 'age', minAge: 60 },
      { id: 'disabled', name: { zh: '残疾人', en: 'Disabled' }, source: 'guide' },
    ],
    categories: [
      { id: 'ZX', prefix: 'A', name: { zh: '综合咨询', en: 'Enquiries' }, avgServiceMin: 5, ...(o.quota ? { dailyQuota: o.quota } : {}) },
      { id: 'SB', prefix: 'B', name: { zh: '社保', en: 'Social insurance' }, avgServiceMin: 10, materials: '身份证、社保卡' },
      { id: 'MZ', prefix: 'C', name: { zh: '民政', en: 'Civil affairs' }, avgServiceMin: 10, requiresIdCard: o.requiresIdCard ?? true },
    ],
    windows,
    staff,
    devices: {
      tokens: [
        { id: 'kiosk-1', kind: 'kiosk', token: 'test-kiosk-token-000000001' },
        { id: 'wall-1', kind: 'screen', token: 'test-wall-token-0000000001' },
        { id: 'bs-1', kind: 'integration', windowId: 1, token: 'test-integration-token-001' },
        { id: 'monitor-1', kind: 'monitor', token: MONITOR },
        ...windows.map((w) => ({ id: `pad-${w.id}`, kind: 'pad', windowId: w.id, token: padToken(w.id) })),
        ...(o.bookingApp ? [{ id: 'prov-app', kind: 'booking', tokenSha256: createHash('sha256').update(BOOKING_APP).digest('hex') }] : []),
      ],
      ...(o.simReader === false ? {} : { idcard: { uri: 'sim' } }),
      ...(o.simPrinter ? { printers: [{ kioskId: 'kiosk-1', uri: 'sim' }] } : {}),
      ...(o.simLed ? { led: { bars: { uri: 'sim' }, wall: { uri: 'sim' } } } : {}),
      ...(o.simCaller ? { caller: { uri: 'sim', keypads: windows.map((w) => ({ address: w.id, windowId: w.id })) } } : {}),
    },
  });
}

export const KIOSK = 'test-kiosk-token-000000001';
export const UPSTREAM_SECRET = 'test-upstream-secret-0001';
/** The rating pad of window N. */
export const padToken = (windowId: number) => `test-pad-token-${String(windowId).padStart(10, '0')}`;
export const WALL = 'test-wall-token-0000000001';
export const INTEGRATION = 'test-integration-token-001';
/** The provincial app pushing bookings (`bookingApp: true`). */
export const BOOKING_APP = 'test-booking-app-token-00001';
/** Reads health details and metrics. */
export const MONITOR = 'test-monitor-token-0000001';
