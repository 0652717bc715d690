import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK, padToken } from '../support/test-config.ts';

/**
 * Fuzz (DESIGN §4: "a bad request gets 400/422 with {error:{code,message}} … never a 500 and never a
 * partial change"): several hundred random or malformed bodies per mutating endpoint produce no 5xx,
 * a well-formed bilingual error, and no state change.
 */

const RUNS = 300;

// --- what the hub holds -------------------------------------------------------------------------

const TABLES = ['events', 'tickets', 'services', 'windows', 'counters', 'appointments', 'category_stats', 'hall_meta', 'command_results'];

function mapsAndSets(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value.entries()];
  if (value instanceof Set) return [...value.values()];
  return value;
}

/** seq, every row of the event log and projections, and the in-memory state. Staff sessions are left out (login makes them). */
async function fingerprint(h: RunningHub): Promise<{ seq: number; db: string; memory: string }> {
  const hash = createHash('sha256');
  for (const t of TABLES) hash.update(`${t}:${JSON.stringify(h.hub.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all())}\n`);
  return {
    seq: h.hub.handler.seq,
    db: hash.digest('hex'),
    memory: createHash('sha256').update(await h.hub.handler.read((s) => JSON.stringify(s, mapsAndSets))).digest('hex'),
  };
}

// --- requests -----------------------------------------------------------------------------------

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string | null } | { kind: 'none' };

interface Req {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  token?: string;
  body: Body;
  idempotencyKey?: string | undefined;
}

async function send(h: RunningHub, r: Req): Promise<{ status: number; body: any; raw: string }> {
  const headers: Record<string, string> = {};
  if (r.token) headers.authorization = `Bearer ${r.token}`;
  if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
  let payload: string | undefined;
  if (r.body.kind === 'json') {
    payload = JSON.stringify(r.body.value);
    headers['content-type'] = 'application/json';
  } else if (r.body.kind === 'raw') {
    payload = r.body.text;
    if (r.body.contentType !== null) headers['content-type'] = r.body.contentType;
  }
  const res = await h.hub.app.inject({ method: r.method, url: `/api/v1${r.url}`, headers, ...(payload !== undefined ? { payload } : {}) });
  let body: any;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, raw: res.body };
}

const describeReq = (r: Req) =>
  `${r.method} ${r.url}${r.idempotencyKey !== undefined ? ` (Idempotency-Key ${JSON.stringify(r.idempotencyKey.slice(0, 40))}…${r.idempotencyKey.length})` : ''} ${
    r.body.kind === 'json' ? JSON.stringify(r.body.value)?.slice(0, 300) : r.body.kind === 'raw' ? `[${r.body.contentType}] ${JSON.stringify(r.body.text.slice(0, 300))} (${r.body.text.length} chars)` : '(no body)'
  }`;

/** A request that fast-check prints readably (a 70 KiB body would otherwise fill the report). */
function req(r: Req): Req {
  return Object.assign(r, { [fc.toStringMethod]: () => describeReq(r) });
}

/** A refusal: 4xx and `{error:{code,message}}` with the message in Chinese and English. */
function expectRefusal(res: { status: number; body: any; raw: string }, r: Req, exactly?: number): void {
  const what = `${describeReq(r)} -> ${res.status} ${res.raw.slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  if (exactly !== undefined) expect(res.status, what).toBe(exactly);
  expect(res.body?.error?.code, what).toMatch(/^HQ_ERR_[A-Z_]+$/);
  expect(typeof res.body?.error?.message, what).toBe('string');
  expect(res.body.error.message, what).toMatch(/\p{Script=Han}/u);
  expect(res.body.error.message, what).toMatch(/[A-Za-z]{3}/);
}

// --- body generators ----------------------------------------------------------------------------

/**
 * Field kinds of the request schemas. "Bad" values are wrong even under the hub's AJV coercion
 * (`coerceTypes: 'array'`): the coercion itself is tested apart below.
 */
type Field =
  | { kind: 'str'; min: number; max: number; ok?: fc.Arbitrary<string>; badPattern?: fc.Arbitrary<string> }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'enum'; values: string[] }
  | { kind: 'datetime' }
  | { kind: 'textArray'; maxItems: number; maxLength: number };
type Fields = Record<string, Field>;

const withControlChar = fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\u0007', '\n', '\u001b', '\u007f')).map(([s, c]) => `${s}${c}`);
const text = (max: number): Field => ({ kind: 'str', min: 0, max, badPattern: withControlChar });

const junkObject = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const nonScalar = fc.oneof(junkObject, fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 2, maxLength: 4 }), fc.constant([]));

function okValue(f: Field): fc.Arbitrary<unknown> {
  switch (f.kind) {
    case 'str':
      return f.ok ?? fc.string({ minLength: f.min, maxLength: Math.max(f.min, Math.min(f.max, 12)) });
    case 'int':
      return fc.integer({ min: f.min, max: f.max });
    case 'enum':
      return fc.constantFrom(...f.values);
    case 'datetime':
      return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'textArray':
      return fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 });
  }
}

function badValue(f: Field): fc.Arbitrary<unknown> {
  switch (f.kind) {
    case 'str':
      return fc.oneof(
        nonScalar,
        fc.string({ minLength: f.max + 1, maxLength: f.max + 40 }),
        ...(f.min > 1 ? [fc.string({ maxLength: f.min - 1 })] : []),
        ...(f.min >= 1 ? [fc.constantFrom('', null)] : []),
        ...(f.badPattern ? [f.badPattern] : []),
      );
    case 'int':
      return fc.oneof(
        nonScalar,
        fc.integer({ min: f.max + 1, max: f.max + 100_000 }),
        fc.integer({ min: -100_000, max: f.min - 1 }),
        fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.stringMatching(/^[a-z]{1,8}$/),
        fc.constantFrom(null, false),
      );
    case 'enum':
      return fc.oneof(nonScalar, fc.string({ maxLength: 6 }).filter((s) => !f.values.includes(s)), fc.integer(), fc.constant(true));
    case 'datetime':
      return fc.oneof(nonScalar, fc.string({ maxLength: 30 }).filter((s) => !/^\d{4}-\d{2}-\d{2}T/.test(s)), fc.integer(), fc.constant(null));
    case 'textArray':
      return fc.oneof(
        junkObject,
        fc.array(junkObject, { minLength: 1, maxLength: 3 }),
        fc.array(fc.string({ maxLength: 4 }), { minLength: f.maxItems + 1, maxLength: f.maxItems + 5 }),
        fc.string({ minLength: f.maxLength + 1, maxLength: f.maxLength + 20 }).map((s) => [s]),
        withControlChar.map((s) => ['ok', s]),
        fc.array(fc.array(fc.string({ maxLength: 4 }), { minLength: 2, maxLength: 3 }), { minLength: 1, maxLength: 2 }),
      );
  }
}

function setOwn(o: Record<string, unknown>, k: string, v: unknown): Record<string, unknown> {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** Plausible values for every field, plus one piece that is certainly wrong: an unknown key or a bad value. */
function malformedObject(fields: Fields): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  const base = fc.record(Object.fromEntries(keys.map((k) => [k, okValue(fields[k]!)])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
  const unknownKey = fc.tuple(
    fc.string({ maxLength: 16 }).filter((k) => !keys.includes(k)),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const pieces: fc.Arbitrary<[string, unknown]>[] = [unknownKey];
  if (keys.length > 0) pieces.push(fc.constantFrom(...keys).chain((k) => badValue(fields[k]!).map((v): [string, unknown] => [k, v])));
  return fc.tuple(base, fc.oneof(...pieces)).map(([b, [k, v]]) => setOwn({ ...b }, k, v));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Treated as "no body" by the hub: a body-less action would run with it. */
const isEmptyish = (v: unknown) => v === undefined || v === null || v === '' || (isPlainObject(v) && Object.keys(v).length === 0);

/** Any JSON at all, unless it is an object made only of the endpoint's own fields (that might be valid). */
function junkJson(fields: Fields): fc.Arbitrary<unknown> {
  return fc
    .oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 3 }).map((x) => JSON.parse(JSON.stringify(x) ?? 'null') as unknown))
    .filter((v) => !(isPlainObject(v) && Object.keys(v).every((k) => k in fields)));
}

const parses = (s: string) => {
  try {
    JSON.parse(s.replace(/^\uFEFF/, ''));
    return true;
  } catch {
    return false;
  }
};

const invalidJsonText = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('{', '{"a":', '[1,2', 'nul', 'tru', '{"categoryId":"ZX",}', "{'categoryId':'ZX'}", '{"a":1}}', 'NaN', 'undefined', '{"a":01}', '\u0000', '"open', ' '),
  )
  .filter((s) => s.trim() !== '' && !parses(s));

const HUGE = 'x'.repeat(70 * 1024);
const hugeOrDeep = (someField: string) =>
  fc.constantFrom<Body>(
    { kind: 'raw', text: JSON.stringify({ [someField]: HUGE }), contentType: 'application/json' },
    { kind: 'raw', text: JSON.stringify({ [someField]: 'y'.repeat(60_000) }), contentType: 'application/json' },
    { kind: 'raw', text: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, contentType: 'application/json' },
    { kind: 'raw', text: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, contentType: 'application/json' },
    { kind: 'raw', text: JSON.stringify(Array.from({ length: 8_000 }, (_, i) => i)), contentType: 'application/json' },
    { kind: 'raw', text: '{"__proto__":{"polluted":true}}', contentType: 'application/json' },
    { kind: 'raw', text: '{"constructor":{"prototype":{"polluted":true}}}', contentType: 'application/json' },
  );

const otherContentTypes = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/vnd.api+json',
  null,
] as const;

/** Everything malformed for an endpoint with these fields. `nonEmpty`: never something the hub reads as "no body". */
function badBody(fields: Fields, opts: { nonEmpty?: boolean } = {}): fc.Arbitrary<Body> {
  const keys = Object.keys(fields);
  const someField = keys[0] ?? 'x';
  const wrongType = fc
    .tuple(fc.constantFrom(...otherContentTypes), fc.oneof(fc.record(Object.fromEntries(keys.map((k) => [k, okValue(fields[k]!)]))).map((o) => JSON.stringify(o)), fc.string({ maxLength: 30 })))
    .map(([contentType, text]): Body => ({ kind: 'raw', text, contentType }));
  const arb = fc.oneof(
    { weight: keys.length > 0 ? 5 : 3, arbitrary: malformedObject(fields).map((value): Body => ({ kind: 'json', value })) },
    { weight: 3, arbitrary: junkJson(fields).map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: invalidJsonText.map((text): Body => ({ kind: 'raw', text, contentType: 'application/json' })) },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: hugeOrDeep(someField) },
  );
  return opts.nonEmpty ? arb.filter((b) => (b.kind === 'json' ? !isEmptyish(b.value) : b.kind === 'raw' ? b.text !== '' : false)) : arb;
}

const idempotencyKey = fc.option(fc.string({ minLength: 1, maxLength: 260 }), { nil: undefined });

// --- the endpoints ------------------------------------------------------------------------------

const F = {
  login: { jobNo: { kind: 'str', min: 1, max: 32 }, password: { kind: 'str', min: 1, max: 200 } },
  tickets: {
    categoryId: { kind: 'str', min: 1, max: 32, ok: fc.constantFrom('ZX', 'SB', 'MZ', 'NOPE') },
    priorityGroup: { kind: 'str', min: 1, max: 32, ok: fc.constantFrom('elderly', 'disabled') },
    cardToken: { kind: 'str', min: 1, max: 100 },
    appointmentCode: { kind: 'str', min: 4, max: 16, ok: fc.stringMatching(/^[A-Z0-9]{4,16}$/), badPattern: fc.constantFrom('AB-CD', 'ABC!', 'ab cd', '中文中文') },
    phone: { kind: 'str', min: 1, max: 11, ok: fc.constant('13812345678'), badPattern: fc.string({ maxLength: 11 }).filter((s) => !/^1[3-9][0-9]{9}$/.test(s) && s !== '') },
  },
  open: { role: { kind: 'enum', values: ['A', 'B'] } },
  complete: { caseNo: text(64), itemCode: text(64) },
  transfer: {
    toCategoryId: { kind: 'str', min: 1, max: 32, ok: fc.constantFrom('ZX', 'SB') },
    toWindowId: { kind: 'int', min: 1, max: 999 },
    placement: { kind: 'enum', values: ['front', 'original', 'back'] },
    note: text(200),
  },
  pause: { reason: { kind: 'str', min: 1, max: 200, badPattern: fc.oneof(withControlChar, fc.stringMatching(/^ {1,5}$/)) } },
  none: {},
  notices: { notices: { kind: 'textArray', maxItems: 50, maxLength: 300 } },
  appointments: {
    categoryId: { kind: 'str', min: 1, max: 32, ok: fc.constantFrom('ZX', 'SB') },
    slotStart: { kind: 'datetime' },
    slotEnd: { kind: 'datetime' },
    cardToken: { kind: 'str', min: 1, max: 100 },
    phone: { kind: 'str', min: 1, max: 11, ok: fc.constant('13812345678'), badPattern: fc.string({ maxLength: 11 }).filter((s) => !/^1[3-9][0-9]{9}$/.test(s) && s !== '') },
  },
  ratings: {
    serviceId: { kind: 'str', min: 1, max: 64 },
    level: { kind: 'int', min: 1, max: 5 },
    reasons: { kind: 'textArray', maxItems: 10, maxLength: 20 },
    comment: text(200),
  },
  followup: { step: { kind: 'enum', values: ['callback', 'verification', 'rectification'] }, note: { kind: 'str', min: 1, max: 500 } },
  idcard: {
    name: { kind: 'str', min: 1, max: 30 },
    idNumber: { kind: 'str', min: 18, max: 18 },
    validUntil: { kind: 'str', min: 0, max: 8 },
    kioskId: { kind: 'str', min: 0, max: 32 },
  },
} satisfies Record<string, Fields>;

const WINDOW_ACTIONS: { path: string; fields: Fields }[] = [
  { path: 'open', fields: F.open },
  { path: 'close', fields: F.none },
  { path: 'call-next', fields: F.none },
  { path: 'recall', fields: F.none },
  { path: 'no-show', fields: F.none },
  { path: 'start', fields: F.none },
  { path: 'complete', fields: F.complete },
  { path: 'transfer', fields: F.transfer },
  { path: 'pause', fields: F.pause },
  { path: 'resume', fields: F.none },
];

// --- the tests ----------------------------------------------------------------------------------

describe('fuzz: malformed requests change nothing', () => {
  let h: RunningHub;
  const tok = { c1: '', c2: '', g1: '', m1: '' };

  beforeAll(async () => {
    h = await startHub();
    // A hall with something in it: waiting tickets, window 2 open with a number called, window 1 closed.
    for (const categoryId of ['ZX', 'SB', 'ZX', 'SB']) expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId } })).status).toBe(201);
    tok.c2 = await openWindow(h.url, 2);
    expect((await api(h.url, 'POST', '/windows/2/call-next', { token: tok.c2 })).status).toBe(200);
    tok.c1 = await login(h.url, 'c1');
    tok.g1 = await login(h.url, 'g1');
    tok.m1 = await login(h.url, 'm1');
    expect((await api(h.url, 'PUT', '/hall/notices', { token: tok.m1, body: { notices: ['请保管好随身物品'] } })).status).toBe(200);
  });
  afterAll(async () => {
    await h.dispose();
  });

  /** Runs `RUNS` requests through one endpoint, each refused without a change; then the whole state is compared. */
  async function fuzz(label: string, arb: fc.Arbitrary<Req>, exactly?: (r: Req) => number | undefined): Promise<void> {
    // Each endpoint against the state it found, so one finding does not cascade into the others.
    const start = await fingerprint(h);
    await fc.assert(
      fc.asyncProperty(arb, async (r) => {
        const res = await send(h, r);
        expectRefusal(res, r, exactly?.(r));
        expect(h.hub.handler.seq, `${label}: ${describeReq(r)} moved seq`).toBe(start.seq);
      }),
      { numRuns: RUNS },
    );
    expect(await fingerprint(h), `${label} changed the hall`).toEqual(start);
  }

  const post = (url: string, token: () => string, fields: Fields, opts: { nonEmpty?: boolean } = {}) =>
    fc.record({ body: badBody(fields, opts), idempotencyKey }).map(({ body, idempotencyKey }): Req => req({ method: 'POST', url, token: token(), body, idempotencyKey }));

  it('POST /auth/login', async () => {
    await fuzz('login', badBody(F.login).map((body): Req => req({ method: 'POST', url: '/auth/login', body })));
  });

  it('POST /tickets (kiosk and guide desk)', async () => {
    const arb = fc
      .record({ body: badBody(F.tickets), idempotencyKey, who: fc.constantFrom('kiosk', 'guide') })
      .map(({ body, idempotencyKey, who }): Req => req({ method: 'POST', url: '/tickets', token: who === 'kiosk' ? KIOSK : tok.g1, body, idempotencyKey }));
    await fuzz('tickets', arb);
  });

  it('DELETE /tickets/:id with random ids, queries and bodies', async () => {
    const id = fc.oneof(
      fc.string({ maxLength: 70 }).map(encodeURIComponent),
      fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
      fc.constantFrom('t_doesnotexist', 'x'.repeat(65), '%00', '..', '%2F', 'null'),
    );
    const query = fc.option(
      fc.dictionary(fc.constantFrom('reason', 'force', 'id', ''), fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 201, maxLength: 230 }), withControlChar), { maxKeys: 3 }),
      { nil: undefined },
    );
    const body = fc.oneof(fc.constant<Body>({ kind: 'none' }), badBody(F.none));
    const arb = fc.record({ id, query, body, idempotencyKey, who: fc.constantFrom('g1', 'm1') }).map(
      ({ id, query, body, idempotencyKey, who }): Req => req({
        method: 'DELETE',
        url: `/tickets/${id}${query ? `?${new URLSearchParams(query as Record<string, string>).toString()}` : ''}`,
        token: tok[who],
        body,
        idempotencyKey,
      }),
    );
    await fuzz('delete ticket', arb);
  });

  for (const a of WINDOW_ACTIONS) {
    it(`POST /windows/1/${a.path} (window closed, its clerk signed in)`, async () => {
      await fuzz(`window 1 ${a.path}`, post(`/windows/1/${a.path}`, () => tok.c1, a.fields));
    });
  }

  it('POST /windows/:id/<action> with random ids and actions', async () => {
    const id = fc.oneof(
      fc.integer({ min: -5, max: 2_000 }).map(String),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
      fc.constantFrom('abc', '1.5', '1e2', '0x1', '%00', ' 1', '01', '999999999999999999999', '-0', 'null', '%2F..', '3 ', 'Infinity'),
    );
    const arb = fc
      .tuple(id, fc.constantFrom(...WINDOW_ACTIONS), fc.constantFrom('m1', 'c1', 'c2'))
      .chain(([id, a, who]) =>
        fc.record({ body: badBody(a.fields, { nonEmpty: true }), idempotencyKey }).map(({ body, idempotencyKey }): Req => req({ method: 'POST', url: `/windows/${id}/${a.path}`, token: tok[who as 'm1' | 'c1' | 'c2'], body, idempotencyKey })),
      );
    await fuzz('window ids', arb);
  });

  it('PUT /hall/notices', async () => {
    const arb = fc.record({ body: badBody(F.notices), idempotencyKey }).map(({ body, idempotencyKey }): Req => req({ method: 'PUT', url: '/hall/notices', token: tok.m1, body, idempotencyKey }));
    await fuzz('notices', arb);
  });

  it('POST /appointments', async () => {
    const arb = fc
      .record({ body: badBody(F.appointments), idempotencyKey, who: fc.constantFrom('g1', 'm1') })
      .map(({ body, idempotencyKey, who }): Req => req({ method: 'POST', url: '/appointments', token: tok[who], body, idempotencyKey }));
    await fuzz('appointments', arb);
  });

  it('POST /ratings (from the pad of window 2, which has nothing to rate)', async () => {
    await fuzz('ratings', post('/ratings', () => padToken(2), F.ratings));
  });

  it('POST /followups/:id', async () => {
    const arb = fc
      .record({ body: badBody(F.followup), idempotencyKey, id: fc.oneof(fc.constant('f_nope'), fc.string({ minLength: 1, maxLength: 80 }).map(encodeURIComponent)) })
      .map(({ body, idempotencyKey, id }): Req => req({ method: 'POST', url: `/followups/${id}`, token: tok.m1, body, idempotencyKey }));
    await fuzz('followups', arb);
  });

  it('POST /tickets/:id/print with random ids and bodies', async () => {
    const arb = fc
      .record({
        id: fc.string({ minLength: 1, maxLength: 80 }).map(encodeURIComponent),
        body: fc.oneof(fc.constant<Body>({ kind: 'none' }), fc.anything().map((value): Body => ({ kind: 'json', value }))),
      })
      .map(({ id, body }): Req => req({ method: 'POST', url: `/tickets/${id}/print`, token: tok.g1, body }));
    await fuzz('reprint', arb);
  });

  it('POST /sim/idcard/insert', async () => {
    await fuzz('idcard', post('/sim/idcard/insert', () => KIOSK, F.idcard));
  });

  it('refuses junk bodies with 400 at an open window with a number called, changing nothing', async () => {
    // Window 2 is open and busy: here a body that got through would call, recall, complete, transfer …
    const arb = fc
      .constantFrom(...WINDOW_ACTIONS)
      .chain((a) =>
        fc.record({ body: badBody(a.fields, { nonEmpty: true }), idempotencyKey }).map(({ body, idempotencyKey }): Req => req({ method: 'POST', url: `/windows/2/${a.path}`, token: tok.c2, body, idempotencyKey })),
      );
    // JSON bodies (short of the size limit) fail validation: exactly 400. Raw ones may be 413/415 too.
    const isOversized = (r: Req) => r.body.kind === 'raw' && r.body.text.length > 64 * 1024;
    const longKey = (r: Req) => (r.idempotencyKey?.length ?? 0) > 200;
    await fuzz('open window 2', arb, (r) => (r.body.kind === 'json' || (r.body.kind === 'raw' && r.body.contentType === 'application/json' && !isOversized(r)) || longKey(r) ? 400 : undefined));
  }, 60_000);

  it('answers the same over real HTTP', async () => {
    const start = await fingerprint(h);
    const cases: { method: string; path: string; token?: string; body: string; type: string | null; status: number }[] = [
      { method: 'POST', path: '/tickets', token: KIOSK, body: '{"categoryId":', type: 'application/json', status: 400 },
      { method: 'POST', path: '/tickets', token: KIOSK, body: JSON.stringify({ categoryId: HUGE }), type: 'application/json', status: 413 },
      { method: 'POST', path: '/tickets', token: KIOSK, body: 'categoryId=ZX', type: 'application/x-www-form-urlencoded', status: 415 },
      { method: 'PUT', path: '/hall/notices', token: tok.m1, body: '{"notices":["x"]}', type: 'text/plain', status: 400 },
      { method: 'POST', path: '/windows/abc/open', token: tok.c1, body: '{"role":"A"}', type: 'application/json', status: 400 },
      { method: 'POST', path: '/windows/2/call-next', token: tok.c2, body: '{"please":true}', type: 'application/json', status: 400 },
      { method: 'POST', path: '/windows/2/complete', token: tok.c2, body: '{"caseNo":{"$gt":""}}', type: 'application/json', status: 400 },
      { method: 'POST', path: '/auth/login', body: '{"jobNo":"m1","password":"hallq-demo","role":"admin"}', type: 'application/json', status: 400 },
      { method: 'POST', path: '/appointments', token: tok.g1, body: '{"categoryId":"ZX","slotStart":"tomorrow","slotEnd":"later"}', type: 'application/json', status: 400 },
    ];
    for (const c of cases) {
      const res = await fetch(`${h.url}/api/v1${c.path}`, {
        method: c.method,
        headers: { ...(c.type ? { 'content-type': c.type } : {}), ...(c.token ? { authorization: `Bearer ${c.token}` } : {}) },
        body: c.body,
      });
      const raw = await res.text();
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      expectRefusal({ status: res.status, body, raw }, { method: c.method as Req['method'], url: c.path, body: { kind: 'raw', text: c.body, contentType: c.type } }, c.status);
    }
    expect(await fingerprint(h)).toEqual(start);
  });
});

describe('fuzz findings: values the schema should refuse', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub();
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('refuses wrong JSON types instead of coercing them into valid values', async () => {
    const c2 = await openWindow(h.url, 2);
    const c3 = await login(h.url, 'c3');
    const m1 = await login(h.url, 'm1');
    expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } })).status).toBe(201);
    expect((await api(h.url, 'POST', '/windows/2/call-next', { token: c2 })).status).toBe(200);
    expect((await api(h.url, 'PUT', '/hall/notices', { token: m1, body: { notices: ['过号请重新取号'] } })).status).toBe(200);
    const before = await fingerprint(h);

    const cases: { label: string; method: string; path: string; token?: string; body: unknown }[] = [
      { label: 'array for a string', method: 'POST', path: '/tickets', token: KIOSK, body: { categoryId: ['ZX'] } },
      { label: 'number for a string', method: 'POST', path: '/tickets', token: KIOSK, body: { categoryId: 'SB', phone: 13812345678 } },
      { label: 'null for a list', method: 'PUT', path: '/hall/notices', token: m1, body: { notices: null } },
      { label: 'string for a list', method: 'PUT', path: '/hall/notices', token: m1, body: { notices: '暂停办理' } },
      { label: 'string for an integer', method: 'POST', path: '/windows/2/transfer', token: c2, body: { toWindowId: '3' } },
      { label: 'array for an enum', method: 'POST', path: '/windows/3/open', token: c3, body: { role: ['A'] } },
      { label: 'arrays for credentials', method: 'POST', path: '/auth/login', body: { jobNo: ['m1'], password: ['hallq-demo'] } },
    ];
    for (const c of cases) {
      const r = await api(h.url, c.method, c.path, { ...(c.token ? { token: c.token } : {}), body: c.body });
      expect.soft(r.status, `${c.label}: ${c.method} ${c.path} ${JSON.stringify(c.body)} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`).toBe(400);
    }
    expect(await fingerprint(h)).toEqual(before);
  });

  it('refuses a pause reason with a control character', async () => {
    const c1 = await openWindow(h.url, 1);
    const before = await fingerprint(h);
    for (const reason of ['a\u0000', '\u0007', '午休\u001b', 'x\u007f']) {
      const r = await api(h.url, 'POST', '/windows/1/pause', { token: c1, body: { reason } });
      expect.soft(r.status, `pause ${JSON.stringify(reason)} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`).toBe(400);
      if (r.status === 200) await api(h.url, 'POST', '/windows/1/resume', { token: c1 });
    }
    expect((await fingerprint(h)).seq).toBe(before.seq);
  });

  it('answers a deeply nested body with an Idempotency-Key without a 500', async () => {
    const g1 = await login(h.url, 'g1');
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const before = await fingerprint(h);
    const r = await h.hub.app.inject({
      method: 'DELETE',
      url: '/api/v1/tickets/t_doesnotexist',
      headers: { authorization: `Bearer ${g1}`, 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      payload: deep,
    });
    expect(r.statusCode, r.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(r.statusCode, r.body.slice(0, 300)).toBeLessThan(500);
    expect(await fingerprint(h)).toEqual(before);
  });

  it('refuses a body on DELETE /tickets/:id instead of ignoring it', async () => {
    const g1 = await login(h.url, 'g1');
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
    expect(t.status).toBe(201);
    const before = await fingerprint(h);
    const r = await api(h.url, 'DELETE', `/tickets/${t.body.ticket.id}`, { token: g1, body: { evil: 1 } });
    expect.soft(r.status, `DELETE with a junk body -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`).toBe(400);
    expect((await api(h.url, 'GET', `/tickets/${t.body.ticket.id}`)).body.ticket.status).toBe('waiting');
    expect(await fingerprint(h)).toEqual(before);
  });
});
