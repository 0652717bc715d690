import type { ClipSource } from './clip-store.ts';
import { concatLength, concatWav, durationMs, msToFrames, type PcmFormat, type Segment } from './wav.ts';
import type { ClipId } from './vocabulary.ts';

/** Silences inside one announcement. */
export interface RenderTiming {
  /** Between two spoken clips. */
  clipGapMs: number;
  /** After the chime, before the first word. */
  afterChimeMs: number;
  /** What a `pause` clip (a comma in the template) lasts; it replaces the gaps either side. */
  pauseMs: number;
}

export const DEFAULT_RENDER_TIMING: RenderTiming = { clipGapMs: 30, afterChimeMs: 250, pauseMs: 300 };

/** The segments of a plan (pure): clips from `pcm`, gaps and pauses as silence. */
export function planSegments(clips: readonly ClipId[], pcm: (id: ClipId) => Uint8Array, format: PcmFormat, timing: RenderTiming): Segment[] {
  const segments: Segment[] = [];
  let prev: ClipId | null = null;
  for (const id of clips) {
    if (id === 'pause') {
      segments.push({ silenceFrames: msToFrames(format, timing.pauseMs) });
    } else {
      if (prev !== null && prev !== 'pause') {
        segments.push({ silenceFrames: msToFrames(format, prev === 'chime' ? timing.afterChimeMs : timing.clipGapMs) });
      }
      segments.push({ pcm: pcm(id) });
    }
    prev = id;
  }
  return segments;
}

export interface RenderedAnnouncement {
  /** One WAV file: the whole plan, played once. */
  wav: Buffer;
  dataBytes: number;
  /** One play, in ms (fractional). */
  durationMs: number;
}

/**
 * How long one play of a plan lasts, in ms (fractional), without rendering it: the queue needs the
 * length at every call, the WAV only when a screen or the hub's speaker asks for it (a county peak
 * rendered ~200 kB per call that no one fetched). Throws as `renderPlan` does for a missing clip.
 */
export function planDurationMs(clips: readonly ClipId[], source: ClipSource, timing: RenderTiming = DEFAULT_RENDER_TIMING): number {
  return durationMs(source.format, concatLength(source.format, planSegments(clips, (id) => source.pcm(id), source.format, timing)));
}

/** One WAV for one play of a plan; throws HQ_ERR_VOICE_CLIP_MISSING if a clip is not loaded. */
export function renderPlan(clips: readonly ClipId[], source: ClipSource, timing: RenderTiming = DEFAULT_RENDER_TIMING): RenderedAnnouncement {
  const segments = planSegments(clips, (id) => source.pcm(id), source.format, timing);
  const wav = concatWav(source.format, segments);
  const dataBytes = concatLength(source.format, segments);
  return { wav, dataBytes, durationMs: durationMs(source.format, dataBytes) };
}
