import { describe, expect, it } from 'vitest';
import { parseHallConfig } from '../../src/config/load-hall-config.ts';
import { api, startHub } from '../support/hub.ts';
import { testConfig } from '../support/test-config.ts';

/**
 * Residents' phones may reach `/book` through the hall's reverse proxy. Limits per address must then
 * count each phone (the proxy's X-Forwarded-For), but only from a proxy the hall named: anyone else
 * could write any address there and never be limited.
 */
describe('trusted proxies and the limits per client address', () => {
  const withRate = (trustedProxies: string[]) => {
    const base = testConfig();
    return parseHallConfig({ ...base, limits: { ...base.limits, trustedProxies }, booking: { ...base.booking, publicRate: { burst: 2, perMinute: 2 } } });
  };
  const ask = (url: string, from: string) => api(url, 'GET', '/public/booking/categories', { headers: { 'x-forwarded-for': from } });

  it('counts each phone behind a named proxy apart, and ignores the header from anyone else', async () => {
    const behind = await startHub({ config: withRate(['127.0.0.1']) });
    try {
      for (let i = 0; i < 2; i++) expect((await ask(behind.url, '192.0.2.10')).status).toBe(200);
      expect((await ask(behind.url, '192.0.2.10')).status).toBe(429);
      // Another phone through the same proxy is not held back by the first.
      expect((await ask(behind.url, '192.0.2.11')).status).toBe(200);
    } finally {
      await behind.dispose();
    }
    const direct = await startHub({ config: withRate([]) });
    try {
      // No proxy named: the header is a client's own word, and every request here is the same peer.
      expect((await ask(direct.url, '192.0.2.10')).status).toBe(200);
      expect((await ask(direct.url, '192.0.2.11')).status).toBe(200);
      const third = await ask(direct.url, '192.0.2.12');
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe('HQ_ERR_TOO_MANY_REQUESTS');
    } finally {
      await direct.dispose();
    }
  });

  it('refuses a proxy entry that is not an address or a range, saying which', () => {
    expect(() => withRate(['10.1.0.0/16', 'fe80::1', 'nginx.local'])).toThrow(/limits\.trustedProxies\[2\].*"nginx\.local" is not an IP address or a CIDR range/s);
    expect(() => withRate(['10.1.0.0/33'])).toThrow(/limits\.trustedProxies\[0\]/);
  });
});
