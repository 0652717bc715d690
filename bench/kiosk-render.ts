import type { Browser } from 'playwright-core';
import { percentile, round } from './stats.ts';

/**
 * Figure 5: first render in headless Chromium, from the navigation start (the page's timeOrigin) to
 * the moment the awaited element is in the DOM, as the page itself sees it: a MutationObserver set up
 * before any page script (an init script) takes performance.now() when the selector first matches.
 * Kiosk: `[data-test=category-ZX]`, which exists only once the hall data (GET /api/v1/hall or the socket
 * snapshot) is in. Baseline: the display's static /display/index.html until its `a` elements exist.
 * Every sample is a new browser context, so nothing is cached; one warm-up sample of each is dropped.
 */

export interface RenderSample {
  /** ms from navigation start to the element in the DOM: the figure. */
  inDom: number;
  /** ms to the first animation frame callback after that (the start of the frame that paints it). */
  frame: number;
  /** first-contentful-paint, when Chromium reported one by then. */
  fcp: number | null;
  /** End of the HTML response. */
  htmlEnd: number;
  /** Last script's response end (kiosk: the bundle), null when none. */
  scriptEnd: number | null;
  /** GET /api/v1/hall start and response end, null when not fetched. */
  hallStart: number | null;
  hallEnd: number | null;
}

export interface RenderStats {
  url: string;
  selector: string;
  samples: RenderSample[];
  p50: number;
  max: number;
  frameP50: number;
}

export interface RenderFigures {
  viewport: { width: number; height: number };
  kiosk: RenderStats;
  display: RenderStats;
}

interface Seen {
  inDom: number;
  frame?: number;
}

/**
 * Runs in the page before its own scripts. A string, not a function: tsx compiles this file with
 * esbuild's keepNames, whose `__name(...)` wrappers don't exist in the page.
 */
const probe = (selector: string): string => `(() => {
  const selector = ${JSON.stringify(selector)};
  const check = () => {
    if (window.__benchSeen) return true;
    if (!document.querySelector(selector)) return false;
    const seen = { inDom: performance.now() };
    window.__benchSeen = seen;
    requestAnimationFrame(() => { seen.frame = performance.now(); });
    return true;
  };
  const mo = new MutationObserver(() => { if (check()) mo.disconnect(); });
  mo.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-test'] });
})();`;

async function sample(browser: Browser, url: string, selector: string, viewport: { width: number; height: number }): Promise<RenderSample> {
  const context = await browser.newContext({ viewport });
  try {
    await context.addInitScript({ content: probe(selector) });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit', timeout: 10_000 });
    await page.waitForFunction(() => (window as unknown as { __benchSeen?: Seen }).__benchSeen?.frame !== undefined, undefined, { timeout: 10_000 });
    return await page.evaluate(() => {
      const seen = (window as unknown as { __benchSeen: Required<Seen> }).__benchSeen;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const scripts = resources.filter((r) => r.initiatorType === 'script');
      const hall = resources.find((r) => new URL(r.name).pathname === '/api/v1/hall');
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        inDom: seen.inDom,
        frame: seen.frame,
        fcp: fcp ? fcp.startTime : null,
        htmlEnd: nav?.responseEnd ?? Number.NaN,
        scriptEnd: scripts.length ? Math.max(...scripts.map((s) => s.responseEnd)) : null,
        hallStart: hall ? hall.startTime : null,
        hallEnd: hall ? hall.responseEnd : null,
      };
    });
  } finally {
    await context.close();
  }
}

const roundSample = (s: RenderSample): RenderSample => ({
  inDom: round(s.inDom, 1),
  frame: round(s.frame, 1),
  fcp: s.fcp === null ? null : round(s.fcp, 1),
  htmlEnd: round(s.htmlEnd, 1),
  scriptEnd: s.scriptEnd === null ? null : round(s.scriptEnd, 1),
  hallStart: s.hallStart === null ? null : round(s.hallStart, 1),
  hallEnd: s.hallEnd === null ? null : round(s.hallEnd, 1),
});

function stats(url: string, selector: string, samples: RenderSample[]): RenderStats {
  const inDom = samples.map((s) => s.inDom);
  return {
    url,
    selector,
    samples: samples.map(roundSample),
    p50: round(percentile(inDom, 50), 1),
    max: round(percentile(inDom, 100), 1),
    frameP50: round(percentile(samples.map((s) => s.frame), 50), 1),
  };
}

/** Kiosk and display alternate, one warm-up of each first. */
export async function firstRender(browser: Browser, base: string, kioskToken: string, n: number, viewport: { width: number; height: number }): Promise<RenderFigures> {
  const kioskUrl = `${base}/kiosk/?token=${kioskToken}`;
  const kioskSel = '[data-test=category-ZX]';
  const displayUrl = `${base}/display/index.html`;
  const displaySel = 'a';
  const k: RenderSample[] = [];
  const d: RenderSample[] = [];
  for (let i = 0; i <= n; i++) {
    const ks = await sample(browser, kioskUrl, kioskSel, viewport);
    const ds = await sample(browser, displayUrl, displaySel, viewport);
    if (i === 0) continue;
    k.push(ks);
    d.push(ds);
  }
  return { viewport, kiosk: stats(kioskUrl, kioskSel, k), display: stats(displayUrl, displaySel, d) };
}
