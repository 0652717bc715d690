import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../devices/scheduler.ts';
import { cacheFileName, ClipStore, GENERATED_CLIP_PROCESSING, readRecording, tidyGeneratedClip } from './clip-store.ts';
import { VoiceError } from './errors.ts';
import { EspeakEngine, type TtsEngine } from './espeak.ts';
import { createAnnouncer } from './index.ts';
import { peak, rms, toBytes, toSamples } from './pcm.ts';
import { ALL_CLIP_IDS, type ClipId } from './vocabulary.ts';
import { CLIP_FORMAT, encodeWav, parseWav, type PcmFormat } from './wav.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hallq-clips-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const d = join(tmp, String(dirs++));
  mkdirSync(d, { recursive: true });
  return d;
};

/** 50 ms of silence, a 200 ms tone whose pitch depends on the text, 300 ms of silence. */
function toneWav(text: string, format: PcmFormat = CLIP_FORMAT, amplitude = 3000): Buffer {
  const hz = 200 + [...text].reduce((a, c) => a + c.charCodeAt(0), 0);
  const s = new Int16Array(Math.round(format.sampleRate * 0.55));
  const from = Math.round(format.sampleRate * 0.05);
  for (let i = 0; i < format.sampleRate * 0.2; i++) s[from + i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / format.sampleRate));
  return encodeWav(format, toBytes(s));
}

class FakeTts implements TtsEngine {
  calls: string[] = [];
  constructor(readonly id = 'fake|1') {}
  async synthesize(text: string): Promise<Buffer> {
    this.calls.push(text);
    return toneWav(text);
  }
}

const SPOKEN = ALL_CLIP_IDS.filter((id) => id !== 'chime' && id !== 'pause');

describe('generated clips', () => {
  it('are trimmed to the voice (10 ms either side), levelled and faded', () => {
    const pcm = tidyGeneratedClip(toneWav('qing3'));
    const s = toSamples(pcm);
    expect(s.length).toBeGreaterThanOrEqual(Math.round(22050 * 0.2));
    expect(s.length).toBeLessThanOrEqual(Math.round(22050 * 0.2) + 2 * 221 + 2);
    expect(s[0]).toBe(0);
    expect(s[s.length - 1]).toBe(0);
    expect(peak(s)).toBeLessThanOrEqual(GENERATED_CLIP_PROCESSING.maxPeak);
    expect(rms(s)).toBeGreaterThan(GENERATED_CLIP_PROCESSING.targetRms * 0.8);
  });

  it('must come out of the engine in the clip format', () => {
    expect(() => tidyGeneratedClip(toneWav('x', { sampleRate: 16000, channels: 1, bitsPerSample: 16 }))).toThrow(/wrote 16-bit mono 16000 Hz; clips are 16-bit mono 22050 Hz/);
    expect(() => tidyGeneratedClip(encodeWav(CLIP_FORMAT, Buffer.alloc(1000)))).toThrow(/only silence/);
  });

  it('are cached under a name that changes with the text, the engine and the processing', () => {
    const a = cacheFileName('qing', 'qing3', 'espeak-ng|cmn-latn-pinyin|s150|p50');
    expect(a).toMatch(/^qing\.[0-9a-f]{12}\.wav$/);
    expect(cacheFileName('qing', 'qing3', 'espeak-ng|cmn-latn-pinyin|s150|p50')).toBe(a);
    expect(cacheFileName('qing', 'qing2', 'espeak-ng|cmn-latn-pinyin|s150|p50')).not.toBe(a);
    expect(cacheFileName('qing', 'qing3', 'espeak-ng|cmn-latn-pinyin|s160|p50')).not.toBe(a);
  });
});

describe('ClipStore', () => {
  it('generates every missing clip once, caches it, and loads from the cache next time', async () => {
    const cacheDir = join(freshDir(), 'voice-cache'); // created on demand
    const tts = new FakeTts();
    const first = new ClipStore({ cacheDir, tts, recordingsDir: join(tmp, 'no-such-dir') });
    const r1 = await first.load();
    expect(r1.missing).toEqual([]);
    expect(r1.ignoredRecordings).toEqual([]);
    expect(r1.origins.chime).toBe('synthetic');
    expect(SPOKEN.every((id) => r1.origins[id] === 'generated')).toBe(true);
    expect(r1.origins.pause).toBeUndefined();
    expect(tts.calls).toHaveLength(SPOKEN.length);
    expect(tts.calls).toContain('ei1');
    expect(tts.calls).toContain('chuang1 kou3');

    const files = readdirSync(cacheDir).sort();
    expect(files).toHaveLength(SPOKEN.length);
    for (const f of files) {
      const wav = readFileSync(join(cacheDir, f));
      expect(wav.readUInt32LE(4)).toBe(36 + wav.readUInt32LE(40)); // canonical header
      expect(parseWav(wav).format).toEqual(CLIP_FORMAT);
    }

    const again = new FakeTts();
    const second = new ClipStore({ cacheDir, tts: again });
    const r2 = await second.load();
    expect(again.calls).toEqual([]);
    expect(SPOKEN.every((id) => r2.origins[id] === 'cache')).toBe(true);
    for (const id of SPOKEN) expect(second.pcm(id).equals(first.pcm(id)), id).toBe(true);
  });

  it('regenerates when the engine changes, and removes the clip’s old cache file', async () => {
    const cacheDir = freshDir();
    await new ClipStore({ cacheDir, tts: new FakeTts('fake|1') }).load(['qing', 'hao']);
    const before = readdirSync(cacheDir).sort();
    const tts = new FakeTts('fake|2');
    const r = await new ClipStore({ cacheDir, tts }).load(['qing']);
    expect(r.origins.qing).toBe('generated');
    const after = readdirSync(cacheDir).sort();
    expect(after).toHaveLength(2);
    expect(after.filter((f) => f.startsWith('hao.'))).toEqual(before.filter((f) => f.startsWith('hao.')));
    expect(after.find((f) => f.startsWith('qing.'))).not.toBe(before.find((f) => f.startsWith('qing.')));
  });

  it('regenerates a torn cache file', async () => {
    const cacheDir = freshDir();
    const tts = new FakeTts();
    await new ClipStore({ cacheDir, tts }).load(['qing']);
    const [file] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, file ?? 'x'), 'RIFF');
    const r = await new ClipStore({ cacheDir, tts }).load(['qing']);
    expect(r.origins.qing).toBe('generated');
    expect(tts.calls).toEqual(['qing3', 'qing3']);
  });

  it('uses a recording instead of generating, as is; reports files that are no clip', async () => {
    const recordingsDir = freshDir();
    const recorded = toneWav('my voice', CLIP_FORMAT, 12000);
    writeFileSync(join(recordingsDir, 'qing.wav'), recorded);
    writeFileSync(join(recordingsDir, 'chime.wav'), recorded);
    writeFileSync(join(recordingsDir, 'a.wav'), recorded);
    writeFileSync(join(recordingsDir, 'pause.wav'), recorded);
    writeFileSync(join(recordingsDir, 'README.md'), '# voice');
    const tts = new FakeTts();
    const store = new ClipStore({ recordingsDir, cacheDir: null, tts });
    const r = await store.load();
    expect(r.origins.qing).toBe('recording');
    expect(r.origins.chime).toBe('recording');
    expect(r.origins.A).toBe('generated');
    expect(r.ignoredRecordings).toEqual(['a.wav', 'pause.wav']);
    expect(tts.calls).not.toContain('qing3');
    expect(store.pcm('qing').equals(parseWav(recorded).data)).toBe(true); // not trimmed or levelled
  });

  it('refuses a recording in another format, saying what it is and how to convert it', async () => {
    const recordingsDir = freshDir();
    writeFileSync(join(recordingsDir, 'hao.wav'), toneWav('hao', { sampleRate: 44100, channels: 2, bitsPerSample: 16 }));
    const load = new ClipStore({ recordingsDir, tts: new FakeTts() }).load();
    await expect(load).rejects.toBeInstanceOf(VoiceError);
    await expect(load).rejects.toMatchObject({ code: 'HQ_ERR_VOICE_CLIP_FORMAT' });
    await expect(load).rejects.toThrow(/hao\.wav is 16-bit stereo 44100 Hz PCM; recordings must be 16-bit mono 22050 Hz PCM WAV\. Convert it with: ffmpeg -i in\.wav -ac 1 -ar 22050 -c:a pcm_s16le .*hao\.wav/);
  });

  it.each([
    ['an MP3 renamed', Buffer.from('ID3\x04\0\0\0\0\0\0\0\0\0\0'), /not a usable WAV file: no RIFF signature/],
    ['float', (() => {
      const w = encodeWav({ sampleRate: 22050, channels: 1, bitsPerSample: 32 }, Buffer.alloc(8));
      w.writeUInt16LE(3, 20);
      return w;
    })(), /audio format 3 \(not integer PCM\)/],
    ['empty', encodeWav(CLIP_FORMAT, Buffer.alloc(0)), /has no audio/],
  ])('refuses a recording that is %s', (_name, bytes, message) => {
    expect(() => readRecording('config/voice/qing.wav', bytes)).toThrow(message);
  });

  it('reports clips it cannot make, and pcm() names them', async () => {
    const broken: TtsEngine = { id: 'broken', synthesize: () => Promise.reject(new VoiceError('HQ_ERR_VOICE_TTS', 'boom')) };
    const store = new ClipStore({ tts: broken });
    const r = await store.load(['qing', 'chime']);
    expect(r.missing).toEqual([{ id: 'qing', reason: 'boom' }]);
    expect(r.origins).toEqual({ chime: 'synthetic' });
    expect(() => store.pcm('qing')).toThrow(/voice clip 'qing' is not loaded/);
    const none = await new ClipStore({}).load(['hao']);
    expect(none.missing).toEqual([{ id: 'hao', reason: 'no recording, and no speech engine to generate it' }]);
  });
});

describe('createAnnouncer', () => {
  it('with clips: loads them and announces with audio', async () => {
    const clock = new ManualScheduler(0);
    const { announcer, report } = await createAnnouncer({ recordingsDir: null, cacheDir: freshDir(), tts: new FakeTts(), scheduler: clock });
    expect(report.missing).toEqual([]);
    const r = announcer.announce({ callId: 'c1', number: 'A012', windowId: 3 });
    expect(r.status === 'queued' && r.announcement.audioUrl).toBe('/api/v1/announcements/c1.wav');
    expect(parseWav(announcer.wavFor('c1') ?? Buffer.alloc(0)).format).toEqual(CLIP_FORMAT);
    announcer.close();
  });

  it('without espeak-ng or recordings: speech only, every spoken clip reported missing', async () => {
    const clock = new ManualScheduler(0);
    const tts = new EspeakEngine({ bin: 'espeak-ng-is-not-here' });
    const { announcer, report } = await createAnnouncer({ recordingsDir: null, cacheDir: freshDir(), tts, scheduler: clock });
    expect(report.missing.map((m) => m.id)).toEqual(SPOKEN);
    expect(report.missing[0]?.reason).toMatch(/espeak-ng-is-not-here is not installed \(apt-get install espeak-ng\)/);
    const r = announcer.announce({ callId: 'c1', number: 'A012', windowId: 3 });
    expect(r.status === 'queued' && r.announcement.audioUrl).toBeNull();
    expect(r.status === 'queued' && r.announcement.speech).toBe('请A零一二号到三号窗口办理');
    announcer.close();
  });

  it('rejects a bad template before loading anything', async () => {
    const tts = new FakeTts();
    await expect(createAnnouncer({ recordingsDir: null, cacheDir: null, tts, config: { template: '{number}' } })).rejects.toMatchObject({ code: 'HQ_ERR_VOICE_TEMPLATE' });
    expect(tts.calls).toEqual([]);
  });
});

// Keep the ClipId import honest: the list of spoken ids is the vocabulary less the made-up two.
const _spokenAreClipIds: readonly ClipId[] = SPOKEN;
void _spokenAreClipIds;
