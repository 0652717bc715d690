import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HallConfigError, parseHallConfig } from '../../src/config/load-hall-config.ts';
import { demoEntries } from '../../src/config/load-hall-config.ts';
import { api, lastEvent, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/** An HTTP call from a chosen local address: a second client on the hall's LAN, as far as the hub can tell. */
function from(localAddress: string, url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const u = new URL(`${url}/api/v1${path}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, localAddress, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

describe('simulator controls exist only in a demo config', () => {
  it('serves none of /sim/... without demo, and says which are on when there is', async () => {
    const real = await startHub({ config: testConfig({ demo: false, simPrinter: true, simCaller: true, simLed: true }) });
    try {
      const guide = await login(real.url, 'g1');
      for (const [method, path] of [
        ['POST', '/sim/idcard/insert'],
        ['GET', '/sim/printer/receipts'],
        ['GET', '/sim/printer/latest.png'],
        ['POST', '/sim/caller/press'],
        ['GET', '/sim/led'],
      ] as const) {
        const r = await api(real.url, method, path, { token: guide, ...(method === 'POST' ? { body: {} } : {}) });
        expect(r.status, `${method} ${path}`).toBe(404);
      }
      expect(demoEntries(real.hub.handler.config).filter((e) => e.startsWith('simulator'))).toEqual([]);
    } finally {
      await real.dispose();
    }
    const demo = testConfig({ simPrinter: true, simCaller: true, simLed: true });
    expect(demoEntries(demo)).toEqual(expect.arrayContaining(['simulator controls: idcard', 'simulator controls: printer', 'simulator controls: caller', 'simulator controls: led']));
  });
});

describe('authorization holes (issue #8 §2)', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub({ config: testConfig({ simPrinter: true, simCaller: true, simLed: true }) });
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('lets only the signed-in clerk of the window (or a manager) press its simulated keypad, and credits them', async () => {
    await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const c1 = await openWindow(h.url, 1);
    const c2 = await login(h.url, 'c2');
    const b1 = await login(h.url, 'b1');
    const guide = await login(h.url, 'g1');
    const press = (token: string) => api(h.url, 'POST', '/sim/caller/press', { token, body: { address: 1, key: 'call' } });
    const seq = h.hub.handler.seq;
    expect((await press(c2)).status).toBe(403); // another window's clerk
    expect((await press(guide)).status).toBe(403);
    const notSignedIn = await press(b1); // window 1's B clerk, while A is signed in
    expect(notSignedIn.status).toBe(403);
    expect(notSignedIn.body.error.code).toBe('HQ_ERR_NOT_SIGNED_IN');
    expect(h.hub.handler.seq).toBe(seq);
    expect((await press(c1)).status).toBe(200);
    expect((lastEvent(h.hub.db, 'ticket.called')!.data as { staffId: string }).staffId).toBe('c1');
  });

  it('answers nobody anonymous on the simulators: receipts, the ticket picture, the LED contents', async () => {
    for (const path of ['/sim/printer/receipts', '/sim/printer/latest.png', '/sim/led']) expect((await api(h.url, 'GET', path)).status, path).toBe(401);
    expect((await api(h.url, 'GET', '/sim/printer/receipts', { token: KIOSK })).status).toBe(200);
  });

  it('requires a same-origin proof of a mutating call that has only the session cookie', async () => {
    const login1 = await fetch(`${h.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobNo: 'c3', password: TEST_PASSWORD }) });
    const cookie = login1.headers.get('set-cookie')!.split(';')[0]!;
    await api(h.url, 'POST', '/windows/3/open', { token: (await login1.json()).token, body: { role: 'A' } });
    const host = new URL(h.url).host;
    const post = (headers: Record<string, string>) => fetch(`${h.url}/api/v1/windows/3/pause`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ reason: '离开' }) });
    // A page on another port of the same host (same site, so SameSite does not help).
    const foreign = await post({ origin: `http://${new URL(h.url).hostname}:9999` });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe('HQ_ERR_SAME_ORIGIN_REQUIRED');
    expect((await post({})).status).toBe(403); // no proof at all
    expect((await post({ origin: `http://${host}` })).status).toBe(200);
    expect((await fetch(`${h.url}/api/v1/windows/3/resume`, { method: 'POST', headers: { cookie, 'x-hallq-client': 'ui' } })).status).toBe(200);
    // A bearer token needs no proof: it cannot be sent by another page.
    expect((await api(h.url, 'GET', '/hall')).status).toBe(200);
  });

  it('ends a session on logout: the token no longer works', async () => {
    const token = await login(h.url, 'g1');
    expect((await api(h.url, 'GET', '/auth/me', { token })).status).toBe(200);
    expect((await api(h.url, 'POST', '/auth/logout', { token })).status).toBe(204);
    expect((await api(h.url, 'GET', '/auth/me', { token })).status).toBe(401);
  });
});

describe('login limits (issue #8 §2)', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub();
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('never locks the owner out: failures from one client slow that client only', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await from('127.0.0.2', h.url, 'POST', '/auth/login', { jobNo: 'c1', password: 'wrong-guess' });
      expect([401, 429]).toContain(r.status);
    }
    // The attacker now waits, with a growing delay…
    const blocked = await from('127.0.0.2', h.url, 'POST', '/auth/login', { jobNo: 'c1', password: 'wrong-guess' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(blocked.body.error.zh).toContain('频繁');
    // …and the clerk at their own PC signs in at once.
    const owner = await from('127.0.0.3', h.url, 'POST', '/auth/login', { jobNo: 'c1', password: TEST_PASSWORD });
    expect(owner.status).toBe(200);
  });

  it('keeps a flood of invented job numbers away from the password check', async () => {
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => from('127.0.0.4', h.url, 'POST', '/auth/login', { jobNo: `x${i}`, password: 'whatever-1' })));
    const checked = flood.filter((r) => r.status === 401).length;
    const refused = flood.filter((r) => r.status === 429).length;
    expect(checked + refused).toBe(200);
    // At most the running and queued attempts, and the per-minute failures, reached scrypt.
    expect(checked).toBeLessThanOrEqual(12);
    const owner = await from('127.0.0.5', h.url, 'POST', '/auth/login', { jobNo: 'c2', password: TEST_PASSWORD });
    expect(owner.status).toBe(200);
  });

  it('lets parallel successful logins from one PC through (they wait their turn)', async () => {
    const all = await Promise.all(['c1', 'c2', 'c3', 'b1', 'b2', 'b3', 'g1', 'm1'].map((jobNo) => from('127.0.0.6', h.url, 'POST', '/auth/login', { jobNo, password: TEST_PASSWORD })));
    expect(all.map((r) => r.status)).toEqual(Array(8).fill(200));
  });
});

describe('device limits (issue #8 §2)', () => {
  it('refuses a second device with a token already given to another', () => {
    const c = testConfig();
    const raw = structuredClone(c) as unknown as { devices: { tokens: { id: string; kind: string; token?: string; windowId?: number }[] } };
    raw.devices.tokens.push({ id: 'kiosk-2', kind: 'kiosk', token: KIOSK });
    expect(() => parseHallConfig(raw)).toThrow(HallConfigError);
    try {
      parseHallConfig(raw);
    } catch (err) {
      expect((err as HallConfigError).problems.map((p) => p.message).join('\n')).toMatch(/token \(the same secret\)/);
    }
  });

  it('rate-limits ticket issue per kiosk, well above a real kiosk; a retry of an issued ticket is free', async () => {
    const h = await startHub({ config: testConfig({ realIssueLimits: true }) });
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' }, headers: { 'idempotency-key': `k${i}` } })));
      const issued = results.filter((r) => r.status === 201).length;
      expect(issued).toBe(h.hub.handler.config.limits.kioskIssue.burst);
      const refused = results.find((r) => r.status === 429)!;
      expect(refused.body.error.code).toBe('HQ_ERR_TOO_MANY_REQUESTS');
      const retry = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' }, headers: { 'idempotency-key': 'k0' } });
      expect(retry.status).toBe(201);
      expect(retry.body.ticket.number).toBe('A001');
      // The guide desk has its own bucket.
      const guide = await login(h.url, 'g1');
      expect((await api(h.url, 'POST', '/tickets', { token: guide, body: { categoryId: 'ZX' } })).status).toBe(201);
    } finally {
      await h.dispose();
    }
  });
});
