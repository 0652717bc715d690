import { describe, expect, it } from 'vitest';
import { MemoryClipSource } from './clip-store.ts';
import { planSegments, renderPlan } from './render.ts';
import { VoiceError } from './errors.ts';
import { CLIP_FORMAT, msToFrames, parseWav } from './wav.ts';
import type { ClipId } from './vocabulary.ts';

const frames = (n: number, v: number) => Buffer.alloc(n * 2, v);
const source = new MemoryClipSource([
  ['chime', frames(100, 1)],
  ['qing', frames(10, 2)],
  ['A', frames(20, 3)],
  ['hao', frames(30, 4)],
]);
const timing = { clipGapMs: 1, afterChimeMs: 2, pauseMs: 3 }; // 22, 44, 66 frames (rounded)

describe('rendering a plan', () => {
  it('puts the after-chime gap after the chime, clip gaps between words, and a pause instead of gaps', () => {
    const segs = planSegments(['chime', 'qing', 'A', 'pause', 'hao'], (id) => source.pcm(id), CLIP_FORMAT, timing);
    expect(segs.map((s) => ('pcm' in s ? s.pcm.length / 2 : `-${s.silenceFrames}`))).toEqual([100, '-44', 10, '-22', 20, '-66', 30]);
    expect(msToFrames(CLIP_FORMAT, 1)).toBe(22);
  });

  it('makes one WAV whose length is the sum of its parts', () => {
    const plan: ClipId[] = ['chime', 'qing', 'A', 'hao'];
    const r = renderPlan(plan, source, timing);
    const dataFrames = 100 + 44 + 10 + 22 + 20 + 22 + 30;
    expect(r.dataBytes).toBe(dataFrames * 2);
    expect(r.wav.length).toBe(44 + dataFrames * 2);
    expect(r.durationMs).toBeCloseTo((dataFrames / 22050) * 1000, 9);
    const p = parseWav(r.wav);
    expect(p.data.length).toBe(r.dataBytes);
    expect(p.data[0]).toBe(1);
    expect(p.data[(100 + 44) * 2]).toBe(2);
    expect(p.data[(100 + 44) * 2 - 1]).toBe(0);
  });

  it('names the missing clip', () => {
    let err: unknown;
    try {
      renderPlan(['qing', 'B'], source, timing);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VoiceError);
    expect((err as VoiceError).code).toBe('HQ_ERR_VOICE_CLIP_MISSING');
    expect((err as VoiceError).message).toMatch(/'B'/);
  });
});
