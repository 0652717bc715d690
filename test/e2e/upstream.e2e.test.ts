import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.ts';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, lastEvent, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { KIOSK, padToken, TEST_PASSWORD, testConfig, UPSTREAM_SECRET } from '../support/test-config.ts';

/** Issue #12 in Chromium: the console asks for the case, the pad shows the province's page, the manager resends a refused record. */
const SHOTS = 'test-output/screenshots';

async function signIn(browser: Browser, url: string, jobNo: string) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${url}/display/console.html`);
  await page.fill('input[name=jobNo]', jobNo);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await page.click('[data-test=login]');
  return page;
}

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('好差评 screens in Chromium', () => {
  let browser: Browser;
  let mock: MockUpstream;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser();
    mock = await MockUpstream.start({ secret: UPSTREAM_SECRET, platform: 'anhui' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await mock?.close();
  });

  it('asks the clerk for the case where the hall requires it; the pad shows the province’s page and its QR; the page’s rating comes back', async () => {
    mock.reset();
    const h: RunningHub = await startHub({ config: testConfig({ windows: 1, requireCase: true, upstream: mock.url, upstreamAdapter: 'anhui-page' }) });
    mock.setCallback(`${h.url}/api/v1/upstream/page-results`);
    try {
      const padPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await padPage.goto(`${h.url}/display/pad.html?token=${padToken(1)}`);
      await padPage.waitForSelector('[data-test=pad-idle]');
      const clerk = await signIn(browser, h.url, 'c1');
      await clerk.click('[data-test=sign-in-1-A]');
      const card = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '王小明', idNumber: withCheckDigit('34010219850312002') } });
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX', cardToken: card.body.card.cardToken } });
      await clerk.click('[data-test=call-next]');
      await clerk.waitForSelector('[data-test=current-number]');
      // F8 (complete and call next) asks first: the hall requires the case and the item.
      await clerk.click('[data-test=complete-and-call]');
      await clerk.waitForSelector('[data-test=case-required]');
      expect(await clerk.getAttribute('[data-test=case-no]', 'required')).not.toBeNull();
      expect(await clerk.$$eval('#hall-items option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['ITEM-1', 'ITEM-2']);
      await clerk.fill('[data-test=case-no]', 'AH-E2E-1');
      await clerk.fill('[data-test=item-code]', 'ITEM-1');
      await clerk.screenshot({ path: `${SHOTS}/console-case-required.png` });
      await expectAccessible(clerk, 'console-case-required');
      await clerk.click('[data-test=complete-submit]');

      await padPage.waitForSelector('[data-test=province-frame]');
      const src = (await padPage.getAttribute('[data-test=province-frame]', 'src'))!;
      expect(src.startsWith(`${mock.origin}/page?param=`)).toBe(true);
      expect(await padPage.$('.page-qr svg')).not.toBeNull();
      // The province's page itself, inside the pad (the mock serves it once the case is pushed).
      await expect.poll(() => mock.received().length, { timeout: 10_000 }).toBe(1);
      await padPage.screenshot({ path: `${SHOTS}/pad-province-page.png` });
      await expectAccessible(padPage, 'pad-province-page');
      const frame = padPage.frames().find((f) => f.url().startsWith(`${mock.origin}/page`))!;
      await frame.click('button[value="4"]');
      await padPage.waitForSelector('[data-test=pad-idle]');
      expect(lastEvent(h.hub.db, 'rating.recorded')!.data).toMatchObject({ level: 4, channel: 'page', caseNo: 'AH-E2E-1' });
      await clerk.close();
      await padPage.close();
    } finally {
      await h.dispose();
    }
  }, 60_000);

  it('shows the manager a refused record with the platform’s words, and resends it', async () => {
    mock.reset();
    const h: RunningHub = await startHub({ config: testConfig({ windows: 1, upstream: mock.url, upstreamAdapter: 'anhui-page' }) });
    try {
      const token = (await api(h.url, 'POST', '/auth/login', { body: { jobNo: 'c1', password: TEST_PASSWORD } })).body.token as string;
      await api(h.url, 'POST', '/windows/1/open', { token, body: { role: 'A' } });
      await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      await api(h.url, 'POST', '/windows/1/call-next', { token });
      // No applicant at all: the province refuses the case.
      await api(h.url, 'POST', '/windows/1/complete', { token, body: { caseNo: 'AH-E2E-2', itemCode: 'ITEM-1' } });
      await expect.poll(() => (h.hub.db.prepare('SELECT COUNT(*) AS n FROM upstream_outbox WHERE next_attempt_at = 9007199254740991').get() as { n: number }).n, { timeout: 15_000 }).toBe(1);
      const manager = await signIn(browser, h.url, 'm1');
      await manager.waitForSelector('[data-test=upstream] .followup');
      const text = await manager.textContent('[data-test=upstream]');
      expect(text).toContain('userName不能为空');
      expect(text).toContain('AH-E2E-2');
      // What was refused is the case the hub pushed for the province's page, and the manager is told so.
      expect(text).toContain('办件推送');
      await manager.locator('[data-test=upstream]').scrollIntoViewIfNeeded();
      await manager.screenshot({ path: `${SHOTS}/manager-upstream.png`, fullPage: true });
      await expectAccessible(manager, 'manager-upstream');
      const before = mock.posts().length;
      await manager.click('[data-test^=resend-]');
      await manager.waitForSelector('text=没有被退回的记录');
      // Sent again (and, with its cause not fixed here, refused again in the platform's words).
      await expect.poll(() => mock.posts().length, { timeout: 10_000 }).toBeGreaterThan(before);
      await manager.close();
    } finally {
      await h.dispose();
    }
  }, 60_000);
});
