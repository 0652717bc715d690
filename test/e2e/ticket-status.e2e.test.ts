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

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('the phone page of a ticket taken by SMS (issue #15 §3)', () => {
  it('shows the masked number and sets when the "almost your turn" text goes, at 360 px', async () => {
    const { FakeSmsChannel } = await import('../support/fake-sms-channel.ts');
    const { testConfig } = await import('../support/test-config.ts');
    const { expectAccessible } = await import('../support/axe.ts');
    const channel = new FakeSmsChannel();
    const h = await startHub({ config: testConfig({ sms: true }), smsChannel: channel });
    const browser = await launchBrowser();
    try {
      await channel.receive('13812345678', '取号 SB', 'e2e-1');
      for (let i = 0; i < 50 && channel.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const link = /\/t\/([\w-]+)/.exec(channel.sent[0]!.text)![1]!;
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      await page.goto(`${h.url}/t/${link}`);
      await page.waitForSelector('[data-test=sms-reminders]');
      expect(await page.textContent('[data-test=sms-reminders]')).toContain('138****5678');
      expect(await page.inputValue('[data-test=remind-ahead]')).toBe('3');
      await page.selectOption('[data-test=remind-ahead]', '1');
      await page.waitForFunction(async (id) => (await (await fetch(`/api/v1/tickets/${id}/reminders`)).json()).remindAhead === 1, link);
      await page.selectOption('[data-test=remind-ahead]', 'off');
      await page.waitForFunction(async (id) => (await (await fetch(`/api/v1/tickets/${id}/reminders`)).json()).remindAhead === null, link);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await page.screenshot({ path: 'test-output/screenshots/ticket-sms-reminders-360.png', fullPage: true });
      await expectAccessible(page, 'ticket page with SMS reminders');
      // A ticket taken without a number has no reminders to show.
      const plain = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await page.goto(`${h.url}/t/${plain.body.ticket.id}`);
      await page.waitForSelector('[data-test=ticket-status]');
      expect(await page.$('[data-test=sms-reminders]')).toBeNull();
      await page.close();
    } finally {
      await browser.close();
      await h.dispose();
    }
  }, 60_000);
});
