import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, openWindow, startHub, type RunningHub, eventsIn } from '../support/hub.ts';
import { KIOSK, WALL } from '../support/test-config.ts';

describe('auth (DESIGN §5)', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub();
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('answers 401 to a mutating call without a token, and changes nothing', async () => {
    const seq = h.hub.handler.seq;
    for (const [method, path, body] of [
      ['POST', '/tickets', { categoryId: 'ZX' }],
      ['POST', '/windows/1/call-next', undefined],
      ['POST', '/windows/1/open', { role: 'A' }],
      ['PUT', '/hall/notices', { notices: ['x'] }],
      ['DELETE', '/tickets/t_x', undefined],
    ] as const) {
      const r = await api(h.url, method, path, body === undefined ? {} : { body });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error.code).toBe('HQ_ERR_AUTH_REQUIRED');
    }
    const bad = await api(h.url, 'POST', '/tickets', { token: 'not-a-token', body: { categoryId: 'ZX' } });
    expect(bad.status).toBe(401);
    expect(h.hub.handler.seq).toBe(seq);
  });

  it('refuses a clerk on another window with 403', async () => {
    await openWindow(h.url, 1);
    const clerk2 = await login(h.url, 'c2');
    const seq = h.hub.handler.seq;
    for (const action of ['call-next', 'recall', 'no-show', 'start', 'complete', 'resume', 'close']) {
      const r = await api(h.url, 'POST', `/windows/1/${action}`, { token: clerk2 });
      expect(r.status, action).toBe(403);
      expect(r.body.error.code).toBe('HQ_ERR_NOT_YOUR_WINDOW');
    }
    const open = await api(h.url, 'POST', '/windows/1/open', { token: clerk2, body: { role: 'A' } });
    expect(open.status).toBe(403);
    expect(h.hub.handler.seq).toBe(seq);
  });

  it('lets a kiosk token issue tickets but not call, cancel or sign in', async () => {
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    expect(t.status).toBe(201);
    expect((await api(h.url, 'POST', '/windows/1/call-next', { token: KIOSK })).status).toBe(403);
    expect((await api(h.url, 'DELETE', `/tickets/${t.body.ticket.id}`, { token: KIOSK })).status).toBe(403);
    expect((await api(h.url, 'POST', '/windows/1/open', { token: KIOSK, body: { role: 'A' } })).status).toBe(403);
    expect((await api(h.url, 'POST', '/tickets', { token: WALL, body: { categoryId: 'ZX' } })).status).toBe(403);
  });

  it('refuses a wrong password with a bilingual message and records the actor of every action', async () => {
    const r = await api(h.url, 'POST', '/auth/login', { body: { jobNo: 'c1', password: 'wrong-password' } });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/工号或密码错误.*Wrong job number or password/);
    const guide = await login(h.url, 'g1');
    const t = await api(h.url, 'POST', '/tickets', { token: guide, body: { categoryId: 'SB', priorityGroup: 'disabled' } });
    const cancel = await api(h.url, 'DELETE', `/tickets/${t.body.ticket.id}?reason=${encodeURIComponent('群众离开')}`, { token: guide });
    expect(cancel.status).toBe(200);
    const rows = eventsIn(h.hub.db, `type IN ('ticket.issued', 'ticket.cancelled')`).slice(-2);
    for (const row of rows) expect(row.actor).toEqual({ kind: 'staff', id: 'g1', role: 'guide' });
    expect(eventsIn(h.hub.db, `type = 'ticket.issued'`)[0]!.actor).toMatchObject({ kind: 'device', id: 'kiosk-1' });
  });

  it('accepts the session cookie the UIs use', async () => {
    const res = await fetch(`${h.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobNo: 'm1', password: 'hallq-demo' }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/hallq_session=st_[^;]+;.*HttpOnly/i);
    const me = await fetch(`${h.url}/api/v1/auth/me`, { headers: { cookie: cookie.split(';')[0]! } });
    expect((await me.json()).staff.role).toBe('manager');
  });
});

describe('auth: who acts at a window, sessions, lockout', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub();
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('lets only the clerk signed in at the window act; the B clerk takes over by signing in', async () => {
    await openWindow(h.url, 1); // c1 as A
    await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const b1 = await login(h.url, 'b1');
    const seq = h.hub.handler.seq;
    const r = await api(h.url, 'POST', '/windows/1/call-next', { token: b1 });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('HQ_ERR_NOT_SIGNED_IN');
    expect((await api(h.url, 'POST', '/windows/1/close', { token: b1 })).status).toBe(403);
    expect(h.hub.handler.seq).toBe(seq);
    expect((await api(h.url, 'POST', '/windows/1/open', { token: b1, body: { role: 'B' } })).status).toBe(200);
    const call = await api(h.url, 'POST', '/windows/1/call-next', { token: b1 });
    expect(call.status).toBe(200);
    expect((eventsIn(h.hub.db, `type = 'ticket.called'`).at(-1)!.data as { staffId: string }).staffId).toBe('b1');
  });

  it('counts failed logins before checking, so parallel guesses hit the lock', async () => {
    const tries = await Promise.all(Array.from({ length: 12 }, () => api(h.url, 'POST', '/auth/login', { body: { jobNo: 'c3', password: 'guess-guess' } })));
    const checked = tries.filter((r) => r.status === 401).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(tries.filter((r) => r.status === 429).length).toBe(12 - checked);
  });

  it('ends live sockets when their session ends', async () => {
    const { io: connect } = await import('socket.io-client');
    const token = await login(h.url, 'm1');
    const socket = connect(h.url, { transports: ['websocket'], reconnection: false, auth: { token } });
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    expect((await api(h.url, 'POST', '/auth/logout', { token })).status).toBe(204);
    await gone;
    expect(socket.connected).toBe(false);
  });
});
