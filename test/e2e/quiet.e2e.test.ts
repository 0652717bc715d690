import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.ts';
import { CommandHandler } from '../../src/store/handle-command.ts';
import { openDb } from '../../src/store/open-db.ts';
import { CHROMIUM, launchBrowser } from '../support/browser.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeHistory, reportsConfig } from '../support/history.ts';
import { api, startHub, type RunningHub } from '../support/hub.ts';
import { hasTool } from '../support/require-tool.ts';

describe.skipIf(!hasTool(CHROMIUM, ['--version']))('the quiet times on a phone (/quiet)', () => {
  let h: RunningHub;
  let browser: Browser;
  beforeAll(async () => {
    const config = reportsConfig();
    const dir = mkdtempSync(join(tmpdir(), 'hallq-quiet-e2e-'));
    const clock = new FakeClock(Date.parse('2026-09-28T08:00:00+08:00'));
    const db = openDb(join(dir, 'hallq.db'), { durability: 'generator' });
    makeHistory(new CommandHandler(db, config, clock), clock, { from: '2026-09-28', days: 17, seed: 11 });
    db.close();
    h = await startHub({ config, clock, dir });
    browser = await launchBrowser();
    mkdirSync('test-output/screenshots', { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  it('shows the suggested times of the next working days and a usual week, Chinese first, without sign-in', async () => {
    const published = (await api(h.url, 'GET', '/public/quiet-times')).body;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${h.url}/quiet`);
    await page.waitForSelector('[data-test=quiet-period]');
    expect(await page.textContent('h1')).toContain('错峰办事');
    const days = await page.$$eval('[data-test=quiet-days] li', (els) => els.map((e) => e.getAttribute('data-date')));
    expect(days).toEqual(published.days.map((d: { date: string }) => d.date));
    const first = published.days[0].quiet[0];
    expect(await page.textContent('[data-test=quiet-days] li:first-child')).toContain(`${first.start}–${first.end}`);
    expect(await page.$$eval('[data-test=weekday-bars] li', (els) => els.length)).toBeGreaterThan(10);
    // No horizontal scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: 'test-output/screenshots/quiet-times-phone.png', fullPage: true });
    await expectAccessible(page, 'quiet-times-phone');
    await page.close();
  });
});
