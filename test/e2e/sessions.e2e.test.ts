import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK, TEST_PASSWORD } from '../support/test-config.ts';

/**
 * Issue #8 §2: ending a session in the UI ends it on the hub. A kiosk is a public machine; a guide
 * who leaves guide mode must not leave a 12-hour staff session behind in its storage.
 */
describe.skipIf(!hasTool(CHROMIUM, ['--version']))('sessions end where the UI ends them', () => {
  let h: RunningHub;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHub();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  /** The staff token a page holds in its session storage, under `key`. */
  const tokenIn = (page: Page, key: string, field: string) => page.evaluate(([k, f]) => JSON.parse(sessionStorage.getItem(k!) ?? 'null')?.[f!] as string | undefined, [key, field]);

  it('leaving guide mode at the kiosk ends the guide session on the hub', async () => {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(`${h.url}/kiosk/?token=${KIOSK}`);
    await page.click('[data-test=guide-login]');
    await page.fill('input[name=jobNo]', 'g1');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=guide-submit]');
    await page.waitForSelector('[data-test=guide-logout]');
    const token = await tokenIn(page, 'hallq.kiosk.guide', 'token');
    expect((await api(h.url, 'GET', '/auth/me', { token: token! })).status).toBe(200);
    await page.click('[data-test=guide-logout]');
    await page.waitForSelector('[data-test=guide-login]');
    await expect.poll(async () => (await api(h.url, 'GET', '/auth/me', { token: token! })).status).toBe(401);
    expect(await tokenIn(page, 'hallq.kiosk.guide', 'token')).toBeUndefined();
  });

  it('signing out at the console closes the window and ends the session on the hub', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${h.url}/display/console.html`);
    await page.fill('input[name=jobNo]', 'c1');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=login]');
    await page.click('[data-test=sign-in-1-A]');
    await page.waitForSelector('[data-test=call-next]');
    const token = await tokenIn(page, 'hallq.console.session', 'token');
    await page.click('[data-test=sign-out]');
    await page.waitForSelector('[data-test=login]');
    await expect.poll(async () => (await api(h.url, 'GET', '/auth/me', { token: token! })).status).toBe(401);
    expect((await api(h.url, 'GET', '/hall')).body.windows[0].status).toBe('closed');
    // A manager, who has no window, logs out from the start screen.
    await page.fill('input[name=jobNo]', 'm1');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=login]');
    await page.waitForSelector('[data-test=logout]');
    const managerToken = await tokenIn(page, 'hallq.console.session', 'token');
    await page.click('[data-test=logout]');
    await page.waitForSelector('[data-test=login]');
    await expect.poll(async () => (await api(h.url, 'GET', '/auth/me', { token: managerToken! })).status).toBe(401);
  });
});
