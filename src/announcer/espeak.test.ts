import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../devices/scheduler.ts';
import { hasTool } from '../../test/support/require-tool.ts';
import { ClipStore, GENERATED_CLIP_PROCESSING, type ClipLoadReport } from './clip-store.ts';
import { EspeakEngine } from './espeak.ts';
import { createAnnouncer, type Announcement } from './index.ts';
import { peak, rms, toSamples } from './pcm.ts';
import { planAnnouncement } from './reading.ts';
import { DEFAULT_RENDER_TIMING, renderPlan } from './render.ts';
import { ALL_CLIP_IDS, CLIPS, isPromptId } from './vocabulary.ts';
import { CLIP_FORMAT, durationMs, msToFrames, parseWav } from './wav.ts';

// Real espeak-ng: every clip is generated once for this file (about half a second), into a temp dir.
const HAVE_ESPEAK = hasTool('espeak-ng', ['--version']);
const SPOKEN = ALL_CLIP_IDS.filter((id) => id !== 'chime' && id !== 'pause');

describe.skipIf(!HAVE_ESPEAK)('espeak-ng clips (cmn-latn-pinyin)', () => {
  let tmp = '';
  let cacheDir = '';
  let store: ClipStore;
  let report: ClipLoadReport;
  let generateMs = 0;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'hallq-espeak-'));
    cacheDir = join(tmp, 'voice-cache');
    store = new ClipStore({ cacheDir, tts: new EspeakEngine() });
    const t = performance.now();
    report = await store.load();
    generateMs = performance.now() - t;
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('generates the whole vocabulary', () => {
    expect(report.missing).toEqual([]);
    expect(SPOKEN.filter((id) => report.origins[id] !== 'generated')).toEqual([]);
    expect(generateMs).toBeLessThan(10_000);
  });

  it('every clip is 16-bit mono 22050 Hz, trimmed, faded, levelled, and not too long', () => {
    const lengths: Record<string, number> = {};
    for (const id of SPOKEN) {
      const s = toSamples(store.pcm(id));
      const ms = durationMs(CLIP_FORMAT, s.length * 2);
      lengths[id] = Math.round(ms);
      expect(ms, id).toBeGreaterThan(100);
      // A word clip is short; a kiosk prompt is a sentence.
      expect(ms, id).toBeLessThan(isPromptId(id) ? 6000 : 1200);
      expect(s[0], id).toBe(0);
      expect(s[s.length - 1], id).toBe(0);
      expect(peak(s), id).toBeLessThanOrEqual(GENERATED_CLIP_PROCESSING.maxPeak);
      expect(rms(s), id).toBeGreaterThan(1500);
    }
    // Three syllables take longer than one.
    expect(lengths.W).toBeGreaterThan((lengths.A ?? 0) * 1.5);
  });

  it('reads every clip text as Mandarin pinyin: no switch to English anywhere', async () => {
    const run = promisify(execFile);
    const outs = await Promise.all(
      SPOKEN.map(async (id) => {
        const spec = CLIPS[id];
        const text = spec.kind === 'spoken' ? spec.say : '';
        const { stdout } = await run('espeak-ng', ['-v', 'cmn-latn-pinyin', '-q', '-x', text]);
        return [id, stdout.trim()] as const;
      }),
    );
    for (const [id, phonemes] of outs) {
      expect(phonemes, id).not.toMatch(/\(en\)/);
      expect(phonemes, id).toMatch(/[1-5]{2,3}/); // a tone contour such as 55 or 214
    }
  });

  it('--stdout output parses although its header sizes are placeholders', async () => {
    const wav = await new EspeakEngine().synthesize('qing3');
    const p = parseWav(wav);
    expect(p.format).toEqual(CLIP_FORMAT);
    expect(p.declaredDataBytes).toBeGreaterThanOrEqual(p.data.length);
    expect(p.data.length).toBeGreaterThan(10_000);
  });

  it('concatenates real clips into one WAV: data = Σ clips + gaps, RIFF = 36 + data', () => {
    const plan = planAnnouncement({ number: 'A012', windowId: 12, recall: false });
    const r = renderPlan(plan.clips, store, DEFAULT_RENDER_TIMING);
    const clipBytes = plan.clips.reduce((sum, id) => sum + store.pcm(id).length, 0);
    const gapFrames = msToFrames(CLIP_FORMAT, DEFAULT_RENDER_TIMING.afterChimeMs) + (plan.clips.length - 2) * msToFrames(CLIP_FORMAT, DEFAULT_RENDER_TIMING.clipGapMs);
    expect(r.dataBytes).toBe(clipBytes + gapFrames * 2);
    expect(r.wav.readUInt32LE(4)).toBe(36 + r.dataBytes);
    expect(r.wav.readUInt32LE(40)).toBe(r.dataBytes);
    const p = parseWav(r.wav);
    expect(p.format).toEqual(CLIP_FORMAT);
    expect(p.durationMs).toBeCloseTo(r.durationMs, 9);
    // 「叮咚 请A零一二号到十二号窗口办理」 with espeak-ng at -s 150: a few seconds, not ten.
    expect(r.durationMs).toBeGreaterThan(2500);
    expect(r.durationMs).toBeLessThan(7000);
    // For a human to listen to.
    const out = fileURLToPath(new URL('../../test-output/announcements/', import.meta.url));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'A012-window12.wav'), r.wav);
    const recall = planAnnouncement({ number: 'K120', windowId: 21, recall: true });
    writeFileSync(join(out, 'K120-window21-recall.wav'), renderPlan(recall.clips, store).wav);
  });

  it('a hub start on the same cache spawns nothing and announces a burst in order, one WAV each', async () => {
    const clock = new ManualScheduler(0);
    // The calm case (the peak rules are tested in announcer.test.ts).
    const { announcer, report: again } = await createAnnouncer({ recordingsDir: null, cacheDir, scheduler: clock, config: { busyAt: 100 } });
    expect(SPOKEN.filter((id) => again.origins[id] !== 'cache')).toEqual([]);
    const heard: Announcement[] = [];
    announcer.on('announcement', (a) => heard.push(a));
    const calls = [
      { callId: 'c1', number: 'A001', windowId: 1 },
      { callId: 'c2', number: 'B012', windowId: 10 },
      { callId: 'c3', number: 'K120', windowId: 21, recall: true },
    ];
    for (const c of calls) announcer.announce(c);
    await clock.until(() => heard.length === 3, 120_000, 250);
    expect(heard.map((a) => a.callId)).toEqual(['c1', 'c2', 'c3']);
    expect(heard[0]?.startAt).toBe(0);
    for (const [i, a] of heard.entries()) {
      const wav = announcer.wavFor(a.id);
      expect(wav).not.toBeNull();
      const p = parseWav(wav ?? Buffer.alloc(0));
      expect(a.durationMs).toBe(Math.ceil(p.durationMs));
      const prev = heard[i - 1];
      if (prev) expect(a.startAt).toBe(prev.startAt + prev.durationMs * 2 + 1000 + 800);
    }
    announcer.close();
  });
});
