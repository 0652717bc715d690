import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Child } from './children.ts';
import type { ReceiptReport } from './kiosk-protocol.ts';
import { percentile, round } from './stats.ts';
import { sleep, wallNow } from './wall-clock.ts';

/**
 * Figure 3: from the tap on a category to the last byte of its ticket at the (fake LAN) printer.
 *
 * t0, kiosk: taken INSIDE the page, `performance.timeOrigin + performance.now()` in a capturing
 * `pointerdown` listener on window, for a page.click() on `[data-test=category-ZX]` (the click handler
 * runs on the pointerup that follows). It is moved to the bench's clock by the page↔bench offset,
 * measured before and after the samples (the evaluate() round trip with the shortest time wins).
 * t0, baseline: the bench process, right before it sends the same POST /api/v1/tickets the kiosk
 * sends (kiosk token, an idempotency key), over a kept-alive connection: the same path minus the UI.
 * t1 for both: the wall time the fake printer, in the hub process, read the chunk holding the cut
 * (bench/kiosk-hub-server.ts). The two kinds alternate, a quiet gap before each; warm-ups dropped.
 */

const ZX = '[data-test=category-ZX]';
const RECEIPT_TIMEOUT_MS = 5_000;
const WARMUP = 3;
const GAP_MS = 50;

export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  max: number;
  samples: number[];
}

export interface TapToPrint {
  ui: LatencyStats;
  http: LatencyStats;
  /** Page clock minus bench clock (ms), and half the round trip it was read in: its uncertainty. */
  clock: { before: { offset: number; halfRtt: number }; after: { offset: number; halfRtt: number } };
  /** ms from the bench's call of page.click() to the page's pointerdown (CDP input dispatch), p50. */
  clickToPointerdownP50: number;
  /** Bytes of one ticket as the printer read them (status query included), and in how many chunks. */
  ticketBytes: number;
  ticketChunks: number;
  missed: number;
}

/** Receipts reported by the hub child, matched to tickets by their number. */
class Receipts {
  readonly #got: ReceiptReport[] = [];
  #wake: (() => void) | null = null;

  constructor(child: Child) {
    child.proc.on('message', (m: ReceiptReport) => {
      if (m?.kind !== 'receipt') return;
      this.#got.push(m);
      this.#wake?.();
    });
  }

  /** The receipt whose text has a line equal to `number`, or null after the timeout. */
  async take(number: string, timeoutMs = RECEIPT_TIMEOUT_MS): Promise<ReceiptReport | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#got.findIndex((r) => r.lines.some((l) => l.trim() === number));
      if (i >= 0) return this.#got.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  /** Receipts nobody asked for (should stay 0). */
  get unclaimed(): number {
    return this.#got.length;
  }
}

/** Page clock minus bench clock (ms): the evaluate() round trip with the shortest time of 20 wins; halfRtt is its uncertainty. */
export async function clockOffset(page: Page): Promise<{ offset: number; halfRtt: number }> {
  let best = { offset: Number.NaN, halfRtt: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 20; i++) {
    const a = wallNow();
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
    const b = wallNow();
    if ((b - a) / 2 < best.halfRtt) best = { offset: inPage - (a + b) / 2, halfRtt: (b - a) / 2 };
  }
  return { offset: round(best.offset, 3), halfRtt: round(best.halfRtt, 3) };
}

export function latencyStats(samples: number[]): LatencyStats {
  return {
    n: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    max: round(percentile(samples, 100)),
    samples: samples.map((x) => round(x)),
  };
}

export async function tapToPrint(page: Page, hub: Child, base: string, kioskToken: string, n: number, log: (s: string) => void): Promise<TapToPrint> {
  const receipts = new Receipts(hub);
  await page.goto(`${base}/kiosk/?token=${kioskToken}`);
  await page.waitForSelector(ZX);
  await page.waitForFunction(() => !document.querySelector('[data-test=offline]'));
  await page.evaluate(() => {
    const w = window as unknown as { __benchTaps: number[] };
    w.__benchTaps = [];
    window.addEventListener('pointerdown', () => w.__benchTaps.push(performance.timeOrigin + performance.now()), { capture: true });
  });
  const before = await clockOffset(page);

  const ui: number[] = [];
  const http: number[] = [];
  const dispatch: number[] = [];
  let missed = 0;
  let ticketBytes = 0;
  let ticketChunks = 0;

  const uiOnce = async (): Promise<{ tapToLastByte: number; dispatch: number } | null> => {
    try {
      await page.waitForSelector(`${ZX}:not([disabled])`);
      await sleep(GAP_MS);
      const taps = await page.evaluate(() => (window as unknown as { __benchTaps: number[] }).__benchTaps.length);
      const clickAt = wallNow();
      await page.click(ZX);
      const shown = await page.waitForSelector('[data-test=ticket-number], [data-test=refusal]', { timeout: RECEIPT_TIMEOUT_MS });
      const number = ((await shown.getAttribute('data-test')) === 'ticket-number' ? await shown.textContent() : null)?.trim();
      const tap = await page.evaluate((i) => (window as unknown as { __benchTaps: number[] }).__benchTaps[i], taps);
      const receipt = number ? await receipts.take(number) : null;
      if (!number || tap === undefined || !receipt) {
        const why = !number ? `refused on screen: ${await shown.textContent()}` : tap === undefined ? 'no pointerdown seen' : `no receipt with ${number} within ${RECEIPT_TIMEOUT_MS} ms`;
        log(`!!!!! kiosk tap: ${why}`);
        return null;
      }
      ticketBytes = receipt.bytes;
      ticketChunks = receipt.chunks;
      const t0 = tap - before.offset;
      return { tapToLastByte: receipt.lastByteAt - t0, dispatch: t0 - clickAt };
    } catch (err) {
      log(`!!!!! kiosk tap: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      return null;
    } finally {
      // Back home for the next tap (the kiosk would go by itself after 30 s idle): 完成 on a ticket, 返回首页 elsewhere.
      const back = (await page.$('[data-test=done]')) ?? (await page.$('[data-test=confirm-noted]')) ?? (await page.$('[data-test=home]'));
      if (back) await back.click();
    }
  };

  const httpOnce = async (): Promise<number | null> => {
    await sleep(GAP_MS);
    const t0 = wallNow();
    const res = await fetch(`${base}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${kioskToken}`, 'idempotency-key': `bench-${randomBytes(8).toString('hex')}` },
      body: JSON.stringify({ categoryId: 'ZX' }),
    });
    const body = (await res.json().catch(() => null)) as { ticket?: { number?: string } } | null;
    const number = body?.ticket?.number;
    const receipt = res.status === 201 && number ? await receipts.take(number) : null;
    if (!receipt) {
      log(`!!!!! POST /tickets: ${res.status !== 201 || !number ? `answered ${res.status} ${JSON.stringify(body).slice(0, 300)}` : `no receipt with ${number} within ${RECEIPT_TIMEOUT_MS} ms`}`);
      return null;
    }
    return receipt.lastByteAt - t0;
  };

  for (let i = 0; i < WARMUP + n; i++) {
    const u = await uiOnce();
    const h = await httpOnce();
    if (i < WARMUP) continue;
    if (u) {
      ui.push(u.tapToLastByte);
      dispatch.push(u.dispatch);
    } else missed++;
    if (h !== null) http.push(h);
    else missed++;
  }
  const after = await clockOffset(page);
  if (Math.abs(after.offset - before.offset) > 2 + after.halfRtt + before.halfRtt) {
    log(`!!!!! the page clock drifted against the bench's during the run: offset ${before.offset} ms before, ${after.offset} ms after`);
  }
  if (receipts.unclaimed > 0) log(`!!!!! ${receipts.unclaimed} receipt(s) at the printer matched no ticket of the bench`);
  return {
    ui: latencyStats(ui),
    http: latencyStats(http),
    clock: { before, after },
    clickToPointerdownP50: round(percentile(dispatch, 50)),
    ticketBytes,
    ticketChunks,
    missed,
  };
}
