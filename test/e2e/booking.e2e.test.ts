import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/personal/id-number.ts';
import { expectAccessible } from '../support/axe.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { api, openWindow, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';
import { KIOSK, TEST_PASSWORD, testConfig } from '../support/test-config.ts';

/** Issue #15 §1 and §3 acceptance: booking on a 360 px phone, check-in at the kiosk, the call, lateness, cancelling. */
const SHOTS = 'test-output/screenshots';
const PHONE = { width: 360, height: 740 };
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
const sessions = [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '17:30' }];
const week = { mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions, sat: [], sun: [] };

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('booking in Chromium (issue #15)', () => {
  let h: RunningHub;
  let browser: Browser;
  // A Monday morning before opening; the hub's clock is the test's.
  const clock = new FakeClock(at('2026-11-23', '08:20'));
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHub({ clock, config: testConfig({ week, simPrinter: true, booking: { graceMin: 15, late: 'ticket' } }) });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  /** Books on /book as a resident would, at 360 px; returns the code. */
  async function bookOnPhone(categoryId: string, slotStart: number, who: { name: string; id: string }, shot?: string): Promise<string> {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(`${h.url}/book`);
    await page.click(`[data-category=${categoryId}]`);
    await page.click(`[data-date="${new Date(slotStart + 8 * 3_600_000).toISOString().slice(0, 10)}"]`); // the hall's date (UTC+8)
    await page.click(`[data-slot="${slotStart}"]`);
    await page.fill('input[name=name]', who.name);
    await page.fill('input[name=idNumber]', who.id);
    await page.fill('input[name=phone]', '13812345678');
    if (shot) {
      await page.screenshot({ path: `${SHOTS}/${shot}-form.png`, fullPage: true });
      await expectAccessible(page, `${shot}-form`);
    }
    await page.click('[data-test=submit]');
    await page.waitForSelector('[data-test=booking-code]');
    const code = (await page.textContent('[data-test=booking-code]'))!.trim();
    if (shot) {
      await page.screenshot({ path: `${SHOTS}/${shot}-done.png`, fullPage: true });
      await expectAccessible(page, `${shot}-done`);
    }
    await page.close();
    return code;
  }

  async function kiosk(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(`${h.url}/kiosk/?token=${KIOSK}`);
    await page.waitForSelector('[data-test=category-ZX]');
    await page.waitForFunction(() => !document.querySelector('[data-test=offline]'));
    return page;
  }

  it('books on /book at 360 px, checks in at the kiosk by code and by card, and gets called; the phone page shows the booking', async () => {
    const nine = at('2026-11-23', '09:00');
    const byCodeId = withCheckDigit('33010219800101123');
    const byCardId = withCheckDigit('33010219750505456');
    const code = await bookOnPhone('SB', nine, { name: '王小明', id: byCodeId }, 'book-phone');
    expect(code).toMatch(/^[2-9A-Z]{8}$/);
    await bookOnPhone('ZX', nine, { name: '赵六', id: byCardId });

    clock.set(at('2026-11-23', '08:45')); // check-in opens 30 minutes before the slot
    const page = await kiosk();
    await page.click('[data-test=appointment]');
    for (const k of code) await page.click(`.key:text-is("${k}")`);
    await page.click('[data-test=check-in]');
    await page.waitForFunction(() => /^B\d{3}$/.test(document.querySelector('[data-test=ticket-number]')?.textContent?.trim() ?? ''));
    const number = (await page.textContent('[data-test=ticket-number]'))!.trim();

    // By card: the booked card placed on the appointment screen, no code typed.
    await page.click('[data-test=done]');
    await page.click('[data-test=appointment]');
    await page.waitForSelector('[data-test=appointment-code]');
    expect((await api(h.url, 'POST', '/sim/idcard/insert', { token: KIOSK, body: { name: '赵六', idNumber: byCardId } })).status).toBe(201);
    await page.waitForFunction(() => /^A\d{3}$/.test(document.querySelector('[data-test=ticket-number]')?.textContent?.trim() ?? ''));
    const byCard = (await page.textContent('[data-test=ticket-number]'))!.trim();
    await page.close();

    // A walk-in came first; the booking is still called first once its slot begins.
    clock.set(nine);
    const walkIn = await api(h.url, 'POST', '/tickets', { token: KIOSK, body: { categoryId: 'SB' } });
    expect(walkIn.status).toBe(201);
    clock.set(nine + 60_000);
    const clerk = await openWindow(h.url, 2);
    const call = await api(h.url, 'POST', '/windows/2/call-next', { token: clerk });
    expect(call.body.ticket.number).toBe(number);
    const other = await openWindow(h.url, 1);
    expect((await api(h.url, 'POST', '/windows/1/call-next', { token: other })).body.ticket.number).toBe(byCard);

    const phone = await browser.newPage({ viewport: PHONE });
    await phone.goto(`${h.url}/t/${call.body.ticket.id}`);
    await phone.waitForSelector('[data-test=ticket-status][data-status=called]');
    expect(await phone.textContent('[data-test=status-booking]')).toContain('预约 09:00–09:30');
    expect((await phone.locator('[data-test=checklist] li').allTextContents()).map((s) => s.trim())).toEqual(['身份证', '社保卡']);
    await phone.screenshot({ path: `${SHOTS}/ticket-booking-called-360.png`, fullPage: true });
    await expectAccessible(phone, 'ticket-booking-called-360');
    await phone.close();
  });

  it('comes late: past the grace, the booking becomes a normal ticket at the back', async () => {
    const ten = at('2026-11-23', '10:00');
    const code = await bookOnPhone('SB', ten, { name: '钱七', id: withCheckDigit('33010219900303789') });
    clock.set(ten + 20 * 60_000); // grace is 15 minutes
    const page = await kiosk();
    await page.click('[data-test=appointment]');
    for (const k of code) await page.click(`.key:text-is("${k}")`);
    await page.click('[data-test=check-in]');
    await page.waitForFunction(() => /^B\d{3}$/.test(document.querySelector('[data-test=ticket-number]')?.textContent?.trim() ?? ''));
    await page.close();
    const lookup = await api(h.url, 'POST', '/public/bookings/lookup', { body: { code, last4: withCheckDigit('33010219900303789').slice(-4) } });
    expect(lookup.body.booking.status).toBe('late');
    const phone = await browser.newPage({ viewport: PHONE });
    await phone.goto(`${h.url}/t/${lookup.body.booking.ticketId}`);
    await phone.waitForSelector('[data-test=ticket-status][data-status=waiting]');
    expect(await phone.textContent('[data-test=status-booking]')).toContain('迟到已改为普通排队');
    await phone.screenshot({ path: `${SHOTS}/ticket-late-360.png`, fullPage: true });
    // The holder is not coming after all: cancelling lets the queue skip the number.
    phone.once('dialog', (d) => void d.accept());
    await phone.click('[data-test=cancel-ticket]');
    await phone.waitForSelector('[data-test=ticket-status][data-status=cancelled]');
    await expectAccessible(phone, 'ticket-cancelled-360');
    await phone.close();
  });

  it('cancels a booking on /book with the code and the last four, and the slot is free again', async () => {
    const fifteen = at('2026-11-24', '15:00');
    const id = withCheckDigit('33010219850606321');
    const code = await bookOnPhone('SB', fifteen, { name: '孙八', id });
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(`${h.url}/book`);
    await page.click('[data-category=SB]');
    await page.click('[data-date="2026-11-24"]');
    const freeNow = Number(await page.getAttribute(`[data-slot="${fifteen}"]`, 'data-free'));
    await page.click('[data-test=tab-mine]');
    await page.fill('input[name=code]', code.toLowerCase());
    await page.fill('input[name=last4]', id.slice(-4));
    await page.click('[data-test=lookup]');
    await page.waitForSelector('[data-test=found][data-status=booked]');
    await page.screenshot({ path: `${SHOTS}/book-lookup-360.png`, fullPage: true });
    await expectAccessible(page, 'book-lookup-360');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-test=cancel]');
    await page.waitForSelector('[data-test=found][data-status=cancelled]');
    await page.click('[data-test=tab-book]');
    await page.click('[data-category=ZX]');
    await page.click('[data-category=SB]');
    await page.click('[data-date="2026-11-24"]');
    await page.waitForSelector(`[data-slot="${fifteen}"][data-free="${freeNow + 1}"]`);
    await page.screenshot({ path: `${SHOTS}/book-slots-360.png`, fullPage: true });
    await expectAccessible(page, 'book-slots-360');
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.close();
  });

  it('the guide desk books for a resident on the phone, masked as everywhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${h.url}/display/console.html`);
    await page.fill('input[name=jobNo]', 'g1');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('[data-test=login]');
    await page.waitForSelector('[data-test=guide-view] [data-test=phone-booking]');
    await page.selectOption('select[name=pb-category]', 'MZ');
    await page.selectOption('select[name=pb-date]', '2026-11-25');
    const slot = String(at('2026-11-25', '14:30'));
    await page.selectOption('select[name=pb-slot]', slot);
    await page.fill('input[name=pb-name]', '周九');
    await page.fill('input[name=pb-id]', withCheckDigit('33010219660707111'));
    await page.fill('input[name=pb-phone]', '13600001234');
    await page.click('[data-test=pb-submit]');
    await page.waitForFunction(() => /预约码 [2-9A-Z]{8}/.test(document.querySelector('[data-test=pb-message]')?.textContent ?? ''));
    const code = /预约码 ([2-9A-Z]{8})/.exec((await page.textContent('[data-test=pb-message]'))!)![1]!;
    const list = await api(h.url, 'GET', '/appointments?date=2026-11-25', { token: (await api(h.url, 'POST', '/auth/login', { body: { jobNo: 'g1', password: TEST_PASSWORD } })).body.token });
    expect(list.body.bookings.find((b: { code: string }) => b.code === code)).toMatchObject({ channel: 'staff', nameMasked: '周*', phoneMasked: '136****1234', status: 'booked' });
    await page.screenshot({ path: `${SHOTS}/guide-phone-booking.png`, fullPage: true });
    await expectAccessible(page, 'guide-phone-booking');
    await page.close();
  });
});
