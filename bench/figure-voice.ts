import { join } from 'node:path';
import { seededRandom } from '../devices/idcard/simulator/seeded-random.ts';
import { ManualScheduler } from '../devices/scheduler.ts';
import { createAnnouncer } from '../src/announcer/index.ts';
import type { AnnouncerConfigInput } from '../src/announcer/config.ts';
import { REPO_DIR } from './children.ts';
import { percentile, round } from './stats.ts';

/**
 * Voice at a county peak (issue #11): 10 calls a minute across 30 windows for an hour, a tenth of
 * them followed by a recall, through the hall's real announcer with its real clips (recordings in
 * config/voice, else espeak-ng, cached in test-output), on a virtual clock: the hour takes a second.
 * The baseline is the same announcer without its peak rules (every call two plays with the chime,
 * nothing dropped), which is how the hub announced before. Also: the speech rate of the clips.
 */

export interface VoiceSettings {
  callsPerMin: number;
  windows: number;
  minutes: number;
  recallShare: number;
}

export interface VoiceRun {
  lagMs: { p50: number; p99: number; max: number };
  /** Announcements waiting, at most. */
  maxPending: number;
  firstsDropped: number;
  recallsDropped: number;
  calls: number;
  heard: number;
}

export interface VoiceFigures {
  settings: VoiceSettings;
  peak: VoiceRun;
  calm: VoiceRun;
  /** One play of 请A012号到12号窗口办理: its length and the syllables a minute it speaks. */
  onePlayMs: number;
  syllablesPerMin: number;
  clipOrigins: Record<string, number>;
  skipped: string | null;
}


async function runHour(s: VoiceSettings, config: AnnouncerConfigInput): Promise<VoiceRun & { onePlayMs: number; syllablesPerMin: number; origins: Record<string, number> }> {
  const clock = new ManualScheduler(Date.parse('2026-12-07T09:00:00+08:00'));
  const { announcer, report } = await createAnnouncer({
    config,
    recordingsDir: join(REPO_DIR, 'config', 'voice'),
    cacheDir: join(REPO_DIR, 'test-output', 'bench-voice-cache'),
    scheduler: clock,
  });
  try {
    const origins: Record<string, number> = {};
    for (const o of Object.values(report.origins)) origins[o] = (origins[o] ?? 0) + 1;
    const calledAt = new Map<string, number>();
    const firsts = new Set<string>();
    const lags: number[] = [];
    let heard = 0;
    let firstsDropped = 0;
    let recallsDropped = 0;
    let maxPending = 0;
    announcer.on('announcement', (a) => {
      heard++;
      const at = calledAt.get(a.callId);
      if (at !== undefined && firsts.has(a.callId)) lags.push(a.startAt - at);
    });
    announcer.on('dropped', (d) => (firsts.has(d.callId) ? firstsDropped++ : recallsDropped++));

    // The hour's calls: exponential gaps at the rate, windows at random, a recall 1–3 min after a tenth of them.
    // Seeded, so both runs hear the same hour.
    const random = seededRandom(11);
    const calls: { at: number; callId: string; number: string; windowId: number; recall: boolean }[] = [];
    const start = clock.now();
    let t = start;
    for (let i = 1; ; i++) {
      t += (-Math.log(1 - random()) * 60_000) / s.callsPerMin;
      if (t >= start + s.minutes * 60_000) break;
      const windowId = 1 + Math.floor(random() * s.windows);
      const number = `A${String(i % 1000).padStart(3, '0')}`;
      calls.push({ at: t, callId: `c${i}`, number, windowId, recall: false });
      if (random() < s.recallShare) calls.push({ at: t + 60_000 + random() * 120_000, callId: `c${i}r`, number, windowId, recall: true });
    }
    calls.sort((a, b) => a.at - b.at);
    for (const c of calls) {
      await clock.advance(Math.max(0, c.at - clock.now()));
      calledAt.set(c.callId, clock.now());
      if (!c.recall) firsts.add(c.callId);
      announcer.announce({ callId: c.callId, number: c.number, windowId: c.windowId, ...(c.recall ? { recall: true } : {}) });
      maxPending = Math.max(maxPending, announcer.pending.length);
    }
    await clock.advance(3 * 3600_000);

    const probe = announcer.announce({ callId: 'probe', number: 'A012', windowId: 12 });
    let onePlayMs = Number.NaN;
    let syllablesPerMin = Number.NaN;
    if (probe.status === 'queued') {
      const a = probe.announcement;
      onePlayMs = a.durationMs;
      // Each clip is a syllable, but 窗口 and 办理 are two.
      const syllables = a.plan.filter((c) => c !== 'chime' && c !== 'pause').reduce((n, c) => n + (c === 'chuangkou' || c === 'banli' ? 2 : 1), 0);
      syllablesPerMin = Math.round(syllables / (a.durationMs / 60_000));
    }
    return {
      lagMs: { p50: round(percentile(lags, 50), 0), p99: round(percentile(lags, 99), 0), max: round(Math.max(...lags), 0) },
      maxPending,
      firstsDropped,
      recallsDropped,
      calls: calls.length,
      heard,
      onePlayMs,
      syllablesPerMin,
      origins,
    };
  } finally {
    announcer.close();
  }
}

export async function figureVoice(s: VoiceSettings, log: (l: string) => void): Promise<VoiceFigures> {
  const peak = await runHour(s, {});
  // Before issue #11: every call two plays with the chime, nothing dropped however long the queue.
  const calm = await runHour(s, { busyAt: 100, maxPending: 1000 });
  const skipped = peak.origins.synthetic && Object.keys(peak.origins).length === 1 ? 'no spoken clips (espeak-ng missing and no recordings): durations are estimates' : null;
  log(
    `voice: ${s.callsPerMin} calls/min over ${s.windows} windows for ${s.minutes} min (${peak.calls} calls with recalls): ` +
      `first call → its announcement starts p99 ${peak.lagMs.p99} ms, max ${peak.lagMs.max} ms, at most ${peak.maxPending} waiting, ` +
      `${peak.firstsDropped} first calls dropped, ${peak.recallsDropped} stale recalls dropped; without the peak rules p99 ${calm.lagMs.p99} ms, max ${calm.lagMs.max} ms, ${calm.maxPending} waiting. ` +
      `One play ${peak.onePlayMs} ms, ${peak.syllablesPerMin} syllables/min`,
  );
  const { onePlayMs, syllablesPerMin, origins, ...peakRun } = peak;
  const { onePlayMs: _o, syllablesPerMin: _s, origins: _g, ...calmRun } = calm;
  return { settings: s, peak: peakRun, calm: calmRun, onePlayMs, syllablesPerMin, clipOrigins: origins, skipped };
}
