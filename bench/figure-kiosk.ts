import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../test/support/browser.ts';
import { startChild, type Child } from './children.ts';
import { KIOSK_TOKEN } from './figure-issue.ts';
import { ensureUiBuilt, kB, kioskBundle, type BundleFigures } from './kiosk-bundle.ts';
import { tapToPrint, type TapToPrint } from './kiosk-print.ts';
import { firstRender, type RenderFigures } from './kiosk-render.ts';

/**
 * Figures 3–5, the kiosk issue's targets (issue 3, "Targets"), in its order: tap → last ticket byte at
 * the simulated printer (kiosk-print.ts), the kiosk's JavaScript over the wire (kiosk-bundle.ts), and
 * its first render in headless Chromium (kiosk-render.ts). The UI is built first if its build is
 * missing or stale. 3 and 5 run against one hub child with the fake LAN printer (kiosk-hub-server.ts)
 * and one Chromium (test/support/browser.ts); without Chromium they are skipped, loudly.
 */

export interface KioskSettings {
  /** Taps (and as many baseline POSTs) after 3 warm-ups each. */
  taps: number;
  /** First-render samples of each page after 1 warm-up each. */
  renders: number;
}

export interface KioskFigures {
  bundle: BundleFigures | null;
  render: RenderFigures | null;
  print: TapToPrint | null;
  /** Why figures were left out, if any were. */
  skipped: string[];
}

export async function figureKiosk(s: KioskSettings, log: (s: string) => void): Promise<KioskFigures> {
  const skipped: string[] = [];
  let built: string | null = null;
  try {
    built = ensureUiBuilt(log);
  } catch (err) {
    log(`\n!!!!! figures 3–5 skipped: ${err instanceof Error ? err.message : String(err)}\n`);
    return { bundle: null, render: null, print: null, skipped: ['kiosk figures: npm run build:ui failed'] };
  }
  const havePage = existsSync(CHROMIUM);
  if (!havePage) {
    log(`\n!!!!! ${CHROMIUM} not found: figures 3 and 5 (tap → printer, kiosk first render) SKIPPED. Install chromium or set CHROMIUM_PATH.\n`);
    skipped.push(`kiosk tap → printer and first render: no ${CHROMIUM}`);
  }

  let hub: Child | null = null;
  let browser: Browser | null = null;
  let print: TapToPrint | null = null;
  let render: RenderFigures | null = null;
  try {
    if (havePage) {
      hub = await startChild('kiosk-hub-server.ts');
      try {
        browser = await launchBrowser();
      } catch (err) {
        log(`\n!!!!! Chromium (${CHROMIUM}) does not start: figures 3 and 5 SKIPPED. ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
        skipped.push(`kiosk tap → printer and first render: ${CHROMIUM} does not start`);
      }
    }
    const base = `http://127.0.0.1:${Number(hub?.ready.port)}`;
    const viewport = { width: 1920, height: 1080 };

    if (hub && browser) {
      log(`figure 3: tap → last ticket byte at the fake printer, Chromium ${browser.version()}, ${s.taps} kiosk taps and ${s.taps} bare POSTs, alternating…`);
      const page = await browser.newPage({ viewport });
      print = await tapToPrint(page, hub, base, KIOSK_TOKEN, s.taps, log);
      await page.close();
      log(`  kiosk tap p50 ${print.ui.p50} ms, p95 ${print.ui.p95} ms; bare POST p50 ${print.http.p50} ms, p95 ${print.http.p95} ms`);
    }

    log('figure 4: kiosk JavaScript, gzipped…');
    const bundle = kioskBundle(built);
    log(`  kiosk ${bundle.js.files.length} JS file(s): ${kB(bundle.js.gzip)} kB gzipped (${kB(bundle.js.raw)} kB raw); Vue runtime alone ${kB(bundle.vue.gzip)} kB gzipped`);
    if (!bundle.entryFound) log('!!!!! dist/ui/kiosk/index.html loads a script that is not among the measured assets: was the UI rebuilt meanwhile?');

    if (hub && browser) {
      log(`figure 5: first render, ${s.renders} fresh browser contexts each, kiosk and static /display/index.html alternating…`);
      render = await firstRender(browser, base, KIOSK_TOKEN, s.renders, viewport);
      log(`  kiosk p50 ${render.kiosk.p50} ms, max ${render.kiosk.max} ms; baseline p50 ${render.display.p50} ms, max ${render.display.max} ms`);
    }
    return { bundle, render, print, skipped };
  } finally {
    await browser?.close().catch(() => undefined);
    await hub?.stop();
  }
}
