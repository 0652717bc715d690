import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, lastEvent, startHub, type RunningHub, stateOf } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { MockUpstream } from '../mock-platform/mock-upstream.ts';
import { KIOSK, padToken, TEST_PASSWORD, testConfig, UPSTREAM_SECRET } from '../support/test-config.ts';

/** Issue #5 acceptance: console → pad → rating, in headless Chromium. */
const SHOTS = 'test-output/screenshots';

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('rating pad in Chromium', () => {
  let h: RunningHub;
  let browser: Browser;
  let upstream: MockUpstream;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    upstream = await MockUpstream.start({ secret: UPSTREAM_SECRET });
    h = await startHub({ config: testConfig({ windows: 2, upstream: upstream.url }) });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
    await upstream?.close();
  });

  it('asks the pad after the clerk completes, and stores a tap on 非常满意', async () => {
    const padPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await padPage.goto(`${h.url}/display/pad.html?token=${padToken(1)}`);
    await padPage.waitForSelector('[data-test=pad-idle]');
    const clerk = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await clerk.goto(`${h.url}/display/console.html`);
    await clerk.fill('input[name=jobNo]', 'c1');
    await clerk.fill('input[name=password]', TEST_PASSWORD);
    await clerk.click('[data-test=login]');
    await clerk.click('[data-test=sign-in-1-A]');
    await padPage.waitForSelector('[data-test=pad-idle] .clerk');
    await padPage.screenshot({ path: `${SHOTS}/pad-idle.png` });
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    await clerk.click('[data-test=call-next]');
    await clerk.waitForSelector('[data-test=current-number]');
    await clerk.click('[data-test=complete]');
    await clerk.fill('[data-test=case-no]', 'BJ20261123042');
    await clerk.fill('[data-test=item-code]', '330100-ZX-01');
    await clerk.click('[data-test=complete-submit]');
    await padPage.waitForSelector('[data-test=pad-request]');
    expect(await padPage.textContent('[data-test=pad-number]')).toBe(t.body.ticket.number);
    await padPage.screenshot({ path: `${SHOTS}/pad-request.png` });
    await padPage.click('[data-test=level-5]');
    await padPage.waitForSelector('[data-test=pad-thanks]');
    const row = lastEvent(h.hub.db, 'rating.recorded')!;
    expect(row.data).toMatchObject({ level: 5, label: '非常满意', caseNo: 'BJ20261123042', itemCode: '330100-ZX-01', windowId: 1, staffId: 'c1', channel: 'pad' });
    // The clerk's console shows the rating.
    await clerk.waitForSelector('[data-test=rating]');
    // The province's platform (the mock) receives it exactly once, with the case number and the item.
    await expect.poll(() => upstream.received().length, { timeout: 10_000 }).toBe(1);
    expect(upstream.received()[0]!.body).toMatchObject({ bjbh: 'BJ20261123042', sxbm: '330100-ZX-01', pjdj: 5, ckbh: 1, gzrybh: 'c1' });
    expect(upstream.posts().length).toBe(1);
    await clerk.close();
    await padPage.close();
  });

  it('offers the reasons for 不满意 and records them', async () => {
    const padPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await padPage.goto(`${h.url}/display/pad.html?token=${padToken(1)}`);
    await padPage.waitForSelector('[data-test=pad-idle]');
    const c1 = await api(h.url, 'POST', '/auth/login', { body: { jobNo: 'c1', password: TEST_PASSWORD } });
    const token = c1.body.token as string;
    await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    await api(h.url, 'POST', '/windows/1/call-next', { token });
    await api(h.url, 'POST', '/windows/1/complete', { token, body: { caseNo: 'BJ-BAD' } });
    await padPage.waitForSelector('[data-test=pad-request]');
    await padPage.click('[data-test=level-2]');
    await padPage.waitForSelector('[data-test=pad-reasons]');
    await padPage.click('text=服务效率');
    await padPage.fill('textarea', '排队时间太长');
    await padPage.screenshot({ path: `${SHOTS}/pad-reasons.png` });
    await padPage.click('[data-test=pad-submit]');
    await padPage.waitForSelector('[data-test=pad-thanks]');
    const row = lastEvent(h.hub.db, 'rating.recorded')!;
    expect(row.data).toMatchObject({ level: 2, reasons: ['服务效率'], comment: '排队时间太长', caseNo: 'BJ-BAD' });
    expect([...(await stateOf(h.hub)).followups.values()].some((f) => f.level === 2 && f.status === 'open')).toBe(true);
    await padPage.close();
  });

  it('lets a manager work through a bad-rating follow-up in the console', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${h.url}/display/console.html`);
    await page.fill('input[name=jobNo]', 'm1');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=login]');
    const f = [...(await stateOf(h.hub)).followups.values()].find((x) => x.status === 'open')!;
    await page.waitForSelector(`[data-test=followup-${f.id}]`);
    for (const note of ['已电话回访群众', '核实为高峰期等候过长', '增开午间窗口']) {
      await page.fill(`[data-test=followup-${f.id}] input`, note);
      await page.click(`[data-test=followup-${f.id}] button`);
      await page.waitForFunction(([id, n]) => document.querySelector(`[data-test=followup-${id}]`)?.textContent?.includes(n!) ?? !document.querySelector(`[data-test=followup-${id}]`), [f.id, note] as const);
    }
    await expect.poll(async () => (await stateOf(h.hub)).followups.get(f.id)?.status).toBe('closed');
    expect((await stateOf(h.hub)).followups.get(f.id)!.steps.map((s) => s.step)).toEqual(['callback', 'verification', 'rectification']);
    await page.close();
  });
});

