/**
 * Voice calling (语音叫号) for the hub: reading rules → clip plan → one WAV per announcement,
 * played in turn by the wall page. See config/voice/README.md for replacing the generated clips.
 */
import type { Scheduler } from '../../devices/scheduler.ts';
import type { AnnouncerOptions } from './announcer.ts';
import { ZonedAnnouncer } from './zones.ts';
import { ClipStore, type ClipLoadReport } from './clip-store.ts';
import { resolveAnnouncerConfig, type AnnouncerConfigInput } from './config.ts';
import { EspeakEngine, type TtsEngine } from './espeak.ts';

export { HALL_ZONE, ZonedAnnouncer } from './zones.ts';
export { Announcer, estimateSpeechMs, type Announcement, type AnnounceInput, type AnnounceResult, type AnnouncerEvents, type AnnouncerOptions } from './announcer.ts';
export { ClipStore, MemoryClipSource, readRecording, tidyGeneratedClip, type ClipLoadReport, type ClipOrigin, type ClipSource, type ClipStoreOptions } from './clip-store.ts';
export { AnnouncerConfigSchema, DEFAULT_ANNOUNCER_CONFIG, resolveAnnouncerConfig, type AnnouncerConfig, type AnnouncerConfigInput } from './config.ts';
export { VoiceError, type VoiceErrorCode } from './errors.ts';
export { EspeakEngine, type EspeakOptions, type TtsEngine } from './espeak.ts';
export {
  DEFAULT_RECALL_TEMPLATE,
  DEFAULT_TEMPLATE,
  parseTemplate,
  planAnnouncement,
  readCardinal,
  readDigits,
  readNumber,
  readWindow,
  type AnnouncementPlan,
  type Reading,
} from './reading.ts';
export { renderPlan, type RenderTiming } from './render.ts';
export { ALL_CLIP_IDS, CLIPS, isPromptId, PROMPT_IDS, refusalPrompt, type ClipId, type PromptClipId } from './vocabulary.ts';
export { CLIP_FORMAT, concatWav, encodeWav, parseWav, wavHeader, type PcmFormat } from './wav.ts';

export interface CreateAnnouncerOptions {
  config?: AnnouncerConfigInput;
  /** Recordings that replace generated clips: `config/voice`. Null: none. */
  recordingsDir: string | null;
  /** Generated clips kept between runs: `<data>/voice-cache`. Null: regenerate on every start. */
  cacheDir: string | null;
  /** Default: espeak-ng with `config.espeak`. Null: recordings only. */
  tts?: TtsEngine | null;
  scheduler?: Scheduler;
  audioUrl?: AnnouncerOptions['audioUrl'];
}

/**
 * Loads the clips (recordings, cache, espeak-ng; about 0.5 s the first time, then from the cache)
 * and returns the announcer with the load report, for the hub to log `missing` and
 * `ignoredRecordings`. With no spoken clip at all (no espeak-ng, no recordings) the announcer is
 * speech only: events carry `audioUrl: null` and the wall uses Web Speech. A recording in the wrong
 * format rejects (HQ_ERR_VOICE_CLIP_FORMAT), as a bad hall.yaml does.
 */
export async function createAnnouncer(opts: CreateAnnouncerOptions): Promise<{ announcer: ZonedAnnouncer; report: ClipLoadReport }> {
  const config = resolveAnnouncerConfig(opts.config);
  const tts = opts.tts === undefined ? new EspeakEngine(config.espeak) : opts.tts;
  const store = new ClipStore({ recordingsDir: opts.recordingsDir, cacheDir: opts.cacheDir, tts });
  const report = await store.load();
  const spoken = Object.entries(report.origins).some(([id, origin]) => id !== 'chime' && origin !== 'synthetic');
  const announcer = new ZonedAnnouncer({
    clips: spoken ? store : null,
    config,
    ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
    ...(opts.audioUrl ? { audioUrl: opts.audioUrl } : {}),
  });
  return { announcer, report };
}

/**
 * The missing clips as one log record: how many, by reason, and the first few ids, so that a hub
 * without a speech engine says so in one line instead of one per clip.
 */
export function missingClipsSummary(missing: readonly { id: string; reason: string }[]): { missing: number; reasons: Record<string, number>; clips: string } {
  const reasons: Record<string, number> = {};
  for (const m of missing) reasons[m.reason] = (reasons[m.reason] ?? 0) + 1;
  const ids = missing.map((m) => m.id);
  return { missing: missing.length, reasons, clips: ids.length > 8 ? `${ids.slice(0, 8).join(', ')} … (${ids.length - 8} more)` : ids.join(', ') };
}
