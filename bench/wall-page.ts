import type { Browser, Page } from 'playwright-core';

/**
 * The hall wall page (`/display/wall.html`, display-ui/src/wall) in headless Chromium, as figures 6
 * and 7 watch it. Every time below is taken INSIDE the page as `performance.timeOrigin +
 * performance.now()` (the page's wall clock); the figures move it to the bench's clock with the
 * page↔bench offset (kiosk-print.ts, clockOffset).
 *
 * The scripts run in the page are strings, not functions: tsx compiles the bench with esbuild's
 * keepNames, whose `__name(...)` wrappers don't exist in the page (as in kiosk-render.ts).
 */

/** One `HTMLMediaElement.play()` call of the page, with the element's events that followed it. */
export interface PlayRecord {
  /** The element's `src` (absolute) when play() was called. */
  url: string;
  /** When play() was called: the wall starting an announcement (AnnouncementPlayer → playAudio). */
  at: number;
  /** The element's `playing` event: the audio is actually coming out (after fetching the WAV). */
  playing: number | null;
  ended: number | null;
  /** The `error` event, or the promise play() returned rejecting. */
  error: string | null;
}

export const WALL_READY = '.queues .queue';
const NUMBER = '[data-test=latest-number]';

/**
 * Init script (before the page's own scripts): wraps HTMLMediaElement.prototype.play to record each
 * call in `window.__benchPlays`. The wall's player creates `new Audio(audioUrl)` and calls play() on
 * it in the same task as the socket.io `announcement` event handler.
 */
const PLAY_PROBE = `(() => {
  const plays = [];
  window.__benchPlays = plays;
  const now = () => performance.timeOrigin + performance.now();
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (...args) {
    const rec = { url: this.src, at: now(), playing: null, ended: null, error: null };
    plays.push(rec);
    this.addEventListener('playing', () => { if (rec.playing === null) rec.playing = now(); });
    this.addEventListener('ended', () => { if (rec.ended === null) rec.ended = now(); });
    this.addEventListener('error', () => { if (rec.error === null) rec.error = 'error event ' + (this.error ? this.error.code : ''); });
    const p = play.apply(this, args);
    if (p && typeof p.then === 'function') p.then(undefined, (e) => { if (rec.error === null) rec.error = String(e); });
    return p;
  };
})();`;

export async function openWall(browser: Browser, base: string, viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.addInitScript({ content: PLAY_PROBE });
  await page.goto(`${base}/display/wall.html`);
  await page.waitForSelector(WALL_READY);
  return { page, errors };
}

/**
 * Before a call: a MutationObserver that takes the time when `[data-test=latest-number]` first reads
 * `number` (the wall re-creates the latest-call block per call, keyed by callId), and the start of
 * the animation frame after that (the frame that paints it), in `window.__benchWall`.
 */
export async function watchForNumber(page: Page, number: string): Promise<void> {
  await page.evaluate(`(() => {
    const want = ${JSON.stringify(number)};
    const seen = { want, inDom: null, frame: null };
    window.__benchWall = seen;
    const check = () => {
      const el = document.querySelector(${JSON.stringify(NUMBER)});
      if (!el || el.textContent.trim() !== want) return false;
      seen.inDom = performance.timeOrigin + performance.now();
      requestAnimationFrame(() => { seen.frame = performance.timeOrigin + performance.now(); });
      return true;
    };
    if (check()) return;
    const mo = new MutationObserver(() => { if (check()) mo.disconnect(); });
    mo.observe(document.body, { childList: true, subtree: true, characterData: true });
  })()`);
}

/** Page times when the watched number was in the DOM and the next frame began, or null after the timeout. */
export async function numberShown(page: Page, timeoutMs: number): Promise<{ inDom: number; frame: number } | null> {
  try {
    await page.waitForFunction('window.__benchWall && window.__benchWall.frame !== null', undefined, { timeout: timeoutMs });
  } catch {
    return null;
  }
  return (await page.evaluate('({ inDom: window.__benchWall.inDom, frame: window.__benchWall.frame })')) as { inDom: number; frame: number };
}

/** The page's play() calls whose URL is the WAV of `callId` (`/api/v1/announcements/<callId>.wav`). */
export async function playsOf(page: Page, callId: string): Promise<PlayRecord[]> {
  const suffix = `/${encodeURIComponent(callId)}.wav`;
  return (await page.evaluate(`(window.__benchPlays || []).filter((p) => p.url.endsWith(${JSON.stringify(suffix)}))`)) as PlayRecord[];
}

/** Waits until `done` holds for the plays of `callId` (polling the page every 10 ms); null after the timeout. */
export async function waitForPlays(page: Page, callId: string, done: (plays: PlayRecord[]) => boolean, timeoutMs: number): Promise<PlayRecord[] | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const plays = await playsOf(page, callId);
    if (done(plays)) return plays;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every play() of the page so far (for the JSON when something went wrong). */
export async function allPlays(page: Page): Promise<PlayRecord[]> {
  return (await page.evaluate('window.__benchPlays || []')) as PlayRecord[];
}
