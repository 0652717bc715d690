import { describe, expect, it } from 'vitest';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { api, login, openWindow, startHub } from '../support/hub.ts';
import { KIOSK, MONITOR, padToken, testConfig, UPSTREAM_SECRET } from '../support/test-config.ts';

const details = async (url: string, token = MONITOR) => {
  const r = await fetch(`${url}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
};

describe('health that tells the truth (issue #8 §3, §6)', () => {
  it('shows liveness to anyone and the details only to the manager or a monitoring token', async () => {
    const h = await startHub();
    try {
      const live = await fetch(`${h.url}/healthz`);
      expect(live.status).toBe(200);
      const body = await live.json();
      // No hub id (the key to replaying the log), no backlog, no devices.
      expect(body).toEqual({ ok: true });
      expect((await fetch(`${h.url}/api/v1/health`)).status).toBe(401);
      expect((await details(h.url, await login(h.url, 'c1'))).status).toBe(403);
      expect((await details(h.url, KIOSK)).status).toBe(403);
      const m = await details(h.url, await login(h.url, 'm1'));
      expect(m.status).toBe(200);
      expect(m.body).toMatchObject({ ok: true, hubId: h.hub.hubId, lastCommit: { ok: true } });
      expect((await details(h.url)).body.hubId).toBe(h.hub.hubId);
    } finally {
      await h.dispose();
    }
  });

  it('says not ok while writes fail on a full disk, and ok again once a write lands', async () => {
    const h = await startHub();
    try {
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      // The database may not grow past its current pages: SQLite answers SQLITE_FULL, as on a full disk.
      const pages = h.hub.db.pragma('page_count', { simple: true }) as number;
      h.hub.db.pragma(`max_page_count = ${pages}`);
      let failed = 0;
      for (let i = 0; i < 50 && failed === 0; i++) {
        const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
        if (r.status >= 500) failed++;
      }
      expect(failed).toBe(1);
      const down = await fetch(`${h.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ ok: false });
      const d = await details(h.url);
      expect(d.body.ok).toBe(false);
      expect(d.body.lastCommit.error).toMatch(/full/i);
      h.hub.db.pragma('max_page_count = 1073741823');
      expect((await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } })).status).toBe(201);
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    } finally {
      await h.dispose();
    }
  });

  it('counts every rating still to upload, at once, while the platform is down', async () => {
    const mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, mode: 'fail' });
    const h = await startHub({ config: testConfig({ windows: 1, upstream: mock.url }) });
    try {
      const clerk = await openWindow(h.url, 1);
      for (let i = 0; i < 8; i++) {
        await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
        await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
        const done = await api(h.url, 'POST', '/windows/1/complete', { token: clerk });
        expect((await api(h.url, 'POST', '/ratings', { token: padToken(1), body: { serviceId: done.body.serviceId, level: 5 } })).status).toBe(201);
        // Straight after each rating, not whenever the worker last reported.
        expect((await details(h.url)).body.upstream.backlog).toBe(i + 1);
      }
    } finally {
      await h.dispose();
      await mock.close();
    }
  });
});
