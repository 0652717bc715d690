import { describe, expect, it } from 'vitest';
import { buildHub } from '../../src/app.ts';
import { api, startHub, TEST_HMAC_KEY } from '../support/hub.ts';
import { testConfig } from '../support/test-config.ts';

describe('route schemas, compiled after the hub serves', () => {
  it('every route schema compiles (a broken one would otherwise show only on its first request)', async () => {
    const hub = await buildHub({ config: testConfig(), dbFile: ':memory:', hmacKey: TEST_HMAC_KEY, dayCloser: false, logger: false });
    try {
      await hub.app.ready();
      const first = await hub.compileSchemas();
      expect(first.errors).toEqual([]);
      expect(first.compiled).toBeGreaterThan(100);
      // Each schema once, by its text: nothing is left for a second pass.
      expect(await hub.compileSchemas()).toEqual({ compiled: 0, errors: [] });
    } finally {
      await hub.close();
    }
  });

  it('a request before the background pass is checked and answered as after it', async () => {
    const h = await startHub();
    try {
      // No wait: the first requests meet stand-ins that compile on the spot.
      const bad = await api(h.url, 'POST', '/auth/login', { body: { jobNo: 5 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('HQ_ERR_VALIDATION');
      expect(bad.body.error.detail.problems).toEqual(["body must have required property 'password'"]);
      await h.hub.compileSchemas();
      const again = await api(h.url, 'POST', '/auth/login', { body: { jobNo: 5 } });
      expect(again.status).toBe(400);
      expect(again.body).toEqual(bad.body);
    } finally {
      await h.dispose();
    }
  });

  it('a route may not have a headers schema: fastify would no longer lowercase its names', async () => {
    const hub = await buildHub({ config: testConfig(), dbFile: ':memory:', hmacKey: TEST_HMAC_KEY, dayCloser: false, logger: false });
    try {
      hub.app.get('/x-headers', { schema: { headers: { type: 'object', properties: { 'X-Thing': { type: 'string' } } } } }, async () => 'ok');
      await expect(hub.app.ready()).rejects.toThrow(/headers schema/);
    } finally {
      await hub.close().catch(() => undefined);
    }
  });
});
