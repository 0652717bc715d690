import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, lastEvent, login, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/** Issue #4 acceptance: console → hall wall → window screen, in headless Chromium. */
const SHOTS = 'test-output/screenshots';

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('calling in Chromium', () => {
  let h: RunningHub;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHub({ config: testConfig({ windows: 3, simCaller: true, simLed: true }) });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  async function consoleFor(jobNo: string, windowId: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${h.url}/display/console.html`);
    await page.fill('input[name=jobNo]', jobNo);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=login]');
    await page.click(`[data-test=sign-in-${windowId}-A]`);
    await page.waitForSelector('[data-test=call-next]');
    return page;
  }

  async function wall(viewport = { width: 1920, height: 1080 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(`${h.url}/display/wall.html`);
    await page.waitForSelector('.side h2');
    return page;
  }

  it('shows a call from the console on the wall and on the window screen', async () => {
    const wallPage = await wall();
    const windowPage = await browser.newPage({ viewport: { width: 1280, height: 360 } });
    await windowPage.goto(`${h.url}/display/window.html?w=1`);
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const clerk = await consoleFor('c1', 1);
    await clerk.click('[data-test=call-next]');
    await clerk.waitForSelector('[data-test=current-number]');
    expect(await clerk.textContent('[data-test=current-number]')).toBe(t.body.ticket.number);
    expect(await clerk.textContent('[data-test=reason]')).toContain('First come');
    await wallPage.waitForFunction((n) => document.querySelector('[data-test=latest-number]')?.textContent === n, t.body.ticket.number);
    // The announcer queued the clip plan for 「请A001号到一号窗口办理」, and the wall took it to play.
    const announced = h.hub.announcer!.recent(5).find((a) => a.number === t.body.ticket.number)!;
    expect(announced.plan).toEqual(['chime', 'qing', 'A', 'ling', 'ling', 'yi', 'hao', 'dao', 'yi', 'hao', 'chuangkou', 'banli']);
    await wallPage.waitForFunction((id) => (window as any).__hallqPlayer?.played.includes(id), announced.callId);
    // The LED bar above window 1 got the simple-bar bytes for 「A001 请到1号窗口」, and the wall LED the call.
    await expect.poll(() => h.hub.led!.barSim!.textOf(1), { timeout: 5000 }).toBe(`${t.body.ticket.number} 请到1号窗口`);
    // The simulator decoded a well-formed frame (STX, address, show, GB text, XOR, ETX) for bar 1.
    expect(h.hub.led!.barSim!.received.filter((r) => r.address === 1 && r.command === 'show').at(-1)).toMatchObject({ text: `${t.body.ticket.number} 请到1号窗口` });
    await expect.poll(() => h.hub.led!.wallSim!.textOf(1) ?? '', { timeout: 5000 }).toContain(`${t.body.ticket.number}→1号`);
    await windowPage.waitForFunction((n) => document.querySelector('[data-test=current-number]')?.textContent === n, t.body.ticket.number);
    expect(await windowPage.textContent('[data-test=staff]')).toContain('甲1');
    await clerk.screenshot({ path: `${SHOTS}/console-called.png` });
    await wallPage.screenshot({ path: `${SHOTS}/wall-1080p.png` });
    await windowPage.screenshot({ path: `${SHOTS}/window-screen.png` });

    // Complete with a case number typed as a scanner would (then Enter), then pause with a reason.
    await clerk.keyboard.press('F5');
    await clerk.fill('[data-test=case-no]', 'BJ20261123001');
    await clerk.press('[data-test=item-code]', 'Enter');
    await clerk.waitForSelector('.empty');
    const done = lastEvent(h.hub.db, 'ticket.completed')!;
    expect((done.data as { caseNo: string }).caseNo).toBe('BJ20261123001');
    await clerk.click('[data-test=pause]');
    await clerk.selectOption('[data-test=pause-reason]', '午间休息');
    await clerk.click('[data-test=pause-submit]');
    await windowPage.waitForSelector('[data-test=paused]');
    await expect.poll(() => h.hub.led!.barSim!.textOf(1), { timeout: 5000 }).toBe('暂停服务');
    expect(await windowPage.textContent('[data-test=pause-reason]')).toBe('午间休息');
    await windowPage.screenshot({ path: `${SHOTS}/window-screen-paused.png` });
    await clerk.click('[data-test=resume]');
    await windowPage.waitForSelector('[data-test=idle]');
    for (const p of [wallPage, windowPage, clerk]) await p.close();
  });

  it('gives two clerks clicking at the same moment different tickets', async () => {
    for (let i = 0; i < 2; i++) await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
    const [a, b] = await Promise.all([consoleFor('c2', 2), consoleFor('c3', 3)]);
    await Promise.all([a.click('[data-test=call-next]'), b.click('[data-test=call-next]')]);
    await Promise.all([a.waitForSelector('[data-test=current-number]'), b.waitForSelector('[data-test=current-number]')]);
    const na = await a.textContent('[data-test=current-number]');
    const nb = await b.textContent('[data-test=current-number]');
    expect(na).not.toBe(nb);
    for (const [p, w] of [
      [a, 2],
      [b, 3],
    ] as const) {
      await p.click('[data-test=complete]');
      await p.click('[data-test=complete-submit]');
      await p.waitForSelector('.empty');
      void w;
    }
    await a.close();
    await b.close();
  });

  it('shows every call missed while disconnected, in order, and never as new twice', async () => {
    const page = await wall({ width: 3840, height: 2160 });
    const clerk = await login(h.url, 'c1'); // still signed in at window 1 from the first test
    // The wall loses its link: the page goes offline (so it cannot reconnect) and its live
    // connection drops, as with a pulled cable. Three calls happen; then the link comes back.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    for (const socket of h.hub.io.of('/').sockets.values()) socket.conn.close();
    const numbers: string[] = [];
    // Two are missed (过号), the third still waits at the window: the wall shows what is true now.
    for (let i = 0; i < 3; i++) {
      const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
      numbers.push(t.body.ticket.number);
      await api(h.url, 'POST', '/windows/1/call-next', { token: clerk });
      if (i < 2) await api(h.url, 'POST', '/windows/1/no-show', { token: clerk });
    }
    await page.waitForSelector('[data-test=connection-lost]', { timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/wall-4k-connection-lost.png` });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.waitForFunction((n) => document.querySelector('[data-test=latest-number]')?.textContent === n, numbers[2], { timeout: 15_000 });
    const shown = await page.$$eval('[data-test=call-row] .h-number', (tds) => tds.map((t) => t.textContent));
    expect([numbers[2], ...shown.slice(0, 2)]).toEqual([numbers[2], numbers[1], numbers[0]]);
    await page.waitForSelector('[data-test=connection-lost]', { state: 'detached' });
    // Nothing is announced twice, whatever came back with the reconnect.
    const played = await page.evaluate(() => (window as any).__hallqPlayer.played as string[]);
    expect(new Set(played).size).toBe(played.length);
    await page.screenshot({ path: `${SHOTS}/wall-4k.png` });
    await page.close();
    await api(h.url, 'POST', '/windows/1/complete', { token: clerk });
  }, 60_000);

  it('calls the next number from a caller keypad exactly as the console button does', async () => {
    const wallPage = await wall();
    const clerk = await login(h.url, 'c2');
    const w2 = await api(h.url, 'GET', '/windows/2', { token: clerk });
    if (w2.body.window.status === 'closed') await api(h.url, 'POST', '/windows/2/open', { token: clerk, body: { role: 'A' } });
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
    const r = await api(h.url, 'POST', '/sim/caller/press', { token: clerk, body: { address: 2, key: 'call' } });
    expect(r.status).toBe(200);
    await wallPage.waitForFunction((n) => document.querySelector('[data-test=latest-number]')?.textContent === n, t.body.ticket.number);
    const e = lastEvent(h.hub.db, 'ticket.called')!;
    expect(e.actor).toMatchObject({ kind: 'device', id: 'caller-2' });
    expect(e.data).toMatchObject({ windowId: 2, staffId: 'c2', number: t.body.ticket.number });
    await wallPage.close();
  });

  it('lets a manager edit the notices that scroll on the wall', async () => {
    const wallPage = await wall();
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${h.url}/display/console.html`);
    await page.fill('input[name=jobNo]', 'm1');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=login]');
    await page.fill('[data-test=notices]', '周六上午延时服务\n过号请重新取号');
    await page.click('[data-test=save-notices]');
    await wallPage.waitForFunction(() => document.querySelector('.marquee')?.textContent?.includes('周六上午延时服务'));
    const e = lastEvent(h.hub.db, 'notice.updated')!;
    expect(e.actor).toMatchObject({ kind: 'staff', id: 'm1', role: 'manager' });
    await wallPage.screenshot({ path: `${SHOTS}/wall-notices.png` });
    await page.close();
    await wallPage.close();
  });

  it('transfers the called number from the console dialog to another window, keeping the number', async () => {
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    // c1 is still signed in at window 1 from the first test: signing in again resumes the panel.
    const from = await consoleFor('c1', 1);
    await from.click('[data-test=call-next]');
    await from.waitForSelector('[data-test=current-number]');
    const number = await from.textContent('[data-test=current-number]');
    await from.keyboard.press('F6');
    await from.selectOption('[data-test=transfer-target]', 'w:3');
    await from.check('input[value=front]');
    await from.fill('.dialog input[maxlength="200"]', '需到民政窗口');
    await from.click('[data-test=transfer-submit]');
    await from.waitForSelector('.empty');
    const e = lastEvent(h.hub.db, 'ticket.transferred')!;
    expect(e.data).toMatchObject({ number, fromWindowId: 1, toWindowId: 3, placement: 'front', note: '需到民政窗口' });
    const clerk3 = await login(h.url, 'c3');
    const w3 = await api(h.url, 'GET', '/windows/3', { token: clerk3 });
    if (w3.body.window.status === 'closed') await api(h.url, 'POST', '/windows/3/open', { token: clerk3, body: { role: 'A' } });
    const call = await api(h.url, 'POST', '/windows/3/call-next', { token: clerk3 });
    expect(call.body.ticket.number).toBe(number);
    expect(call.body.reason.rule).toBe('transferred_to_window');
    expect(t.status).toBe(201);
    await from.close();
  });
});

