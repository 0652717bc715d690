import { describe, expect, it } from 'vitest';
import { ManualScheduler, type Scheduler } from '../../devices/scheduler.ts';
import { ZonedAnnouncer } from './zones.ts';
import { Announcer, estimateSpeechMs, type Announcement, type AnnouncerOptions } from './announcer.ts';
import { MemoryClipSource } from './clip-store.ts';
import { resolveAnnouncerConfig } from './config.ts';
import { VoiceError } from './errors.ts';
import { ALL_CLIP_IDS, type ClipId } from './vocabulary.ts';
import { parseWav } from './wav.ts';

// Every spoken clip lasts exactly 100 ms and the chime 200 ms, with no gaps inside an announcement,
// so a plan of n clips (chime first) plays for 200 + (n − 1) × 100 ms.
const ms = (n: number) => Buffer.alloc(Math.round((n * 22050) / 1000) * 2, 1);
const allClips = () => new MemoryClipSource(ALL_CLIP_IDS.map((id): [ClipId, Buffer] => [id, id === 'chime' ? ms(200) : ms(100)]));
/** The calm case: no peak rules in the way (busyAt high); the peak rules have their own tests below. */
const CONFIG = { repeat: 2, gapMs: 1000, betweenMs: 500, leadMs: 0, clipGapMs: 0, afterChimeMs: 0, busyAt: 100 };
// 请A012号到3号窗口办理: chime + 11 clips = 1300 ms; two plays and a gap = 3600 ms.
const A012_AT_3 = { durationMs: 1300, totalMs: 3600 };

interface Heard {
  at: number;
  a: Announcement;
}

function setup(opts: Partial<AnnouncerOptions> = {}, start = 1_000_000) {
  const clock = new ManualScheduler(start);
  const announcer = new Announcer({ clips: allClips(), scheduler: clock, config: CONFIG, ...opts });
  const heard: Heard[] = [];
  const queued: Announcement[] = [];
  announcer.on('announcement', (a) => heard.push({ at: clock.now(), a }));
  announcer.on('queued', (a) => queued.push(a));
  return { clock, announcer, heard, queued };
}

const call = (i: number, extra: { recall?: boolean; windowId?: number } = {}) => ({
  callId: `c_${i}`,
  number: `A${String(i).padStart(3, '0')}`,
  windowId: extra.windowId ?? 3,
  ...(extra.recall === undefined ? {} : { recall: extra.recall }),
});

describe('Announcer: when an announcement starts', () => {
  it('starts at once (≤ 1.5 s) after a call when the queue is idle, on the scheduler, not in announce()', async () => {
    const { clock, announcer, heard, queued } = setup();
    const t0 = clock.now();
    const r = announcer.announce({ callId: 'c_1', number: 'A012', windowId: 3 });
    expect(r.status).toBe('queued');
    expect(queued).toHaveLength(1);
    expect(heard).toHaveLength(0); // broadcast from the timer, not from inside the caller's command
    await clock.advance(0);
    expect(heard).toHaveLength(1);
    const [first] = heard;
    expect(first?.at).toBe(t0);
    expect(first?.a.startAt).toBe(t0);
    expect((first?.a.startAt ?? Infinity) - t0).toBeLessThanOrEqual(1500);
  });

  it('waits leadMs when configured, still within 1.5 s', async () => {
    const { clock, announcer, heard } = setup({ config: { ...CONFIG, leadMs: 300 } });
    const t0 = clock.now();
    announcer.announce(call(1));
    await clock.advance(299);
    expect(heard).toHaveLength(0);
    await clock.advance(1);
    expect(heard.map((h) => h.at - t0)).toEqual([300]);
    expect(heard[0]?.a.startAt).toBe(t0 + 300);
  });

  it('refuses a leadMs over 1.5 s', () => {
    expect(() => setup({ config: { ...CONFIG, leadMs: 1501 } })).toThrow(/leadMs/);
  });
});

describe('Announcer: one hall-wide queue', () => {
  it('a burst of 10 calls keeps its order and never overlaps: each starts betweenMs after the one before ends', async () => {
    const { clock, announcer, heard, queued } = setup();
    const t0 = clock.now();
    for (let i = 1; i <= 10; i++) announcer.announce(call(i, { windowId: i }));
    expect(announcer.pending.map((a) => a.callId)).toEqual(queued.map((a) => a.callId));
    await clock.until(() => heard.length === 10, 120_000, 100);
    expect(heard.map((h) => h.a.callId)).toEqual(Array.from({ length: 10 }, (_, i) => `c_${i + 1}`));
    let expected = t0;
    for (const [i, { at, a }] of heard.entries()) {
      expect(a.startAt, `call ${i + 1}`).toBe(expected);
      expect(at, `call ${i + 1} broadcast at its start`).toBe(a.startAt);
      expect(a.endsAt).toBe(a.startAt + a.totalMs);
      expect(a.totalMs).toBe(2 * a.durationMs + 1000);
      const prev = heard[i - 1];
      if (prev) expect(a.startAt).toBeGreaterThanOrEqual(prev.a.endsAt + 500);
      expected = a.endsAt + 500;
    }
    // Windows 1–9 read 一…九 (one clip), window 10 reads 十 (one clip): every plan is 12 clips.
    expect(heard.map((h) => h.a.durationMs)).toEqual(Array(10).fill(1300));
    // The planned starts announced at queue time were kept.
    expect(heard.map((h) => h.a.startAt)).toEqual(queued.map((a) => a.startAt));
    expect(announcer.pending).toEqual([]);
  });

  it('a call during an announcement waits for it; a call after the queue drained starts at once', async () => {
    const { clock, announcer, heard } = setup();
    const t0 = clock.now();
    announcer.announce(call(1));
    await clock.advance(1000);
    announcer.announce(call(2, { windowId: 12 })); // 请A002号到十二号窗口办理: 13 clips, 1400 ms
    await clock.advance(20_000);
    announcer.announce(call(3));
    await clock.advance(0);
    expect(heard.map((h) => [h.a.callId, h.at - t0, h.a.durationMs])).toEqual([
      ['c_1', 0, 1300],
      ['c_2', A012_AT_3.totalMs + 500, 1400],
      ['c_3', 21_000, 1300],
    ]);
  });

  it('never announces a call id twice; a recall has its own id and its own wording', async () => {
    const { clock, announcer, heard } = setup();
    expect(announcer.announce(call(1)).status).toBe('queued');
    expect(announcer.announce(call(1))).toEqual({ status: 'duplicate', callId: 'c_1' });
    await clock.advance(10_000);
    expect(announcer.announce(call(1))).toEqual({ status: 'duplicate', callId: 'c_1' });
    expect(announcer.announce({ callId: 'c_1r', number: 'A001', windowId: 3, recall: true }).status).toBe('queued');
    await clock.advance(10_000);
    expect(heard.map((h) => [h.a.callId, h.a.recall, h.a.plan.join(' ')])).toEqual([
      ['c_1', false, 'chime qing A ling ling yi hao dao san hao chuangkou banli'],
      ['c_1r', true, 'chime qing A ling ling yi hao jinkuai dao san hao chuangkou banli'],
    ]);
  });

  it('forgets the oldest call ids only past keepCallIds', () => {
    const { announcer } = setup({ keepCallIds: 3 });
    for (let i = 1; i <= 4; i++) announcer.announce(call(i));
    expect(announcer.announce(call(2)).status).toBe('duplicate');
    expect(announcer.announce(call(1)).status).toBe('queued');
  });

  it('a late timer moves the rest of the queue back instead of overlapping', async () => {
    const clock = new ManualScheduler(0);
    let lateBy = 700;
    const late: Scheduler = {
      now: () => clock.now(),
      schedule: (ms, fn) => {
        const cancel = clock.schedule(ms + lateBy, fn);
        lateBy = 0; // only the first timer is late
        return cancel;
      },
    };
    const announcer = new Announcer({ clips: allClips(), scheduler: late, config: CONFIG });
    const heard: Announcement[] = [];
    announcer.on('announcement', (a) => heard.push(a));
    announcer.announce(call(1, { windowId: 1 }));
    announcer.announce(call(2, { windowId: 2 }));
    expect(announcer.pending.map((a) => a.startAt)).toEqual([0, 4100]);
    await clock.advance(20_000);
    expect(heard.map((a) => a.startAt)).toEqual([700, 700 + 3600 + 500]);
  });

  it('close() cancels the timer and drops what is queued', async () => {
    const { clock, announcer, heard } = setup();
    announcer.announce(call(1));
    announcer.announce(call(2));
    announcer.close();
    expect(clock.pending).toEqual([]);
    await clock.advance(60_000);
    expect(heard).toEqual([]);
    expect(() => announcer.announce(call(3))).toThrow(/closed/);
  });
});

describe('Announcer: what the wall gets', () => {
  it('the event: plan, audio URL, Web Speech fallback, caption, repeat, gap, duration and times', async () => {
    const { clock, announcer, heard } = setup({}, 5000);
    announcer.announce({ callId: 'c_XyZ-1', number: 'A012', windowId: 12 });
    await clock.advance(0);
    expect(heard[0]?.a).toEqual({
      id: 'c_XyZ-1',
      callId: 'c_XyZ-1',
      number: 'A012',
      windowId: 12,
      recall: false,
      plan: ['chime', 'qing', 'A', 'ling', 'yi', 'er', 'hao', 'dao', 'shi', 'er', 'hao', 'chuangkou', 'banli'],
      audioUrl: '/api/v1/announcements/c_XyZ-1.wav',
      speech: '请A零一二号到十二号窗口办理',
      caption: '请A012号到12号窗口办理',
      lang: 'zh-CN',
      repeat: 2,
      gapMs: 1000,
      durationMs: 1400,
      totalMs: 3800,
      queuedAt: 5000,
      startAt: 5000,
      endsAt: 8800,
      zone: 'hall',
    });
  });

  it('wavFor renders the WAV of one play when first asked, caches it, and renders it again once evicted', () => {
    const { announcer } = setup({ keepWavs: 1 });
    announcer.announce(call(1));
    const wav = announcer.wavFor('c_1');
    expect(wav).not.toBeNull();
    expect(announcer.wavFor('c_1')).toBe(wav); // the same Buffer
    const p = parseWav(wav ?? Buffer.alloc(0));
    expect(p.durationMs).toBeCloseTo(1300, 0);
    expect(announcer.get('c_1')?.durationMs).toBe(Math.ceil(p.durationMs));
    announcer.announce(call(2)); // only planned: its WAV waits to be asked for
    expect(announcer.wavFor('c_1')).toBe(wav);
    expect(announcer.wavFor('c_2')).not.toBeNull(); // evicts c_1's WAV
    const again = announcer.wavFor('c_1');
    expect(again).not.toBe(wav);
    expect(again?.equals(wav ?? Buffer.alloc(0))).toBe(true);
    expect(announcer.wavFor('c_unknown')).toBeNull();
  });

  it('builds URLs with the hub’s route, escaping the id', () => {
    const { announcer } = setup({ audioUrl: (id) => `/voice/${encodeURIComponent(id)}.wav` });
    const r = announcer.announce({ callId: 'c/1 ?', number: 'A001', windowId: 1 });
    expect(r.status === 'queued' && r.announcement.audioUrl).toBe('/voice/c%2F1%20%3F.wav');
    expect(announcer.wavFor('c/1 ?')).not.toBeNull();
  });

  it('speech only when there are no clips: no URL, no WAV, duration estimated from the sentence', async () => {
    const { clock, announcer, heard } = setup({ clips: null });
    announcer.announce(call(12));
    await clock.advance(0);
    const a = heard[0]?.a;
    expect(a?.audioUrl).toBeNull();
    expect(a?.speech).toBe('请A零一二号到三号窗口办理');
    expect(a?.durationMs).toBe(estimateSpeechMs('请A零一二号到三号窗口办理'));
    expect(a?.durationMs).toBe(13 * 250);
    expect(announcer.wavFor('c_12')).toBeNull();
  });

  it('a missing clip warns and falls back to speech for that call only', async () => {
    const clips = new MemoryClipSource(ALL_CLIP_IDS.filter((id) => id !== 'K').map((id): [ClipId, Buffer] => [id, ms(100)]));
    const { clock, announcer, heard } = setup({ clips });
    const warnings: string[] = [];
    announcer.on('warning', (w) => warnings.push(`${w.callId}: ${w.message}`));
    announcer.announce({ callId: 'k', number: 'K001', windowId: 1 });
    announcer.announce({ callId: 'a', number: 'A001', windowId: 1 });
    await clock.advance(30_000);
    expect(warnings).toEqual([expect.stringMatching(/^k: no audio, speech only: voice clip 'K' is not loaded/)]);
    expect(heard.map((h) => [h.a.callId, h.a.audioUrl])).toEqual([
      ['k', null],
      ['a', '/api/v1/announcements/a.wav'],
    ]);
  });

  it('refuses a number it cannot read, and the call id stays unused', () => {
    const { announcer } = setup();
    let err: unknown;
    try {
      announcer.announce({ callId: 'x', number: 'a-12', windowId: 1 });
    } catch (e) {
      err = e;
    }
    expect((err as VoiceError).code).toBe('HQ_ERR_VOICE_NUMBER');
    expect(announcer.announce({ callId: 'x', number: 'A012', windowId: 1 }).status).toBe('queued');
  });

  it('recent() and get() give copies the caller cannot corrupt', () => {
    const { announcer } = setup();
    announcer.announce(call(1));
    announcer.announce(call(2));
    const got = announcer.get('c_1');
    got?.plan.push('pause');
    expect(announcer.get('c_1')?.plan).not.toContain('pause');
    expect(announcer.recent().map((a) => a.callId)).toEqual(['c_1', 'c_2']);
    expect(announcer.recent(1).map((a) => a.callId)).toEqual(['c_2']);
  });
});

describe('announcer config', () => {
  it('has defaults: two plays a second apart, chime, the standard template', () => {
    expect(resolveAnnouncerConfig({})).toEqual({
      template: '请{number}号到{window}号窗口办理',
      recallTemplate: '请{number}号尽快到{window}号窗口办理',
      busyTemplate: '{number}号到{window}号窗口',
      busyRecallTemplate: '{number}号尽快到{window}号窗口',
      chime: true,
      readOneAs: 'yi',
      repeat: 2,
      gapMs: 1000,
      betweenMs: 800,
      leadMs: 0,
      clipGapMs: 30,
      afterChimeMs: 250,
      pauseMs: 300,
      busyAt: 2,
      busyBetweenMs: 300,
      busyChime: false,
      maxPending: 20,
      zones: [],
      espeak: { voice: 'cmn-latn-pinyin', speed: 150, pitch: 50 },
    });
  });

  it.each([
    [{ repeat: 0 }, 'HQ_ERR_VOICE_CONFIG', /repeat/],
    [{ gapMs: -1 }, 'HQ_ERR_VOICE_CONFIG', /gapMs/],
    [{ espeak: { speed: 10 } }, 'HQ_ERR_VOICE_CONFIG', /speed/],
    [{ template: '请{number}号' }, 'HQ_ERR_VOICE_TEMPLATE', /\{window\}/],
    [{ recallTemplate: '叫{number}到{window}' }, 'HQ_ERR_VOICE_TEMPLATE', /「叫」/],
  ])('refuses %j at start-up', (config, code, message) => {
    let err: unknown;
    try {
      resolveAnnouncerConfig(config as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VoiceError);
    expect((err as VoiceError).code).toBe(code);
    expect((err as VoiceError).message).toMatch(message);
  });

  describe('at a peak (issue #11: 10 calls a minute across 30 windows)', () => {
    const PEAK = { ...CONFIG, busyAt: 2, busyBetweenMs: 300, maxPending: 6 };

    it('plays once, closer together, while calls wait; never drops a first announcement', async () => {
      const { clock, announcer, heard } = setup({ config: PEAK });
      for (let i = 1; i <= 12; i++) announcer.announce(call(i, { windowId: i }));
      const pending = announcer.pending;
      // The first two are queued calm (two plays); from then on the queue is busy: one play each.
      expect(pending.map((a) => a.repeat)).toEqual([2, 2, ...Array(10).fill(1)]);
      // …and without the chime.
      expect(pending.map((a) => a.plan[0] === 'chime')).toEqual([true, true, ...Array(10).fill(false)]);
      await clock.until(() => heard.length === 12, 300_000, 100);
      expect(heard.map((h) => h.a.callId)).toEqual(Array.from({ length: 12 }, (_, i) => `c_${i + 1}`));
      for (let i = 1; i < heard.length; i++) expect(heard[i]!.a.startAt).toBeGreaterThanOrEqual(heard[i - 1]!.a.endsAt + 300);
    });

    it('reads the short words at a peak: the number and the window, without 请 and 办理', () => {
      const { announcer } = setup({ config: PEAK });
      for (let i = 1; i <= 3; i++) announcer.announce(call(i, { windowId: i }));
      const [calm, , busy] = announcer.pending;
      expect(calm!.plan).toContain('qing');
      expect(calm!.plan).toContain('banli');
      expect(busy!.plan).not.toContain('qing');
      expect(busy!.plan).not.toContain('banli');
      expect(busy!.plan).toContain('chuangkou');
      expect(busy!.durationMs).toBeLessThan(calm!.durationMs);
    });

    it("drops a waiting recall when a newer call comes at its window, and cuts that window's waiting first call to one play", () => {
      const { announcer } = setup({ config: { ...PEAK, busyAt: 100 } });
      const dropped: string[] = [];
      announcer.on('dropped', (d) => dropped.push(`${d.callId}:${d.reason}`));
      announcer.announce(call(1, { windowId: 1 })); // starts now
      announcer.announce(call(2, { windowId: 2 }));
      announcer.announce(call(3, { windowId: 2, recall: true }));
      announcer.announce(call(4, { windowId: 5 }));
      // The recall at window 2 already makes its first call's second play redundant.
      expect(announcer.pending.map((a) => [a.callId, a.repeat])).toEqual([
        ['c_1', 2],
        ['c_2', 1],
        ['c_3', 2],
        ['c_4', 2],
      ]);
      announcer.announce(call(5, { windowId: 2 })); // the next resident at window 2
      expect(announcer.pending.map((a) => [a.callId, a.repeat])).toEqual([
        ['c_1', 2],
        ['c_2', 1],
        ['c_4', 2],
        ['c_5', 2],
      ]);
      expect(dropped).toEqual(['c_3:stale']);
    });

    it('keeps the queue bounded by dropping the oldest waiting recalls, never a first call', () => {
      const { announcer } = setup({ config: PEAK });
      const dropped: string[] = [];
      announcer.on('dropped', (d) => dropped.push(d.callId));
      for (let i = 1; i <= 5; i++) announcer.announce(call(i, { windowId: i, recall: true }));
      for (let i = 6; i <= 15; i++) announcer.announce(call(i, { windowId: i }));
      const waiting = announcer.pending.map((a) => a.callId);
      for (let i = 6; i <= 15; i++) expect(waiting).toContain(`c_${i}`);
      expect(dropped.length).toBeGreaterThan(0);
      expect(dropped.every((id) => Number(id.slice(2)) <= 5)).toBe(true);
    });
  });
});

describe('zones (issue #11)', () => {
  it('gives each area its own queue: a call in one never waits behind a call in another', async () => {
    const clock = new ManualScheduler(0);
    const config = resolveAnnouncerConfig({ ...CONFIG, zones: [{ id: 'east', windows: [1, 2] }, { id: 'west', windows: [3, 4] }] });
    const zoned = new ZonedAnnouncer({ clips: allClips(), scheduler: clock, config });
    const heard: Announcement[] = [];
    zoned.on('announcement', (a) => heard.push(a));
    zoned.announce({ callId: 'e1', number: 'A001', windowId: 1 });
    zoned.announce({ callId: 'e2', number: 'A002', windowId: 2 });
    zoned.announce({ callId: 'w1', number: 'B001', windowId: 3 });
    zoned.announce({ callId: 'h1', number: 'C001', windowId: 9 });
    await clock.advance(0);
    // Three areas start at once; window 2 waits for window 1 in the east.
    expect(heard.map((a) => [a.callId, a.zone, a.startAt])).toEqual([
      ['e1', 'east', 0],
      ['w1', 'west', 0],
      ['h1', 'hall', 0],
    ]);
    await clock.advance(60_000);
    expect(heard.find((a) => a.callId === 'e2')).toMatchObject({ zone: 'east' });
    expect(zoned.wavFor('w1')).not.toBeNull();
  });
});
