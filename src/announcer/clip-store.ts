import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VoiceError } from './errors.ts';
import type { TtsEngine } from './espeak.ts';
import { chime, fadeEdges, FULL_SCALE, normaliseLoudness, toBytes, toSamples, trimSilence } from './pcm.ts';
import { CLIP_FORMAT, describeFormat, encodeWav, msToFrames, parseWav, sameFormat, WAVE_FORMAT_PCM, type PcmFormat } from './wav.ts';
import { ALL_CLIP_IDS, CLIPS, isClipId, type ClipId } from './vocabulary.ts';

/** Loaded clips, as the renderer reads them. */
export interface ClipSource {
  readonly format: PcmFormat;
  has(id: ClipId): boolean;
  /** The clip's PCM bytes in `format`; throws HQ_ERR_VOICE_CLIP_MISSING if it was not loaded. */
  pcm(id: ClipId): Buffer;
}

/** Where a clip came from: a hall's recording, the generated-clip cache, espeak-ng just now, or code. */
export type ClipOrigin = 'recording' | 'cache' | 'generated' | 'synthetic';

export interface ClipLoadReport {
  origins: Partial<Record<ClipId, ClipOrigin>>;
  /** Clips with no recording that could not be generated, and why. */
  missing: { id: ClipId; reason: string }[];
  /** `.wav` files in the recordings folder that are no clip id (a typo, or `a.wav` for `A.wav`). */
  ignoredRecordings: string[];
}

export interface ClipStoreOptions {
  /** Recordings that replace generated clips, `<dir>/<clipId>.wav` (config/voice). Null: none. */
  recordingsDir?: string | null;
  /** Keeps generated clips between runs (`<data>/voice-cache`). Null: generate on every start. */
  cacheDir?: string | null;
  /** Generates spoken clips that have no recording. Null: recordings only. */
  tts?: TtsEngine | null;
  /** espeak-ng runs at once. Default 4. */
  concurrency?: number;
}

/**
 * How generated clips are tidied before they are cached: trim to the voice (−44 dBFS) keeping
 * 10 ms, level to −18 dBFS RMS with peaks under −1 dBFS, 4 ms fades. Bump `version` whenever this
 * changes, so caches regenerate.
 */
export const GENERATED_CLIP_PROCESSING = {
  version: 1,
  threshold: 200,
  padMs: 10,
  targetRms: Math.round(FULL_SCALE * 0.126),
  maxPeak: Math.round(FULL_SCALE * 0.89),
  fadeMs: 4,
} as const;

/** Turns a generated WAV into a clip: same format required, then trimmed, levelled and faded. */
export function tidyGeneratedClip(wav: Uint8Array, format: PcmFormat = CLIP_FORMAT): Buffer {
  const parsed = parseWav(wav);
  if (parsed.audioFormat !== WAVE_FORMAT_PCM || !sameFormat(parsed.format, format)) {
    throw new VoiceError('HQ_ERR_VOICE_TTS', `the speech engine wrote ${describeFormat(parsed.format)}; clips are ${describeFormat(format)}`);
  }
  const p = GENERATED_CLIP_PROCESSING;
  let s = toSamples(parsed.data);
  s = trimSilence(s, { threshold: p.threshold, padFrames: msToFrames(format, p.padMs) });
  if (s.length === 0) throw new VoiceError('HQ_ERR_VOICE_TTS', 'the speech engine wrote only silence');
  s = normaliseLoudness(s, { targetRms: p.targetRms, maxPeak: p.maxPeak });
  s = fadeEdges(s, msToFrames(format, p.fadeMs));
  return toBytes(s);
}

/** Checks a recording and returns its PCM; the error says what the file is and how to convert it. */
export function readRecording(file: string, bytes: Uint8Array, format: PcmFormat = CLIP_FORMAT): Buffer {
  const want = `${describeFormat(format)} PCM WAV`;
  const convert =
    `Convert it with: ffmpeg -i in.wav -ac ${format.channels} -ar ${format.sampleRate} -c:a pcm_s${format.bitsPerSample}le ${file}` +
    ` (or: sox in.wav -r ${format.sampleRate} -c ${format.channels} -b ${format.bitsPerSample} ${file})`;
  let parsed;
  try {
    parsed = parseWav(bytes);
  } catch (err) {
    throw new VoiceError('HQ_ERR_VOICE_CLIP_FORMAT', `recording ${file}: ${(err as Error).message}. Recordings must be ${want}. ${convert}`);
  }
  if (parsed.audioFormat !== WAVE_FORMAT_PCM || !sameFormat(parsed.format, format)) {
    const is = parsed.audioFormat === WAVE_FORMAT_PCM ? `${describeFormat(parsed.format)} PCM` : `audio format ${parsed.audioFormat} (not integer PCM)`;
    throw new VoiceError('HQ_ERR_VOICE_CLIP_FORMAT', `recording ${file} is ${is}; recordings must be ${want}. ${convert}`);
  }
  if (parsed.data.length === 0) throw new VoiceError('HQ_ERR_VOICE_CLIP_FORMAT', `recording ${file} has no audio`);
  return Buffer.from(parsed.data);
}

/** The cache file name of a generated clip: changes with the text, the engine and the processing. */
export function cacheFileName(id: ClipId, say: string, engineId: string): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ say, engineId, processing: GENERATED_CLIP_PROCESSING }))
    .digest('hex')
    .slice(0, 12);
  return `${id}.${key}.wav`;
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/**
 * The clips, loaded once at start-up and then served from memory (rendering an announcement is
 * synchronous). For each clip: a recording in `recordingsDir` wins; otherwise the generated clip
 * from `cacheDir`; otherwise espeak-ng makes it and it is cached. `chime` is made in code unless
 * recorded; `pause` is not a clip here (the renderer writes silence).
 */
export class ClipStore implements ClipSource {
  readonly format: PcmFormat = CLIP_FORMAT;
  readonly #clips = new Map<ClipId, Buffer>();
  readonly #opts: Required<ClipStoreOptions>;

  constructor(opts: ClipStoreOptions = {}) {
    this.#opts = { recordingsDir: null, cacheDir: null, tts: null, concurrency: 4, ...opts };
  }

  has(id: ClipId): boolean {
    return this.#clips.has(id);
  }

  pcm(id: ClipId): Buffer {
    const clip = this.#clips.get(id);
    if (!clip) throw new VoiceError('HQ_ERR_VOICE_CLIP_MISSING', `voice clip '${id}' is not loaded (no recording, and it could not be generated)`);
    return clip;
  }

  /**
   * Loads `ids` (default: the whole vocabulary). Rejects on a bad recording, because a hall that
   * recorded its voice wants to know at start-up, not hear espeak-ng instead. A clip that cannot be
   * generated is only reported in `missing`.
   */
  async load(ids: readonly ClipId[] = ALL_CLIP_IDS.filter((id) => id !== 'pause')): Promise<ClipLoadReport> {
    const report: ClipLoadReport = { origins: {}, missing: [], ignoredRecordings: await this.#strayRecordings() };
    if (this.#opts.cacheDir && this.#opts.tts) await mkdir(this.#opts.cacheDir, { recursive: true });
    const queue = [...new Set(ids)].filter((id) => id !== 'pause');
    let failed = false;
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !failed; id = queue.shift()) {
        try {
          const origin = await this.#loadOne(id);
          if (origin) report.origins[id] = origin;
          else report.missing.push({ id, reason: 'no recording, and no speech engine to generate it' });
        } catch (err) {
          if (err instanceof VoiceError && err.code === 'HQ_ERR_VOICE_CLIP_FORMAT') {
            failed = true;
            throw err;
          }
          report.missing.push({ id, reason: (err as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#opts.concurrency) }, worker));
    report.missing.sort((a, b) => ALL_CLIP_IDS.indexOf(a.id) - ALL_CLIP_IDS.indexOf(b.id));
    return report;
  }

  async #loadOne(id: ClipId): Promise<ClipOrigin | null> {
    const { recordingsDir, cacheDir, tts } = this.#opts;
    if (recordingsDir) {
      const file = join(recordingsDir, `${id}.wav`);
      const bytes = await readIfExists(file);
      if (bytes) {
        this.#clips.set(id, readRecording(file, bytes, this.format));
        return 'recording';
      }
    }
    const spec = CLIPS[id];
    if (spec.kind === 'synthetic') {
      this.#clips.set(id, toBytes(chime(this.format.sampleRate)));
      return 'synthetic';
    }
    if (!tts) return null;
    const name = cacheFileName(id, spec.say, tts.id);
    if (cacheDir) {
      const cached = await readIfExists(join(cacheDir, name));
      if (cached) {
        try {
          const parsed = parseWav(cached);
          if (sameFormat(parsed.format, this.format) && parsed.data.length > 0) {
            this.#clips.set(id, Buffer.from(parsed.data));
            return 'cache';
          }
        } catch {
          // A torn or foreign file: generate it again below.
        }
      }
    }
    const pcm = tidyGeneratedClip(await tts.synthesize(spec.say), this.format);
    this.#clips.set(id, pcm);
    if (cacheDir) await this.#writeCache(cacheDir, id, name, pcm);
    return 'generated';
  }

  /** Writes atomically (temp file, rename), then removes this clip's older cache files. */
  async #writeCache(dir: string, id: ClipId, name: string, pcm: Buffer): Promise<void> {
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, encodeWav(this.format, pcm));
    await rename(tmp, join(dir, name));
    const stale = new RegExp(`^${id}\\.[0-9a-f]{12}\\.wav$`);
    for (const f of await readdir(dir)) {
      if (f !== name && stale.test(f)) await rm(join(dir, f), { force: true });
    }
  }

  async #strayRecordings(): Promise<string[]> {
    const dir = this.#opts.recordingsDir;
    if (!dir) return [];
    let files: string[];
    try {
      files = await readdir(dir);
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    const isRecording = (f: string) => f.endsWith('.wav') && isClipId(f.slice(0, -4)) && f !== 'pause.wav';
    return files.filter((f) => f.toLowerCase().endsWith('.wav') && !isRecording(f)).sort();
  }
}

/** Clips held in memory, for tests and for the hub's demo without espeak-ng. */
export class MemoryClipSource implements ClipSource {
  readonly format: PcmFormat;
  readonly #clips: Map<ClipId, Buffer>;

  constructor(clips: Iterable<[ClipId, Buffer]>, format: PcmFormat = CLIP_FORMAT) {
    this.#clips = new Map(clips);
    this.format = format;
  }

  has(id: ClipId): boolean {
    return this.#clips.has(id);
  }

  pcm(id: ClipId): Buffer {
    const clip = this.#clips.get(id);
    if (!clip) throw new VoiceError('HQ_ERR_VOICE_CLIP_MISSING', `voice clip '${id}' is not loaded`);
    return clip;
  }
}
