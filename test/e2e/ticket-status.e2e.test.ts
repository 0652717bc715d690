import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK } from '../support/test-config.ts';

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('ticket status page (the QR on a ticket)', () => {
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

  it('follows the ticket live: people ahead, then the window to go to', async () => {
    const first = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const mine = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${h.url}/t/${mine.body.ticket.id}`);
    await page.waitForSelector('[data-test=ticket-status][data-status=waiting]');
    expect(await page.textContent('.number')).toBe(mine.body.ticket.number);
    expect(await page.textContent('.status')).toContain('前面还有 1 人');
    const clerk = await openWindow(h.url, 2);
    await api(h.url, 'POST', '/windows/2/call-next', { token: clerk }); // the first ticket
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('前面还有 0 人'));
    await api(h.url, 'POST', '/windows/2/complete', { token: clerk });
    const call = await api(h.url, 'POST', '/windows/2/call-next', { token: clerk });
    expect(call.body.ticket.id).toBe(mine.body.ticket.id);
    await page.waitForSelector('[data-test=ticket-status][data-status=called]');
    expect(await page.textContent('.status')).toContain('请到 2 号窗口');
    await page.screenshot({ path: 'test-output/screenshots/ticket-status-called.png' });
    expect(first.status).toBe(201);
    await page.goto(`${h.url}/t/t_not-a-ticket`);
    await page.waitForSelector('.status.bad');
    await page.close();
  });
});
