import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { openDb } from '../../src/store/open-db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeHistory, reportsConfig } from '../support/history.ts';
import { login, startHub, type RunningHub } from '../support/hub.ts';

/**
 * Fuzz of the report endpoints' query strings over real HTTP: whatever a manager (or anyone) sends,
 * the hub answers 200 or a 4xx with a bilingual `{error}`, never a 5xx, and keeps serving.
 */

const config = reportsConfig();
let h: RunningHub;
let manager: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-report-fuzz-'));
  const clock = new FakeClock(Date.parse('2026-10-12T08:00:00+08:00'));
  const db = openDb(join(dir, 'hallq.db'), { durability: 'generator' });
  makeHistory(new CommandHandler(db, config, clock), clock, { from: '2026-10-12', days: 3, seed: 3, perDay: 20 });
  db.close();
  h = await startHub({ config, clock, dir });
  manager = await login(h.url, 'm1');
}, 60_000);

afterAll(async () => {
  await h?.dispose();
});

const PATHS = [
  '/reports/flow',
  '/reports/staffing',
  '/reports/estimates',
  '/reports/assessment',
  '/reports/indicators',
  '/reports/monthly.xlsx',
  '/reports/monthly.csv',
  '/reports/ranking',
  '/assessment/deductions',
  '/public/quiet-times',
];
const KEYS = ['from', 'to', 'by', 'categoryId', 'windowId', 'date', 'month', 'quarter', 'year', 'table'];

const dateLike = fc.oneof(
  fc.tuple(fc.integer({ min: 1990, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.tuple(fc.integer({ min: 1999, max: 2030 }), fc.integer({ min: 0, max: 13 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
  fc.tuple(fc.integer({ min: 1999, max: 2030 }), fc.integer({ min: 0, max: 5 })).map(([y, q]) => `${y}-Q${q}`),
);
const value = fc.oneof(
  dateLike,
  fc.constantFrom('halfhour', 'day', 'week', 'month', 'year', 'ZX', 'SB', 'JS', 'XX', '1', '4', '0', '999', '1e3', '-1', 'summary', 'staff', 'ratings', '', 'null', '[]', '{}', '__proto__', 'constructor'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 2000, maxLength: 5000 }),
);
const query = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })), { maxKeys: 6 });
const near = fc.date({ min: new Date('2026-09-01'), max: new Date('2026-10-20'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Queries shaped like the real ones, with values near the edges: most reach a report thread. */
const shaped: Record<string, fc.Arbitrary<Record<string, string | undefined>>> = {
  '/reports/flow': fc.record({ from: fc.oneof(near, dateLike), to: fc.oneof(near, dateLike), by: opt(fc.constantFrom('halfhour', 'day', 'week', 'month')), categoryId: opt(fc.constantFrom('ZX', 'SB', 'JS', 'MZ', 'XX')), windowId: opt(fc.constantFrom('1', '2', '4', '5')) }),
  '/reports/staffing': fc.record({ date: fc.oneof(near, dateLike) }),
  '/reports/estimates': fc.record({ from: fc.oneof(near, dateLike), to: fc.oneof(near, dateLike) }),
  '/reports/indicators': fc.record({ from: fc.oneof(near, dateLike), to: fc.oneof(near, dateLike) }),
  '/reports/assessment': fc.oneof(
    fc.record({ month: fc.constantFrom('2026-09', '2026-10', '2026-11', '2025-12', '2026-00') }),
    fc.record({ quarter: fc.constantFrom('2026-Q3', '2026-Q4', '2027-Q1', '2026-Q0') }),
    fc.record({ year: fc.constantFrom('2025', '2026', '2027', '1999') }),
  ),
  '/reports/monthly.xlsx': fc.record({ month: fc.constantFrom('2026-09', '2026-10', '2026-11', '2026-1') }),
  '/reports/monthly.csv': fc.record({ month: fc.constantFrom('2026-09', '2026-10', '2027-01'), table: fc.constantFrom('summary', 'flow', 'categories', 'windows', 'staff', 'ratings', 'followups', 'x') }),
  '/reports/ranking': fc.record({ month: fc.constantFrom('2026-09', '2026-10', '2026-11', '2026-13') }),
  '/assessment/deductions': fc.record({ month: fc.constantFrom('2026-09', '2026-10', '2026-13') }),
  '/public/quiet-times': fc.constant({}),
};
const request = fc.constantFrom(...PATHS).chain((path) =>
  fc.tuple(
    fc.constant(path),
    fc.oneof({ arbitrary: shaped[path]!.map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>), weight: 3 }, { arbitrary: query, weight: 1 }),
  ),
);
const raw = fc.constantFrom('', '%', '%zz', '&&&', '==', 'from', 'from=&to=', 'month=2026-10&month=2026-09', 'by[]=day', 'a=%E4%B8%AD', '%00=1');

function urlOf(path: string, q: Record<string, string | string[]>, tail: string): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(x)}`);
  if (tail) parts.push(tail);
  return `${h.url}/api/v1${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

describe('report endpoints under fuzzed query strings', () => {
  it('never answer 5xx; every refusal is a bilingual {error}', async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: raw, weight: 1 }), fc.oneof(fc.constant(true), fc.boolean()), async ([path, q], tail, signedIn) => {
        const res = await fetch(urlOf(path, q, tail), { headers: signedIn ? { authorization: `Bearer ${manager}` } : {} });
        const text = await res.text();
        expect(res.status, `${path} ${JSON.stringify(q).slice(0, 300)} ${tail}`).toBeLessThan(500);
        // 431: Node's HTTP parser refuses a URL past its header limit before the hub sees it (no body of ours).
        if (res.status >= 400 && res.status !== 431) {
          const body = JSON.parse(text);
          expect(body.error.code).toMatch(/^HQ_ERR_/);
          expect(body.error.zh.length * body.error.en.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, endOnFailure: true },
    );
    // And it still answers a good question.
    const ok = await fetch(`${h.url}/api/v1/reports/flow?from=2026-10-12&to=2026-10-14`, { headers: { authorization: `Bearer ${manager}` } });
    expect(ok.status).toBe(200);
  }, 120_000);
});

describe('assessment and case endpoints under fuzzed bodies', () => {
  it('never answer 5xx, and a refusal changes nothing', async () => {
    const c1 = await login(h.url, 'c1');
    const snapshot = () => JSON.stringify([h.hub.db.prepare('SELECT * FROM deductions ORDER BY id').all(), h.hub.db.prepare('SELECT * FROM cases ORDER BY case_no').all(), h.hub.handler.seq]);
    const item = fc.oneof(fc.constantFrom('dress', 'complaint', 'nope', ''), fc.string({ maxLength: 40 }));
    const body = fc.oneof(
      fc.record(
        { staffId: fc.oneof(fc.constantFrom('c1', 'c2', 'm1', 'g1', 'zz'), fc.string()), businessDate: fc.oneof(near, dateLike, fc.string()), itemCode: item, points: fc.oneof(fc.double(), fc.integer(), fc.string()), note: fc.oneof(fc.string({ maxLength: 400 }), fc.constant('   '), fc.constant('\u0000')) },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    const target = fc.oneof(
      body.map((b) => ({ path: '/assessment/deductions', b })),
      fc.tuple(fc.oneof(fc.constant('d_missing'), fc.string({ maxLength: 80 })), fc.anything()).map(([id, b]) => ({ path: `/assessment/deductions/${encodeURIComponent(id)}/revoke`, b })),
      fc.tuple(fc.oneof(fc.constant('NOPE-1'), fc.string({ maxLength: 80 })), fc.oneof(fc.constant(undefined), fc.anything())).map(([id, b]) => ({ path: `/cases/${encodeURIComponent(id)}/complete`, b })),
    );
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('m1', 'c1'), async ({ path, b }, who) => {
        const before = snapshot();
        const res = await fetch(`${h.url}/api/v1${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${who === 'm1' ? manager : c1}`, ...(b !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(b !== undefined ? { body: JSON.stringify(b) ?? 'null' } : {}),
        });
        const text = await res.text();
        expect(res.status, `${path} ${text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(JSON.parse(text).error.code).toMatch(/^HQ_ERR_/);
          expect(snapshot()).toBe(before);
        }
      }),
      { numRuns: 200, endOnFailure: true },
    );
  }, 120_000);
});
