import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../test/support/browser.ts';
import { Clerk } from './calling-clerk.ts';
import { startChild, type Child } from './children.ts';
import { HallListener } from './hall-listener.ts';
import { ensureUiBuilt } from './kiosk-bundle.ts';
import { clockOffset } from './kiosk-print.ts';
import { announcementStart, type WallAnnounceFigures } from './wall-announce.ts';
import { callToWall, type WallCallFigures } from './wall-call.ts';
import { allPlays, openWall } from './wall-page.ts';

/**
 * Figures 6 and 7, the calling issue's targets (issue 4, "Targets"): "call next" → the number on the
 * hall wall in headless Chromium (wall-call.ts), and "call next" → the start of its announcement
 * when the queue is idle (wall-announce.ts). Both against one hub child with voice calling on
 * (calling-hub-server.ts), one wall page at 1920×1080 (wall-page.ts) and one bare socket.io client
 * in the bench process as the baseline (hall-listener.ts). The display UI is built first if its
 * build is missing or stale. Without Chromium both are skipped, loudly.
 *
 * Figure 7 runs first: each of figure 6's calls queues an announcement (a few seconds each), so
 * after figure 6 the hub's announcement queue stays busy for minutes.
 */

export interface CallingSettings {
  /** Calls for figure 6, after 3 warm-ups. */
  calls: number;
  /** Idle announcements for figure 7, after 1 warm-up; each waits for the one before to end. */
  announcements: number;
  /** Plays of each announcement on the hub child (the hall default is 2; fewer makes figure 7 shorter). */
  repeat: number;
}

export interface CallingFigures {
  wall: WallCallFigures | null;
  announce: WallAnnounceFigures | null;
  /** Page clock minus bench clock (ms) before figure 7 and after figure 6, with its uncertainty. */
  clock: { before: { offset: number; halfRtt: number }; after: { offset: number; halfRtt: number } } | null;
  /** Uncaught errors in the wall page. */
  pageErrors: string[];
  /** Why figures were left out, if any were. */
  skipped: string[];
}

const errorText = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

export async function figureCalling(s: CallingSettings, log: (s: string) => void): Promise<CallingFigures> {
  const none = (why: string): CallingFigures => ({ wall: null, announce: null, clock: null, pageErrors: [], skipped: [why] });
  try {
    ensureUiBuilt(log);
  } catch (err) {
    log(`\n!!!!! figures 6–7 skipped: ${errorText(err)}\n`);
    return none('call → wall and announcement start: npm run build:ui failed');
  }
  if (!existsSync(CHROMIUM)) {
    log(`\n!!!!! ${CHROMIUM} not found: figures 6 and 7 (call → wall, announcement start) SKIPPED. Install chromium or set CHROMIUM_PATH.\n`);
    return none(`call → wall and announcement start: no ${CHROMIUM}`);
  }

  let hub: Child | null = null;
  let browser: Browser | null = null;
  let hall: HallListener | null = null;
  let page: Page | null = null;
  const skipped: string[] = [];
  try {
    hub = await startChild('calling-hub-server.ts', [String(s.repeat)]);
    try {
      browser = await launchBrowser();
    } catch (err) {
      log(`\n!!!!! Chromium (${CHROMIUM}) does not start: figures 6 and 7 SKIPPED. ${errorText(err)}\n`);
      return none(`call → wall and announcement start: ${CHROMIUM} does not start`);
    }
    const base = `http://127.0.0.1:${Number(hub.ready.port)}`;
    const announcer = hub.ready.announcer as WallAnnounceFigures['announcer'];
    const wall = await openWall(browser, base, { width: 1920, height: 1080 });
    page = wall.page;
    hall = await HallListener.open(base);
    const clerk = await Clerk.signIn(base, hall);
    const before = await clockOffset(page);

    let announce: WallAnnounceFigures | null = null;
    log(`figure 7: call → announcement start, queue idle, ${s.announcements} calls one announcement apart (hub repeat ${announcer.repeat}, betweenMs ${announcer.betweenMs}, leadMs ${announcer.leadMs}), Chromium ${browser.version()}…`);
    const t7 = performance.now();
    try {
      announce = await announcementStart(page, hall, clerk, before.offset, announcer, s.announcements, log);
      if (announce.speechOnly) skipped.push('announcement start on the wall: the hub has no voice clips (speech only), nothing to time');
      else log(`  wall play() p50 ${announce.play.p50} ms, max ${announce.play.max} ms; bare client's announcement event p50 ${announce.event.p50} ms, max ${announce.event.max} ms; audio playing p50 ${announce.playing.p50} ms (took ${Math.round((performance.now() - t7) / 1000)} s)`);
    } catch (err) {
      log(`\n!!!!! figure 7 failed: ${errorText(err)}\n`);
      skipped.push(`announcement start: failed, ${errorText(err)}`);
      announce = null;
    }

    let calls: WallCallFigures | null = null;
    log(`figure 6: call → number on the wall (Chromium, 1920×1080) and at a bare socket.io client, ${s.calls} calls…`);
    try {
      calls = await callToWall(page, hall, clerk, before.offset, s.calls, log);
      log(`  wall p50 ${calls.wall.p50} ms, p95 ${calls.wall.p95} ms, max ${calls.wall.max} ms; bare client p50 ${calls.socket.p50} ms, p95 ${calls.socket.p95} ms`);
    } catch (err) {
      log(`\n!!!!! figure 6 failed: ${errorText(err)}\n`);
      skipped.push(`call → wall: failed, ${errorText(err)}`);
      calls = null;
    }

    const after = await clockOffset(page);
    if (Math.abs(after.offset - before.offset) > 2 + after.halfRtt + before.halfRtt) {
      log(`!!!!! the wall page's clock drifted against the bench's: offset ${before.offset} ms before, ${after.offset} ms after`);
    }
    if (hall.disconnects.length > 0) log(`!!!!! the bare socket.io client was disconnected: ${hall.disconnects.join('; ')}`);
    if (wall.errors.length > 0) log(`!!!!! ${wall.errors.length} error(s) in the wall page, e.g. ${wall.errors[0]}`);
    if (announce && announce.playErrors.length > 0) log(`!!!!! ${announce.playErrors.length} play() error(s) in the wall page, e.g. ${announce.playErrors[0]}`);
    if (announce && announce.missed > 0) log(`  (all play() calls of the page: ${JSON.stringify((await allPlays(page)).slice(-5))})`);
    return { wall: calls, announce, clock: { before, after }, pageErrors: wall.errors, skipped };
  } finally {
    hall?.close();
    await browser?.close().catch(() => undefined);
    await hub?.stop();
  }
}
