import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { api, lastEvent, login, startHub, type RunningHub, stateOf } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK, testConfig } from '../support/test-config.ts';

/** Issue #3 acceptance, in headless Chromium against a real hub with the simulated reader and printer. */
const SHOTS = 'test-output/screenshots';
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
const haveChromium = hasTool(CHROMIUM, ['--version']);

describe.skipIf(!haveChromium)('kiosk in Chromium', () => {
  let h: RunningHub;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHub({ config: testConfig({ simPrinter: true }) });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  async function kioskPage(viewport = PORTRAIT, query = ''): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(`${h.url}/kiosk/?token=${KIOSK}${query}`);
    await page.waitForSelector('[data-test=category-ZX]');
    // The socket is up once the kiosk has its snapshot; card reads travel on it.
    await page.waitForFunction(() => !document.querySelector('[data-test=offline]'));
    return page;
  }

  it('issues a number on a tap and the printer holds a ticket with the same number', async () => {
    const page = await kioskPage();
    await page.screenshot({ path: `${SHOTS}/kiosk-home-portrait.png` });
    const before = h.hub.printers.get('kiosk-1')!.fake!.receipts.length;
    await page.click('[data-test=category-SB]');
    const number = (await page.textContent('[data-test=ticket-number]'))!.trim();
    expect(number).toMatch(/^B\d{3}$/);
    await page.waitForSelector('.qr svg');
    await page.screenshot({ path: `${SHOTS}/kiosk-ticket-portrait.png` });
    const receipts = await h.hub.printers.get('kiosk-1')!.fake!.waitForReceipts(before + 1);
    expect(receipts.at(-1)!.lines.join('\n')).toContain(number);
    expect(receipts.at(-1)!.lines.join('\n')).toContain('社保');
    await page.close();
  });

  it('gives an elderly resident the priority group from a simulated card read, and explains it', async () => {
    const page = await kioskPage();
    await page.click('[data-test=card-first]');
    await page.waitForSelector('[data-test=card-prompt]');
    // The simulated reader: the card goes through its bytes, the driver and the hub to this kiosk.
    const read = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '张三丰', idNumber: withCheckDigit('33010219500101123') } });
    expect(read.status).toBe(201);
    await page.waitForSelector('[data-test=card-banner]');
    expect(await page.textContent('[data-test=card-banner]')).toContain('张*丰');
    // After the read, the choice of what this card may take (issue #13).
    await page.click('[data-test=choose-ZX]');
    await page.waitForSelector('[data-test=priority]');
    expect(await page.textContent('[data-test=priority]')).toContain('60');
    const id = await page.evaluate(() => document.querySelector('.qr')?.closest('[data-test=ticket]') !== null);
    expect(id).toBe(true);
    const ticket = [...(await stateOf(h.hub)).tickets.values()].at(-1)!;
    expect(ticket.priorityGroup).toBe('elderly');
    expect(ticket.priorityBy).toBe('age');
    await page.close();
  });

  it('asks for the card in a category that requires one, and issues nothing without it', async () => {
    const page = await kioskPage();
    const seq = h.hub.handler.seq;
    await page.click('[data-test=category-MZ]');
    await page.waitForSelector('[data-test=card-prompt]');
    expect(await page.textContent('[data-test=card-prompt]')).toContain('需要刷身份证');
    await page.click('[data-test=home]');
    await page.waitForSelector('[data-test=category-MZ]');
    expect(h.hub.handler.seq).toBe(seq);
    // And the API itself refuses such a ticket with a clear reason.
    const r = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'MZ' } });
    expect(r.body.error.code).toBe('HQ_ERR_ID_CARD_REQUIRED');
    await page.close();
  });

  it('shows the number large with its QR and a warning when the printer is offline', async () => {
    await api(h.url, 'POST', '/sim/printer/state', { token: KIOSK, body: { action: 'offline' } });
    try {
      const page = await kioskPage(LANDSCAPE);
      await page.screenshot({ path: `${SHOTS}/kiosk-home-landscape.png` });
      await page.click('[data-test=category-ZX]');
      await page.waitForSelector('[data-test=printer-down]');
      expect(await page.textContent('[data-test=printer-down]')).toContain('拍下');
      expect((await page.textContent('[data-test=ticket-number]'))!.trim()).toMatch(/^A\d{3}$/);
      await page.waitForSelector('.qr svg');
      await page.screenshot({ path: `${SHOTS}/kiosk-ticket-landscape-printer-down.png` });
      await page.close();
    } finally {
      await api(h.url, 'POST', '/sim/printer/state', { token: KIOSK, body: { action: 'online' } });
    }
  });

  it('says why and when to come back, in the resident language', async () => {
    const page = await kioskPage(PORTRAIT);
    await page.click('[data-test=lang]');
    await page.click('[data-test=appointment]');
    for (const k of ['N', 'P', 'E', '2']) await page.click(`.key:text-is("${k}")`);
    await page.click('[data-test=check-in]');
    await page.waitForSelector('[data-test=refusal]');
    expect(await page.getAttribute('[data-test=refusal]', 'data-code')).toBe('HQ_ERR_APPOINTMENT_NOT_FOUND');
    expect(await page.textContent('[data-test=refusal-text]')).toContain('No such appointment');
    await page.close();
  });

  it('has an elder mode with larger text, in both orientations, and returns home when idle', async () => {
    for (const [name, viewport] of [
      ['portrait', PORTRAIT],
      ['landscape', LANDSCAPE],
    ] as const) {
      const page = await kioskPage(viewport, '&elder=1');
      const size = await page.$eval('.tile .name', (el) => parseFloat(getComputedStyle(el).fontSize));
      expect(size).toBeGreaterThan(30);
      // Every touch target is at least 64 px.
      const small = await page.$$eval('button', (bs) => bs.filter((b) => b.offsetParent && (b.offsetHeight < 64 || b.offsetWidth < 64)).map((b) => b.textContent));
      expect(small).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/kiosk-home-${name}-elder.png` });
      await page.click('[data-test=category-ZX]');
      await page.waitForSelector('[data-test=ticket-number]');
      await page.screenshot({ path: `${SHOTS}/kiosk-ticket-${name}-elder.png` });
      // Nothing on screen is cut off: the page does not scroll sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      // 30 s without a touch: back home (the kiosk's own clock, moved on).
      await page.evaluate(() => {
        const real = Date.now;
        Date.now = () => real() + 31_000;
      });
      await page.waitForSelector('[data-test=category-ZX]', { timeout: 5000 });
      await page.close();
    }
  });

  it('lays out the demo hall (10 categories) without overlap or overflow, in both languages and orientations', async () => {
    const { loadHallConfig } = await import('../../src/config/load-hall-config.ts');
    const { FakeClock } = await import('../support/fake-clock.ts');
    // Monday 14:30 in Shanghai: the morning-only drop-off category shows as closed with its next opening.
    const demo = await startHub({ config: loadHallConfig('config/hall.yaml'), clock: new FakeClock(Date.parse('2026-11-23T06:30:00Z')) });
    try {
      for (const [name, viewport] of [
        ['portrait', PORTRAIT],
        ['landscape', LANDSCAPE],
      ] as const) {
        for (const lang of ['zh', 'en']) {
          const page = await browser.newPage({ viewport });
          await page.goto(`${demo.url}/kiosk/?token=demo-kiosk-token-0001`);
          await page.waitForSelector('[data-test=category-DB]');
          if (lang === 'en') await page.click('[data-test=lang]');
          expect(await page.getAttribute('[data-test=category-DB]', 'class')).toContain('closed');
          const problems = await page.evaluate(() => {
            const out: string[] = [];
            const tiles = [...document.querySelectorAll<HTMLElement>('.tile')];
            const boxes = tiles.map((t) => t.getBoundingClientRect());
            boxes.forEach((a, i) =>
              boxes.slice(i + 1).forEach((b, j) => {
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.push(`tiles ${i} and ${i + j + 1} overlap`);
              }),
            );
            for (const t of tiles) for (const c of t.querySelectorAll<HTMLElement>('span')) if (c.scrollWidth > c.clientWidth + 1) out.push(`text overflows: ${c.textContent}`);
            if (document.documentElement.scrollWidth > window.innerWidth) out.push('page scrolls sideways');
            return out;
          });
          expect(problems).toEqual([]);
          await page.screenshot({ path: `${SHOTS}/kiosk-demo-hall-${name}-${lang}.png` });
          await page.close();
        }
      }
    } finally {
      await demo.dispose();
    }
  });

  it('tells the resident why a card is refused at the reader (expired)', async () => {
    const page = await kioskPage();
    await page.click('[data-test=card-first]');
    await page.waitForSelector('[data-test=card-prompt]');
    const r = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '李四', idNumber: withCheckDigit('44010619881212345'), validUntil: '20200101' } });
    expect(r.body.error.code).toBe('HQ_ERR_ID_CARD_EXPIRED');
    await page.waitForSelector('[data-test=refusal]');
    expect(await page.getAttribute('[data-test=refusal]', 'data-code')).toBe('HQ_ERR_ID_CARD_EXPIRED');
    expect(await page.textContent('[data-test=refusal-text]')).toContain('已过有效期');
    await page.close();
  });

  it('lets the guide desk log in, set a priority group, and reprint', async () => {
    const page = await kioskPage();
    await page.click('[data-test=guide-login]');
    await page.fill('input[name=jobNo]', 'g1');
    await page.fill('input[name=password]', 'hallq-demo');
    await page.click('[data-test=guide-submit]');
    await page.click('[data-test=group-disabled]');
    await page.click('[data-test=category-ZX]');
    await page.waitForSelector('[data-test=priority]');
    expect(await page.textContent('[data-test=priority]')).toContain('残疾人');
    const ticket = [...(await stateOf(h.hub)).tickets.values()].at(-1)!;
    expect(ticket.priorityGroup).toBe('disabled');
    const issued = lastEvent(h.hub.db, 'ticket.issued')!;
    expect(issued.actor).toMatchObject({ kind: 'staff', id: 'g1', role: 'guide' });
    // Printed at this kiosk though a guide issued it, and printed again on request.
    const fake = h.hub.printers.get('kiosk-1')!.fake!;
    await fake.waitForReceipts(1);
    const printed = () => fake.receipts.filter((r) => r.lines.join('\n').includes(ticket.number)).length;
    await expect.poll(printed, { timeout: 10_000 }).toBe(1);
    await page.click('[data-test=reprint]');
    await expect.poll(printed, { timeout: 10_000 }).toBe(2);
    await page.close();
  });

  it('checks in an appointment by its code, and by the booked card', async () => {
    const guide = await login(h.url, 'g1');
    // The next half-hour slot (the test hall is open around the clock): check-in opens 30 minutes before it.
    const next = Math.ceil((Date.now() + 1000) / 1_800_000) * 1_800_000;
    const slot = (min: number) => new Date(next + min * 60_000).toISOString();
    const byCode = await api(h.url, 'POST', '/appointments', { token: guide, body: { categoryId: 'SB', slotStart: slot(0), slotEnd: slot(30) } });
    expect(byCode.status).toBe(201);
    const page = await kioskPage();
    await page.click('[data-test=appointment]');
    for (const k of byCode.body.appointment.code as string) await page.click(`.key:text-is("${k}")`);
    await page.click('[data-test=check-in]');
    const number = (await page.textContent('[data-test=ticket-number]'))!.trim();
    expect(number).toMatch(/^B\d{3}$/);
    expect([...(await stateOf(h.hub)).tickets.values()].find((t) => t.number === number)?.appointmentCode).toBe(byCode.body.appointment.code);

    // Booked with a card: the resident places the same card on the appointment screen, no code typed.
    const id = withCheckDigit('33010219800202456');
    const booking = await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '王五', idNumber: id } });
    const byCard = await api(h.url, 'POST', '/appointments', { token: guide, body: { categoryId: 'ZX', slotStart: slot(0), slotEnd: slot(30), cardToken: booking.body.card.cardToken } });
    expect(byCard.status).toBe(201);
    await page.click('[data-test=done]');
    await page.click('[data-test=appointment]');
    await page.waitForSelector('[data-test=appointment-code]');
    expect((await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '王五', idNumber: id } })).status).toBe(201);
    await page.waitForFunction(() => /^A\d{3}$/.test(document.querySelector('[data-test=ticket-number]')?.textContent?.trim() ?? ''));
    const viaCard = (await page.textContent('[data-test=ticket-number]'))!.trim();
    expect([...(await stateOf(h.hub)).tickets.values()].find((t) => t.number === viaCard)).toMatchObject({ appointmentCode: byCard.body.appointment.code, source: 'appointment' });
    await page.close();
  });
});

