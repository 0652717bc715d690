import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, login, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/**
 * Issue #14 §2 acceptance: the kiosk's (simulated) printer runs out of paper, and the manager's
 * dashboard and the guide desk's screen both show it within 2 s; the guide clears the alarm of a
 * device that stayed down, and the cover and paper come back on both screens.
 */
describe.skipIf(!hasTool(CHROMIUM, ['--version']))('the device health board in Chromium', () => {
  let h: RunningHub;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHub({ config: testConfig({ simPrinter: true }) });
    browser = await launchBrowser();
    mkdirSync('test-output/screenshots', { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  async function signIn(page: Page, path: string, jobNo: string) {
    await page.goto(`${h.url}${path}`);
    await page.fill('input[name=jobNo]', jobNo);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=login]');
  }

  it('shows a printer out of paper on the manager’s and the guide’s screens within 2 s', { timeout: 60_000 }, async () => {
    const manager = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const guide = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await signIn(manager, '/display/manager.html', 'm1');
    await signIn(guide, '/display/console.html', 'g1');
    const printerRow = '[data-test="device-printer:kiosk-1"]';
    await manager.waitForSelector(printerRow);
    await expect.poll(() => manager.textContent('[data-test="device-paper-printer:kiosk-1"]')).toBe('纸量正常');
    await guide.waitForSelector('[data-test=devices-all-well]');
    // Both pages are live (their sockets connected) before the paper runs out.
    await expect.poll(() => manager.evaluate(() => (globalThis as { __hallqLinkDrops?: number }).__hallqLinkDrops ?? 0)).toBe(0);

    const guideToken = await login(h.url, 'g1');
    const started = Date.now();
    expect((await api(h.url, 'POST', '/sim/printer/state', { token: guideToken, body: { action: 'paper-out' } })).status).toBe(200);
    await Promise.all([
      manager.waitForFunction(() => document.querySelector('[data-test="device-paper-printer:kiosk-1"]')?.textContent === '缺纸', undefined, { timeout: 2_000 }),
      guide.waitForSelector('[data-test="device-alert-printer:kiosk-1"]', { timeout: 2_000 }),
    ]);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2_000);
    expect(await guide.textContent('[data-test="device-alert-printer:kiosk-1"]')).toContain('号票打印机缺纸，请更换纸卷');
    expect(await manager.textContent('[data-test="device-health-printer:kiosk-1"]')).toContain('故障');
    await manager.screenshot({ path: 'test-output/screenshots/device-board-manager-paper-out.png', fullPage: true });
    await guide.screenshot({ path: 'test-output/screenshots/device-board-guide-paper-out.png' });
    await expectAccessible(manager, 'device-board-manager-paper-out');
    await expectAccessible(guide, 'device-board-guide-paper-out');

    // Paper back: the guide's alert goes, the manager's row says so.
    await api(h.url, 'POST', '/sim/printer/state', { token: guideToken, body: { action: 'paper-in' } });
    await guide.waitForSelector('[data-test=devices-all-well]', { timeout: 5_000 });
    await manager.waitForFunction(() => document.querySelector('[data-test="device-paper-printer:kiosk-1"]')?.textContent === '纸量正常', undefined, { timeout: 5_000 });
  });
});
