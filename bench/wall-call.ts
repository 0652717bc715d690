import type { Page } from 'playwright-core';
import type { Clerk } from './calling-clerk.ts';
import type { HallListener } from './hall-listener.ts';
import { latencyStats, type LatencyStats } from './kiosk-print.ts';
import { round } from './stats.ts';
import { numberShown, watchForNumber } from './wall-page.ts';

/**
 * Figure 6: from "call next" to the number on the hall wall in Chromium.
 *
 * t0: the bench, right before POST /api/v1/windows/1/call-next (clerk c1, window 1).
 * t1, wall: inside the wall page, the MutationObserver callback that first finds the called number
 * in `[data-test=latest-number]` (wall-page.ts, watchForNumber: installed before the call), i.e. once
 * Vue has patched the DOM; moved to the bench clock by the page↔bench offset. The start of the frame
 * after it (the frame that paints it) is kept too, as context.
 * t1, baseline: the same call's `ticket.called` reaching a bare socket.io client in the bench process
 * (hall-listener.ts): the hub's delivery without the browser, so wall / baseline is the page's share.
 * Each call: issue a ticket, wait for its broadcast and a quiet 50 ms, call, wait for both, complete.
 * The wall keeps playing the announcements of these calls meanwhile, as a hall wall would.
 */

const SHOWN_TIMEOUT_MS = 5_000;
const WARMUP = 3;

export interface WallCallSample {
  number: string;
  callId: string;
  /** ms from t0: HTTP answer, bare client's ticket.called, number in the wall's DOM, next frame. */
  httpMs: number;
  socketMs: number;
  wallMs: number;
  frameMs: number;
}

export interface WallCallFigures {
  wall: LatencyStats;
  socket: LatencyStats;
  frame: LatencyStats;
  http: LatencyStats;
  calls: WallCallSample[];
  missed: number;
}

export async function callToWall(page: Page, hall: HallListener, clerk: Clerk, pageOffset: number, n: number, log: (s: string) => void): Promise<WallCallFigures> {
  const calls: WallCallSample[] = [];
  let missed = 0;
  for (let i = 0; i < WARMUP + n; i++) {
    const number = await clerk.issue();
    await watchForNumber(page, number);
    const call = await clerk.callNext(number);
    const socketAt = await hall.waitFor(() => hall.called.get(call.callId), SHOWN_TIMEOUT_MS);
    const shown = await numberShown(page, SHOWN_TIMEOUT_MS);
    await clerk.complete();
    if (i < WARMUP) continue;
    if (socketAt === null || shown === null) {
      missed++;
      log(`!!!!! call of ${number}: ${shown === null ? `not on the wall within ${SHOWN_TIMEOUT_MS} ms` : ''}${socketAt === null ? ` no ticket.called at the bare client within ${SHOWN_TIMEOUT_MS} ms` : ''}`);
      continue;
    }
    calls.push({
      number,
      callId: call.callId,
      httpMs: round(call.httpMs),
      socketMs: round(socketAt - call.t0),
      wallMs: round(shown.inDom - pageOffset - call.t0),
      frameMs: round(shown.frame - pageOffset - call.t0),
    });
  }
  return {
    wall: latencyStats(calls.map((c) => c.wallMs)),
    socket: latencyStats(calls.map((c) => c.socketMs)),
    frame: latencyStats(calls.map((c) => c.frameMs)),
    http: latencyStats(calls.map((c) => c.httpMs)),
    calls,
    missed,
  };
}
