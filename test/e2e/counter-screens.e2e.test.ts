import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireRatings } from '../../src/rating-timeouts.ts';
import { expectAccessible } from '../support/axe.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, eventsIn, lastEvent, login, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK, padToken, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/** Issue #13 on the clerk console, the hall wall, the window screens, the rating pad and the manager's view. */
const SHOTS = 'test-output/screenshots';
const NOTICES = ['提供方便是我们的职责，让您满意是我们的追求', '过号请重新取号', '周六上午延时服务', '请保管好随身物品'];

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('issue #13 on the screens', () => {
  let h: RunningHub;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const config = testConfig({ windows: 3, allowChosenCall: true, recallLimit: 2 });
    config.notices = [...NOTICES];
    config.ratings.timeoutSec = 8;
    config.ratings.onlineUrl = 'https://zwfw.example.gov.cn/hcp';
    h = await startHub({ config });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  const issue = async (categoryId = 'ZX') => (await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId } })).body.ticket.number as string;
  /** The clerk of window N, signed in there with nothing at the counter. */
  async function freeWindow(windowId: number): Promise<string> {
    const token = await login(h.url, `c${windowId}`);
    const w = (await api(h.url, 'GET', `/windows/${windowId}`, { token })).body.window;
    if (w.status === 'closed') await api(h.url, 'POST', `/windows/${windowId}/open`, { token, body: { role: 'A' } });
    if (w.status === 'paused') await api(h.url, 'POST', `/windows/${windowId}/resume`, { token });
    if (w.current) await api(h.url, 'POST', `/windows/${windowId}/complete`, { token });
    return token;
  }
  const lastData = (type: string) => lastEvent(h.hub.db, type)!.data as Record<string, unknown>;

  async function consolePage(jobNo: string, password = TEST_PASSWORD): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${h.url}/display/console.html`);
    await page.fill('input[name=jobNo]', jobNo);
    await page.fill('input[name=password]', password);
    await page.click('[data-test=login]');
    return page;
  }
  async function atWindow(jobNo: string, windowId: number): Promise<Page> {
    const page = await consolePage(jobNo);
    await page.click(`[data-test=sign-in-${windowId}-A]`);
    await page.waitForSelector('[data-test=call-next]');
    return page;
  }
  const current = (page: Page) => page.textContent('[data-test=current-number]').then((t) => t?.trim() ?? '');

  it('shows a wrong password on the login form', async () => {
    const page = await consolePage('c1', 'not-the-password');
    await page.waitForSelector('[data-test=login-error]');
    expect(await page.textContent('[data-test=login-error]')).toContain('工号或密码错误');
    await page.screenshot({ path: `${SHOTS}/console-login-error.png` });
    await expectAccessible(page, 'console-login');
    await page.close();
  });

  it("lists the window's queue in call order with reasons, calls a chosen number, counts recalls, asks before 过号, and times the service", async () => {
    const numbers = [await issue(), await issue(), await issue(), await issue('SB')];
    const page = await atWindow('c1', 1);
    await page.waitForSelector(`[data-test=queue-${numbers[3]}]`);
    const order = await page.$$eval('[data-test=queue] li b.q-num', (els) => els.map((e) => e.textContent));
    const panel = (await api(h.url, 'GET', '/windows/1', { token: await login(h.url, 'c1') })).body.window;
    expect(order).toEqual(panel.queue.map((q: { number: string }) => q.number));
    expect(await page.textContent('[data-test=queue]')).toMatch(/按/);
    await page.screenshot({ path: `${SHOTS}/console-queue-in-call-order.png` });
    await expectAccessible(page, 'console-window');

    // 指定叫号: the third number, recorded as chosen.
    await page.click(`[data-test=call-chosen-${numbers[2]}]`);
    await page.waitForSelector('[data-test=current-number]');
    expect(await current(page)).toBe(numbers[2]);
    expect(await page.textContent('[data-test=reason]')).toContain('指定叫号');
    expect(lastData('ticket.called')).toMatchObject({ number: numbers[2], reason: { rule: 'chosen' }, staffId: 'c1' });
    const t0 = await page.textContent('[data-test=service-timer]');
    await page.waitForFunction((t) => document.querySelector('[data-test=service-timer]')?.textContent !== t, t0, { timeout: 3000 });

    // 重呼: counted, the last one flagged, and the one that would make it 过号 asks first.
    await page.keyboard.press('F2');
    await page.waitForSelector('[data-test=last-recall]');
    await page.keyboard.press('F2');
    await page.waitForSelector('[data-test=no-recall-left]');
    expect(await page.textContent('[data-test=recall-count]')).toContain('重呼 2/2');
    const seq = h.hub.handler.seq;
    await page.keyboard.press('F2');
    await page.waitForSelector('[data-test=confirm-no-show]');
    await page.screenshot({ path: `${SHOTS}/console-recall-over-limit-asks.png` });
    await expectAccessible(page, 'console-confirm-no-show');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-test=confirm-no-show]', { state: 'detached' });
    expect(h.hub.handler.seq).toBe(seq);
    // F3 asks too; Enter confirms.
    await page.keyboard.press('F3');
    await page.waitForSelector('[data-test=confirm-no-show]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.empty');
    expect(lastData('ticket.no_show')).toMatchObject({ number: numbers[2], reason: 'clerk' });

    // F1, then 办结并叫下一位 in one key (F8).
    await page.keyboard.press('F1');
    await page.waitForSelector('[data-test=current-number]');
    const first = await current(page);
    await page.keyboard.press('F8');
    await page.waitForFunction((n) => document.querySelector('[data-test=current-number]')?.textContent?.trim() !== n, first);
    expect(lastData('ticket.completed').number).toBe(first);
    await page.waitForFunction(() => Number(document.querySelector('[data-test=day-served]')?.textContent) >= 1);
    await page.screenshot({ path: `${SHOTS}/console-after-f8-day-counts.png` });
    await page.close();
  });

  it('keeps F5 from reloading the page while a dialog is open, and keeps what was typed', async () => {
    await issue();
    const page = await atWindow('c1', 1);
    if (!(await page.$('[data-test=current-number]'))) {
      await page.keyboard.press('F1');
      await page.waitForSelector('[data-test=current-number]');
    }
    await page.evaluate(() => ((window as unknown as { __stay: number }).__stay = 42));
    await page.keyboard.press('F5');
    await page.waitForSelector('[data-test=case-no]');
    await page.fill('[data-test=case-no]', 'BJ-F5-TEST');
    await page.keyboard.press('F5');
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __stay?: number }).__stay)).toBe(42);
    expect(await page.inputValue('[data-test=case-no]')).toBe('BJ-F5-TEST');
    await page.screenshot({ path: `${SHOTS}/console-f5-in-dialog-kept.png` });
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('shows the transfer note when a transferred ticket arrives at the next window', async () => {
    const c1 = await freeWindow(1);
    await freeWindow(2);
    await issue();
    const called = await api(h.url, 'POST', '/windows/1/call-next', { token: c1 });
    expect(called.status).toBe(200);
    await api(h.url, 'POST', '/windows/1/transfer', { token: c1, body: { toWindowId: 2, note: '材料已收齐，请直接受理' } });
    const page = await atWindow('c2', 2);
    await page.click('[data-test=call-next]');
    await page.waitForSelector('[data-test=transfer-note]');
    expect(await current(page)).toBe(called.body.ticket.number);
    expect(await page.textContent('[data-test=transfer-note]')).toContain('材料已收齐，请直接受理');
    expect(await page.textContent('[data-test=transfer-note]')).toContain('1号窗口');
    await page.screenshot({ path: `${SHOTS}/console-transfer-note.png` });
    await page.close();
  });

  it('shows on the wall what is true now: one row per recall, missed and transferred tickets say so, and the main call is never a missed one', async () => {
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${h.url}/display/wall.html?panel=windows`);
    await wall.waitForSelector('[data-test=window-board]');
    const c3 = await freeWindow(3);
    const c2 = await freeWindow(2);
    await issue();
    await issue('SB');
    const callA = await api(h.url, 'POST', '/windows/3/call-next', { token: c3 });
    const a = callA.body.ticket.number as string;
    await api(h.url, 'POST', '/windows/3/recall', { token: c3 });
    await wall.waitForFunction((n) => document.querySelector('[data-test=latest-recall]') && document.querySelector('[data-test=latest-number]')?.textContent === n, a);
    const callB = await api(h.url, 'POST', '/windows/2/call-next', { token: c2 });
    await wall.waitForFunction((n) => document.querySelector('[data-test=latest-number]')?.textContent === n, callB.body.ticket.number);
    // The recall updated A's row: A is listed once.
    expect(await wall.$$eval('[data-test=call-row] .h-number', (tds, n) => tds.filter((t) => t.textContent === n).length, a)).toBe(1);
    // B is missed, and its window pauses: the main call goes back to A, B says 已过号.
    await api(h.url, 'POST', '/windows/2/no-show', { token: c2 });
    await api(h.url, 'POST', '/windows/2/pause', { token: c2, body: { reason: '临时离岗' } });
    await wall.waitForFunction((n) => document.querySelector('[data-test=latest-number]')?.textContent === n, a);
    await wall.waitForFunction((n) => [...document.querySelectorAll('[data-test=call-row]')].some((r) => r.textContent?.includes(n) && r.textContent.includes('已过号')), callB.body.ticket.number);
    // A is transferred to 社保: its row says so, and the wall has no main call left.
    await api(h.url, 'POST', '/windows/3/transfer', { token: c3, body: { toCategoryId: 'SB' } });
    await wall.waitForSelector('[data-test=latest-idle]');
    await wall.waitForFunction((n) => [...document.querySelectorAll('[data-test=call-row]')].some((r) => r.textContent?.includes(n) && r.textContent.includes('已转社保')), a);
    expect(await wall.textContent('[data-test=board-2]')).toContain('暂停');
    await wall.screenshot({ path: `${SHOTS}/wall-1080p-what-is-true-now.png` });
    await expectAccessible(wall, 'wall');
    await api(h.url, 'POST', '/windows/2/resume', { token: c2 });
    await wall.close();
  });

  it('is readable from 10 m: no text under 64 px at 1080p or 128 px at 4K, and a lost connection is obvious', async () => {
    const c3 = await freeWindow(3);
    await issue();
    await api(h.url, 'POST', '/windows/3/call-next', { token: c3 });
    for (const [name, viewport, min] of [
      ['1080p', { width: 1920, height: 1080 }, 64],
      ['4k', { width: 3840, height: 2160 }, 128],
    ] as const) {
      for (const panel of ['windows', 'queues']) {
        const wall = await browser.newPage({ viewport });
        await wall.goto(`${h.url}/display/wall.html?panel=${panel}`);
        await wall.waitForSelector('[data-test=latest-number]');
        await wall.waitForSelector(panel === 'windows' ? '[data-test=window-board]' : '[data-test=queues]');
        const small = await wall.evaluate((limit) => {
          const out: string[] = [];
          const walker = document.createTreeWalker(document.querySelector('.wall')!, NodeFilter.SHOW_TEXT);
          let n: Node | null;
          while ((n = walker.nextNode())) {
            const text = n.textContent?.trim();
            const el = n.parentElement;
            if (!text || !el || !el.offsetParent) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (size < limit - 0.5) out.push(`${text.slice(0, 12)}: ${size.toFixed(1)} px`);
          }
          return out;
        }, min);
        expect(small, `${name} ${panel}`).toEqual([]);
        await wall.screenshot({ path: `${SHOTS}/wall-${name}-${panel}.png` });
        if (name === '1080p' && panel === 'windows') {
          // The link drops: a red band the whole width of the wall, in the same large type.
          const cdp = await wall.context().newCDPSession(wall);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
          for (const socket of h.hub.io.of('/').sockets.values()) socket.conn.close();
          await wall.waitForSelector('[data-test=connection-lost]', { timeout: 10_000 });
          const band = await wall.$eval('[data-test=connection-lost]', (e) => ({ size: parseFloat(getComputedStyle(e).fontSize), width: e.getBoundingClientRect().width }));
          expect(band.size).toBeGreaterThanOrEqual(64);
          expect(band.width).toBe(1920);
          await wall.screenshot({ path: `${SHOTS}/wall-1080p-connection-lost-band.png` });
          await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
          await wall.waitForSelector('[data-test=connection-lost]', { state: 'detached', timeout: 15_000 });
        }
        await wall.close();
      }
    }
  }, 90_000);

  it('shows the clerk by name and job number on the window screen, never the internal A/B role', async () => {
    await freeWindow(3);
    const screen = await browser.newPage({ viewport: { width: 1280, height: 360 } });
    await screen.goto(`${h.url}/display/window.html?w=3`);
    await screen.waitForSelector('[data-test=staff]');
    expect(await screen.textContent('[data-test=staff-name]')).toBe('甲3');
    expect(await screen.textContent('[data-test=staff-job-no]')).toContain('c3');
    const text = await screen.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(/[AB]角/);
    await screen.screenshot({ path: `${SHOTS}/window-screen-name-and-job-number.png` });
    await expectAccessible(screen, 'window-screen');
    await screen.close();
  });

  it('lets a resident take back a mis-tap on 不满意, asks for a reason with a countdown, and lets time run out as unrated', async () => {
    const c3 = await freeWindow(3);
    const serve = async () => {
      const w = (await api(h.url, 'GET', '/windows/3', { token: c3 })).body.window;
      if (!w.current) {
        await issue();
        await api(h.url, 'POST', '/windows/3/call-next', { token: c3 });
      }
      return (await api(h.url, 'POST', '/windows/3/complete', { token: c3, body: {} })).body.serviceId as string;
    };
    // The request of this service, not one still open from an earlier test's service at window 3.
    const padShows = async (page: Page, serviceId: string) => {
      const asked = eventsIn(h.hub.db, `type = 'rating.requested'`).find((r) => (r.data as { serviceId: string }).serviceId === serviceId);
      await page.waitForFunction((n) => document.querySelector('[data-test=pad-request] [data-test=pad-number]')?.textContent === n, (asked!.data as { number: string }).number);
    };
    const pad = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await pad.goto(`${h.url}/display/pad.html?token=${padToken(3)}`);
    await pad.waitForSelector('[data-test=pad-idle]');
    const first = await serve();
    await padShows(pad, first);
    const en = await pad.$$eval('.level .en', (els) => Math.min(...els.map((e) => parseFloat(getComputedStyle(e).fontSize))));
    expect(en).toBeGreaterThanOrEqual(20);
    await expectAccessible(pad, 'pad-request');
    await pad.screenshot({ path: `${SHOTS}/pad-request-contrast.png` });
    await pad.click('[data-test=level-1]');
    await pad.waitForSelector('[data-test=pad-reasons]');
    expect(await pad.isDisabled('[data-test=pad-submit]')).toBe(true);
    expect(await pad.textContent('[data-test=pad-countdown]')).toMatch(/\d+ 秒/);
    await pad.screenshot({ path: `${SHOTS}/pad-reasons-change-countdown.png` });
    await expectAccessible(pad, 'pad-reasons');
    await pad.click('[data-test=pad-change]');
    await pad.click('[data-test=level-4]');
    await pad.waitForSelector('[data-test=pad-thanks] [data-test=online-qr] svg');
    await pad.screenshot({ path: `${SHOTS}/pad-thanks-online-qr.png` });
    expect(lastData('rating.recorded')).toMatchObject({ serviceId: first, level: 4 });
    expect(h.hub.db.prepare(`SELECT count(*) AS n FROM events_readable WHERE type = 'followup.opened'`).get()).toEqual({ n: 0 });

    // A low level and no reason: when the time runs out the service is unrated, never 非常不满意.
    await pad.waitForSelector('[data-test=pad-idle]', { timeout: 10_000 });
    const second = await serve();
    await padShows(pad, second);
    await pad.click('[data-test=level-1]');
    await pad.waitForSelector('[data-test=pad-idle]', { timeout: 12_000 });
    // The hub's timeout timer is off in tests: run it once the request has expired.
    await expect.poll(() => h.hub.handler.readNow((s) => s.ratings.get(second)?.expiresAt ?? 0) <= Date.now(), { timeout: 5000 }).toBe(true);
    expect(expireRatings(h.hub.handler)).toBeGreaterThanOrEqual(1);
    const unrated = eventsIn(h.hub.db, `type = 'rating.unrated'`);
    expect(unrated.map((r) => (r.data as { serviceId: string }).serviceId)).toContain(second);
    expect(h.hub.db.prepare(`SELECT count(*) AS n FROM events_readable WHERE type = 'followup.opened'`).get()).toEqual({ n: 0 });
    await pad.close();
  }, 60_000);

  it('shows the newest request when a service ends while the pad is still asking the hub for the open one', async () => {
    const c3 = await freeWindow(3);
    const serveOne = async () => {
      await issue();
      await api(h.url, 'POST', '/windows/3/call-next', { token: c3 });
      return (await api(h.url, 'POST', '/windows/3/complete', { token: c3, body: {} })).body.serviceId as string;
    };
    const numberOf = (serviceId: string) => (eventsIn(h.hub.db, `type = 'rating.requested'`).find((r) => (r.data as { serviceId: string }).serviceId === serviceId)!.data as { number: string }).number;
    const before = await serveOne(); // still open when the pad starts
    const pad = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The pad's look-up of the open request is answered (with the resident before), but reaches it late.
    let answered!: () => void;
    const late = new Promise<void>((r) => (answered = r));
    await pad.route('**/rating-request', async (route) => {
      const res = await route.fetch();
      answered();
      await new Promise((r) => setTimeout(r, 800));
      await route.fulfill({ response: res });
    });
    await pad.goto(`${h.url}/display/pad.html?token=${padToken(3)}`);
    await late;
    const next = await serveOne();
    await pad.waitForFunction((n) => document.querySelector('[data-test=pad-number]')?.textContent === n, numberOf(next));
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await pad.textContent('[data-test=pad-number]')).toBe(numberOf(next));
    expect(numberOf(before)).not.toBe(numberOf(next));
    await pad.click('[data-test=level-5]');
    await pad.waitForSelector('[data-test=pad-thanks]');
    expect(lastData('rating.recorded')).toMatchObject({ serviceId: next, level: 5 });
    await pad.close();
  }, 60_000);

  it('sends a manager to the manager view; an untouched notices box saves nothing; removals are confirmed; what is live is shown', async () => {
    const page = await consolePage('m1');
    await page.waitForSelector('[data-test=manager-view]');
    expect(await page.textContent('h1')).toContain('大厅管理');
    expect(await page.evaluate(() => document.body.innerText.includes('请签到窗口'))).toBe(false);
    await page.waitForFunction((n) => (document.querySelector('[data-test=notices]') as HTMLTextAreaElement | null)?.value.split('\n').length === n, NOTICES.length);
    const seq = h.hub.handler.seq;
    await page.click('[data-test=save-notices]');
    await page.waitForSelector('[data-test=message]');
    expect(await page.textContent('[data-test=message]')).toContain('没有改动');
    expect(h.hub.handler.seq).toBe(seq);
    await expectAccessible(page, 'manager');
    // Remove one notice: asked first, with the one that goes.
    await page.fill('[data-test=notices]', NOTICES.slice(0, 3).join('\n'));
    await page.click('[data-test=save-notices]');
    await page.waitForSelector('[data-test=confirm-notices]');
    expect(await page.textContent('[data-test=confirm-notices]')).toContain(NOTICES[3]);
    await page.screenshot({ path: `${SHOTS}/manager-confirm-notice-removal.png` });
    await page.click('[data-test=confirm-notices-submit]');
    await page.waitForFunction(() => document.querySelector('[data-test=live-notices]')?.textContent?.includes('(3)'));
    expect(await page.textContent('[data-test=message]')).toContain('现在生效 3 条');
    expect(lastData('notice.updated').notices).toEqual(NOTICES.slice(0, 3));
    await page.screenshot({ path: `${SHOTS}/manager-live-notices.png` });
    // Emptying the box is "delete all", said in so many words, and cancellable.
    await page.fill('[data-test=notices]', '');
    await page.click('[data-test=save-notices]');
    await page.waitForSelector('[data-test=confirm-notices]');
    expect(await page.textContent('[data-test=confirm-notices]')).toContain('将删除全部 3 条公告');
    await page.click('[data-test=cancel-notices]');
    expect(lastData('notice.updated').notices).toHaveLength(3);
    await page.close();
  });
});
