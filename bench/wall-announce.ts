import type { Page } from 'playwright-core';
import type { Clerk } from './calling-clerk.ts';
import type { HallListener } from './hall-listener.ts';
import { latencyStats, type LatencyStats } from './kiosk-print.ts';
import { round } from './stats.ts';
import { sleep, wallNow } from './wall-clock.ts';
import { waitForPlays, type PlayRecord } from './wall-page.ts';

/**
 * Figure 7: from "call next" to the start of its announcement, with the announcement queue idle.
 *
 * t0: the bench, right before POST /api/v1/windows/1/call-next.
 * t1, wall (the figure): inside the wall page, the first HTMLMediaElement.play() call on the WAV of
 * this call (`/api/v1/announcements/<callId>.wav`), recorded by wall-page.ts's init script; moved to
 * the bench clock by the page↔bench offset. Context: the element's `playing` event, when sound
 * actually comes out (the WAV fetched and decoded).
 * t1, baseline: the hub's `announcement` event for this callId reaching a bare socket.io client in
 * the bench process (hall-listener.ts): when the hub starts it, without the page.
 * Idle: before each call the bench waits for the previous announcement's end on the hub (its endsAt)
 * plus the announcer's betweenMs, and for the wall's last play of it to end, then IDLE_MARGIN_MS
 * more; each sample's `hubLeadMs` (startAt − queuedAt on the hub) shows the queue was idle (≈ leadMs).
 */

const WARMUP = 1;
const IDLE_MARGIN_MS = 200;
/** For the event and the play() call: generous, a late start is a figure, not a miss. */
const START_TIMEOUT_MS = 10_000;

export interface AnnounceSample {
  number: string;
  callId: string;
  /** ms from t0: HTTP answer, `announcement` at the bare client, the wall's play(), its `playing` event. */
  httpMs: number;
  eventMs: number;
  playMs: number;
  playingMs: number | null;
  /** ms from t0 to the hub's own startAt (hub Date.now(), whole ms). */
  hubStartMs: number;
  /** startAt − queuedAt on the hub: its lead when idle (config leadMs), more if it had to queue. */
  hubLeadMs: number;
  /** ms from the previous announcement's end (hub endsAt) to t0. */
  idleMs: number | null;
}

export interface WallAnnounceFigures {
  announcer: { repeat: number; gapMs: number; betweenMs: number; leadMs: number };
  /** Waited after the previous announcement's end + betweenMs, before each call. */
  idleMarginMs: number;
  /** The WAV's length (one play), ms, as the hub reported it. */
  durationMs: number | null;
  play: LatencyStats;
  event: LatencyStats;
  playing: LatencyStats;
  samples: AnnounceSample[];
  /** The warm-up call(s), not counted. */
  warmup: AnnounceSample[];
  missed: number;
  /** The hub announced with `audioUrl: null` (no clips: speech only), so the wall has no play() to time. */
  speechOnly: boolean;
  /** Samples whose hubLeadMs was above leadMs + 50 ms (the queue was not idle after all). */
  notIdle: number;
  /** play() records of the page that ended in an error. */
  playErrors: string[];
}

export async function announcementStart(
  page: Page,
  hall: HallListener,
  clerk: Clerk,
  pageOffset: number,
  announcer: WallAnnounceFigures['announcer'],
  n: number,
  log: (s: string) => void,
): Promise<WallAnnounceFigures> {
  const samples: AnnounceSample[] = [];
  const warmup: AnnounceSample[] = [];
  const playErrors: string[] = [];
  let missed = 0;
  let notIdle = 0;
  let speechOnly = false;
  let durationMs: number | null = null;
  let prevEndsAt: number | null = null;
  let idleAt = 0;
  const toBench = (pageTime: number) => pageTime - pageOffset;

  for (let i = 0; i < WARMUP + n; i++) {
    const wait = idleAt - wallNow();
    if (wait > 0) await sleep(wait);
    const number = await clerk.issue();
    const call = await clerk.callNext(number);
    const ev = await hall.waitFor(() => hall.announced.get(call.callId), START_TIMEOUT_MS);
    await clerk.complete();
    if (!ev) {
      if (i >= WARMUP) missed++;
      log(`!!!!! call of ${number}: no announcement event within ${START_TIMEOUT_MS} ms`);
      idleAt = wallNow() + 2_000;
      continue;
    }
    const a = ev.a;
    durationMs = a.durationMs;
    if (a.audioUrl === null) {
      speechOnly = true;
      log(`!!!!! the hub announced ${number} with no audio (speech only: no voice clips, is espeak-ng installed?): the wall has no play() to time`);
      break;
    }
    // The first play() is the start; the announcement is over on the wall when all its plays ended.
    const started = await waitForPlays(page, call.callId, (p) => p.length > 0, START_TIMEOUT_MS);
    const over = started && (await waitForPlays(page, call.callId, (p) => p.length >= a.repeat && p.every((x) => x.ended !== null || x.error !== null), a.totalMs + START_TIMEOUT_MS));
    const plays: PlayRecord[] = over || started || [];
    for (const p of plays) if (p.error) playErrors.push(`${number}: ${p.error}`);
    if (!over) log(`!!!!! the wall's plays of ${number} did not all end within ${a.totalMs + START_TIMEOUT_MS} ms (${plays.length} play() call(s))`);
    // Idle again: the hub's queue after endsAt + betweenMs, the wall's player after its last play ended.
    const wallEnd = Math.max(0, ...plays.map((p) => toBench(p.ended ?? p.at)));
    idleAt = Math.max(a.endsAt + announcer.betweenMs, wallEnd) + IDLE_MARGIN_MS;
    const idleMs = prevEndsAt === null ? null : round(call.t0 - prevEndsAt);
    prevEndsAt = a.endsAt;

    const first = plays[0];
    if (!first) {
      if (i >= WARMUP) missed++;
      log(`!!!!! the wall did not call play() for ${number} within ${START_TIMEOUT_MS} ms`);
      continue;
    }
    const hubLeadMs = a.startAt - a.queuedAt;
    if (hubLeadMs > announcer.leadMs + 50 && i >= WARMUP) {
      notIdle++;
      log(`!!!!! ${number}: the hub queued its announcement ${hubLeadMs} ms (leadMs ${announcer.leadMs}): the queue was not idle`);
    }
    (i < WARMUP ? warmup : samples).push({
      number,
      callId: call.callId,
      httpMs: round(call.httpMs),
      eventMs: round(ev.at - call.t0),
      playMs: round(toBench(first.at) - call.t0),
      playingMs: first.playing === null ? null : round(toBench(first.playing) - call.t0),
      hubStartMs: round(a.startAt - call.t0),
      hubLeadMs,
      idleMs,
    });
  }
  return {
    announcer,
    idleMarginMs: IDLE_MARGIN_MS,
    durationMs,
    play: latencyStats(samples.map((s) => s.playMs)),
    event: latencyStats(samples.map((s) => s.eventMs)),
    playing: latencyStats(samples.flatMap((s) => (s.playingMs === null ? [] : [s.playingMs]))),
    samples,
    warmup,
    missed,
    speechOnly,
    notIdle,
    playErrors,
  };
}
