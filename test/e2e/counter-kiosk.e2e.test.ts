import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallConfig } from '../../src/config/load-hall-config.ts';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { expectAccessible } from '../support/axe.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, login, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

/** Issue #13 at the kiosk and on the ticket's status page, in headless Chromium against real hubs. */
const SHOTS = 'test-output/screenshots';
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
const DEMO_KIOSK = 'demo-kiosk-token-0001';

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('issue #13 at the kiosk', () => {
  let h: RunningHub;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHub({ config: testConfig({ simPrinter: true, windows: 3 }) });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  async function kioskPage(url = h.url, token = KIOSK, viewport = PORTRAIT): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(`${url}/kiosk/?token=${token}`);
    await page.waitForSelector('.tile');
    await page.waitForFunction(() => !document.querySelector('[data-test=offline]'));
    return page;
  }
  /** The kiosk's own clock moves on (its idle timer), as the existing kiosk tests do. */
  const later = (page: Page, ms: number) =>
    page.evaluate((by) => {
      const real = Date.now;
      Date.now = () => real() + by;
    }, ms);
  const said = (page: Page) => page.evaluate(() => (globalThis as { __hallqKioskSaid?: string[] }).__hallqKioskSaid ?? []);
  const insertCard = (idNumber: string, name = '张三丰') => api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name, idNumber } });

  it('goes back to Chinese and the normal mode on every idle return; the way back to Chinese is one wide chip', async () => {
    const page = await kioskPage();
    await page.click('[data-test=lang]');
    await page.click('[data-test=elder]');
    await page.waitForSelector('.kiosk.elder');
    const chip = await page.$eval('[data-test=lang]', (b) => ({ text: b.textContent?.trim(), w: b.getBoundingClientRect().width, h: b.getBoundingClientRect().height }));
    expect(chip.text).toBe('中文');
    expect(chip.w).toBeGreaterThanOrEqual(140);
    expect(chip.h).toBeLessThan(110);
    // Its two characters sit side by side: one line of text.
    const oneLine = await page.$eval('[data-test=lang]', (b) => {
      const r = document.createRange();
      r.selectNodeContents(b);
      return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size === 1;
    });
    expect(oneLine).toBe(true);
    await page.screenshot({ path: `${SHOTS}/kiosk-english-elder-before-idle.png` });
    await later(page, 31_000);
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN' && !document.querySelector('.kiosk.elder'));
    expect(await page.textContent('[data-test=card-first]')).toContain('刷身份证取号');
    await page.screenshot({ path: `${SHOTS}/kiosk-after-idle-return.png` });
    await expectAccessible(page, 'kiosk-home');
    await page.close();
  });

  it('after 刷身份证取号 makes the next step big, with the categories this card may take, and speaks each step', async () => {
    const page = await kioskPage();
    await page.click('[data-test=card-first]');
    await page.waitForSelector('[data-test=card-prompt]');
    await page.screenshot({ path: `${SHOTS}/kiosk-card-prompt.png` });
    await expectAccessible(page, 'kiosk-card-prompt');
    expect((await insertCard(withCheckDigit('33010219800303123'), '李四')).status).toBe(201);
    await page.waitForSelector('[data-test=choose] [data-test=choose-MZ]');
    const title = await page.$eval('.choose-title', (e) => parseFloat(getComputedStyle(e).fontSize));
    expect(title).toBeGreaterThanOrEqual(44);
    expect(await page.textContent('[data-test=card-banner]')).toContain('李*');
    // The card-only category is offered now: no second tap on the reader.
    expect(await page.$$eval('[data-test^=choose-]', (els) => els.map((e) => e.getAttribute('data-test')))).toEqual(['choose-ZX', 'choose-SB', 'choose-MZ']);
    await page.screenshot({ path: `${SHOTS}/kiosk-after-card-read.png` });
    await expectAccessible(page, 'kiosk-choose');
    await page.click('[data-test=choose-MZ]');
    await page.waitForSelector('[data-test=ticket-number]');
    expect(await said(page)).toEqual(['prompt_card', 'prompt_choose', 'prompt_take']);
    await page.close();
  });

  it('shows each tile’s state before a tap and explains a refusal with the number the resident holds, spoken too', async () => {
    const id = withCheckDigit('33010219700404123');
    const page = await kioskPage();
    await page.click('[data-test=category-MZ]');
    await page.waitForSelector('[data-test=card-prompt]');
    await insertCard(id, '王五');
    const first = (await page.waitForSelector('[data-test=ticket-number]'), (await page.textContent('[data-test=ticket-number]'))!.trim());
    await page.click('[data-test=done]');
    await page.click('[data-test=category-MZ]');
    await page.waitForSelector('[data-test=card-prompt]');
    await insertCard(id, '王五');
    await page.waitForSelector('[data-test=held-number]');
    expect(await page.getAttribute('[data-test=refusal]', 'data-code')).toBe('HQ_ERR_ONE_PER_ID');
    const held = await page.textContent('[data-test=held-number]');
    expect(held).toContain(first);
    expect(held).toMatch(/前面还有 \d+ 人/);
    expect((await said(page)).at(-1)).toBe('refuse_have');
    await page.screenshot({ path: `${SHOTS}/kiosk-refused-holds-number.png` });
    await expectAccessible(page, 'kiosk-refusal');
    await page.close();
  });

  it('says on the home screen that the printer is out of paper, still issues, and keeps an unprinted number until the resident confirms', async () => {
    await api(h.url, 'POST', '/sim/printer/state', { token: KIOSK, body: { action: 'paper-out' } });
    try {
      const page = await kioskPage(h.url, KIOSK, LANDSCAPE);
      await page.waitForSelector('[data-test=printer-state][data-state=paper-out]', { timeout: 5000 });
      expect(await page.textContent('[data-test=printer-state]')).toContain('仍可取号');
      await page.screenshot({ path: `${SHOTS}/kiosk-home-paper-out.png` });
      await page.click('[data-test=category-ZX]');
      await page.waitForSelector('[data-test=printer-down]', { timeout: 5000 });
      await page.waitForSelector('[data-test=confirm-noted]');
      await later(page, 45_000);
      await page.waitForTimeout(1500);
      expect(await page.$('[data-test=ticket-number]')).not.toBeNull(); // not erased by the 30 s idle return
      expect((await said(page)).at(-1)).toBe('prompt_no_paper');
      await page.screenshot({ path: `${SHOTS}/kiosk-unprinted-ticket-held.png` });
      await expectAccessible(page, 'kiosk-ticket-unprinted');
      await page.click('[data-test=confirm-noted]');
      await page.waitForSelector('[data-test=category-ZX]');
      await page.close();
    } finally {
      await api(h.url, 'POST', '/sim/printer/state', { token: KIOSK, body: { action: 'paper-in' } });
    }
  });

  it('tells what to bring (一次性告知) on the tile, the ticket screen, the receipt and the status page, with the windows and "today only"', async () => {
    const page = await kioskPage();
    expect(await page.textContent('[data-test=category-SB] [data-test=tile-materials]')).toContain('身份证、社保卡');
    const before = h.hub.printers.get('kiosk-1')!.fake!.receipts.length;
    await page.click('[data-test=category-SB]');
    await page.waitForSelector('[data-test=ticket-materials]');
    expect(await page.textContent('[data-test=ticket-materials]')).toContain('身份证、社保卡');
    expect(await page.textContent('[data-test=ticket-windows]')).toContain('1号窗口、2号窗口、3号窗口');
    expect(await page.textContent('[data-test=ticket-valid]')).toMatch(/仅限当日（\d{4}-\d{2}-\d{2}）有效/);
    await page.waitForSelector('.qr svg');
    await page.screenshot({ path: `${SHOTS}/kiosk-ticket-materials.png` });
    await expectAccessible(page, 'kiosk-ticket');
    const number = (await page.textContent('[data-test=ticket-number]'))!.trim();
    // The ticket the last test held while paper was out prints once paper is back: find this one's receipt.
    const fake = h.hub.printers.get('kiosk-1')!.fake!;
    await fake.waitForReceipts(before + 1);
    await expect.poll(() => fake.receipts.some((r) => r.lines.includes(number)), { timeout: 5000 }).toBe(true);
    const receipt = [...fake.receipts].reverse().find((r) => r.lines.includes(number))!;
    const text = receipt.lines.join('\n');
    expect(text).toContain('请携带：身份证、社保卡');
    // The simulator's own PNG has no CJK font: show the decoded paper in Chromium instead, 48 columns wide.
    const paper = await browser.newPage({ viewport: { width: 520, height: 900 } });
    const escape = (x: string) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    await paper.setContent(`<pre style="font:18px/1.5 'Noto Sans Mono CJK SC',monospace;margin:16px;padding:16px;border:1px dashed #888;width:fit-content">${receipt.lines.map(escape).join('\n')}</pre>`);
    await paper.screenshot({ path: `${SHOTS}/receipt-materials-windows.png`, fullPage: true });
    await paper.close();
    // The QR's page, on a phone.
    const id = [...(await h.hub.handler.read((s) => [...s.tickets.values()].filter((t) => t.number === number).map((t) => t.id)))][0]!;
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await phone.goto(`${h.url}/t/${id}`);
    await phone.waitForSelector('[data-test=status-materials]');
    // The materials are a checklist the resident ticks (issue #15 §3).
    expect(await phone.$$eval('[data-test=checklist] li', (lis) => lis.map((li) => li.textContent?.trim()))).toEqual(['身份证', '社保卡']);
    expect(await phone.textContent('[data-test=status-windows]')).toContain('1号 窗口1');
    await phone.screenshot({ path: `${SHOTS}/ticket-page-materials-phone.png`, fullPage: true });
    await expectAccessible(phone, 'ticket-status-page');
    await phone.close();
    await page.close();
  });

  it('keeps 「约 N 分钟」 whole on the status page, and says when no window serves yet', async () => {
    const t = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'ZX' } });
    const phone = await browser.newPage({ viewport: { width: 320, height: 640 } });
    await phone.goto(`${h.url}/t/${t.body.ticket.id}`);
    await phone.waitForSelector('[data-test=status-line]');
    // Nobody signed in for 综合咨询 in this hall yet.
    expect(await phone.textContent('[data-test=status-line]')).toContain('暂无窗口受理');
    await openWindow(h.url, 1);
    await phone.reload();
    await phone.waitForFunction(() => document.querySelector('[data-test=status-line]')?.textContent?.includes('分钟'));
    const orphan = await phone.$eval('[data-test=status-line]', (p) => {
      // Every character's line: 「钟」 must share its line with 「分」.
      const text = p.textContent ?? '';
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      const tops = new Map<number, number>();
      let node: Node | null;
      let offset = 0;
      while ((node = walker.nextNode())) {
        for (let i = 0; i < (node.textContent ?? '').length; i++) {
          const r = document.createRange();
          r.setStart(node, i);
          r.setEnd(node, i + 1);
          tops.set(offset + i, Math.round(r.getBoundingClientRect().top));
        }
        offset += (node.textContent ?? '').length;
      }
      const zhong = text.lastIndexOf('钟');
      return tops.get(zhong) !== tops.get(zhong - 1);
    });
    expect(orphan).toBe(false);
    await phone.screenshot({ path: `${SHOTS}/ticket-page-narrow-phone.png` });
    await phone.close();
    await api(h.url, 'POST', '/windows/1/close', { token: await login(h.url, 'c1') });
  });

  it('ships its icons as SVG (no emoji), serves a favicon, and fills the portrait screen with tiles', async () => {
    const page = await kioskPage();
    const emoji = await page.evaluate(() => (document.body.innerText.match(/\p{Extended_Pictographic}/gu) ?? []).join(''));
    expect(emoji).toBe('');
    expect(await page.$$eval('.tile svg.kiosk-icon', (s) => s.length)).toBeGreaterThanOrEqual(3);
    const favicon = await page.evaluate(async () => (await fetch('/favicon.ico')).headers.get('content-type'));
    expect(favicon).toBe('image/x-icon');
    const fill = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.tile')].map((t) => t.getBoundingClientRect().bottom)) / window.innerHeight);
    expect(fill).toBeGreaterThan(0.8);
    await page.screenshot({ path: `${SHOTS}/kiosk-home-portrait-filled.png` });
    await page.close();
  });

  it('in the demo hall: issues at 11:55 and 13:55 (touching sessions), and shows open, full, closed-until and past-closing tiles, legibly', async () => {
    const config = loadHallConfig('config/hall.yaml');
    config.categories.find((c) => c.id === 'YB')!.dailyQuota = 1;
    config.categories.find((c) => c.id === 'NL')!.avgServiceMin = 200;
    const clock = new FakeClock(Date.parse('2026-11-23T03:55:00Z')); // Monday 11:55 in Shanghai
    const demo = await startHub({ config, clock });
    try {
      const page = await kioskPage(demo.url, DEMO_KIOSK, LANDSCAPE);
      await page.click('[data-test=category-ZX]');
      await page.waitForSelector('[data-test=ticket-number]');
      expect((await page.textContent('[data-test=ticket-number]'))!.trim()).toBe('A001');
      await page.click('[data-test=done]');
      expect((await api(demo.url, 'POST', '/tickets', { token: DEMO_KIOSK, body: { categoryId: 'YB' } })).status).toBe(201);
      for (let i = 0; i < 2; i++) await api(demo.url, 'POST', '/tickets', { token: DEMO_KIOSK, body: { categoryId: 'NL' } });
      await page.reload();
      await page.waitForSelector('[data-test=category-YB][data-state=full]');
      await page.waitForSelector('[data-test=category-NL][data-state=past_closing]');
      await page.waitForSelector('[data-test=category-DB][data-state=closed]'); // mornings only: stopped at 11:50
      expect(await page.textContent('[data-test=category-DB] [data-test=tile-state]')).toContain('11月24日（周二）09:00');
      expect(await page.textContent('[data-test=category-ZX] [data-test=tile-state]')).toContain('暂无窗口受理');
      await page.screenshot({ path: `${SHOTS}/kiosk-demo-tile-states-1155.png` });
      await expectAccessible(page, 'kiosk-demo-tiles');
      await page.click('[data-test=lang]');
      expect(await page.textContent('[data-test=category-DB] [data-test=tile-state]')).toContain('Opens at Tue 24 Nov, 09:00');
      expect(await page.textContent('[data-test=category-DB] .name')).toBe('Agency service: hand in documents');
      await page.screenshot({ path: `${SHOTS}/kiosk-demo-tile-states-english.png` });
      // 13:55, before the afternoon session that starts at 14:00: still one stretch, still issuing.
      clock.set('2026-11-23T05:55:00Z');
      const at1355 = await api(demo.url, 'POST', '/tickets', { token: DEMO_KIOSK, body: { categoryId: 'ZX' } });
      expect(at1355.status).toBe(201);
      expect(at1355.body.ticket.number).toBe('A002');
      await page.close();
    } finally {
      await demo.dispose();
    }
  });
});
