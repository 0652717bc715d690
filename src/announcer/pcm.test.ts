import { describe, expect, it } from 'vitest';
import { chime, fadeEdges, normaliseLoudness, peak, rms, toBytes, toSamples, trimSilence } from './pcm.ts';

describe('sample tools', () => {
  it('round-trips little-endian 16-bit bytes, including from an odd offset', () => {
    const s = Int16Array.from([0, 1, -1, 32767, -32768]);
    const b = toBytes(s);
    expect(b.toString('hex')).toBe('00000100ffffff7f0080');
    const shifted = Buffer.concat([Buffer.from([9]), b]).subarray(1);
    expect([...toSamples(shifted)]).toEqual([...s]);
  });

  it('trims silence to the voice, keeping a pad, and empties an all-silent clip', () => {
    const s = Int16Array.from([0, 3, 0, 0, 500, -900, 40, 0, 0, 0]);
    expect([...trimSilence(s, { threshold: 200, padFrames: 0 })]).toEqual([500, -900]);
    expect([...trimSilence(s, { threshold: 200, padFrames: 2 })]).toEqual([0, 0, 500, -900, 40, 0]);
    expect([...trimSilence(s, { threshold: 200, padFrames: 100 })]).toEqual([...s]);
    expect(trimSilence(new Int16Array(50), { threshold: 200, padFrames: 5 }).length).toBe(0);
  });

  it('levels to a target RMS unless that would push the peak past the limit', () => {
    const quiet = Int16Array.from([100, -100, 100, -100]);
    expect(rms(normaliseLoudness(quiet, { targetRms: 1000, maxPeak: 30000 }))).toBeCloseTo(1000, 0);
    const spiky = Int16Array.from([10_000, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const out = normaliseLoudness(spiky, { targetRms: 20_000, maxPeak: 29_000 });
    expect(peak(out)).toBe(29_000);
    expect([...normaliseLoudness(new Int16Array(3), { targetRms: 1000, maxPeak: 1000 })]).toEqual([0, 0, 0]);
  });

  it('fades both edges linearly', () => {
    const out = fadeEdges(new Int16Array(10).fill(1000), 4);
    expect([...out]).toEqual([0, 250, 500, 750, 1000, 1000, 750, 500, 250, 0]);
    expect([...fadeEdges(Int16Array.from([1000]), 4)]).toEqual([1000]);
  });

  it('makes a two-note chime of about 1.1 s at half scale that starts and ends quietly', () => {
    const c = chime(22050);
    expect(c.length).toBe(Math.ceil(1.1 * 22050));
    expect(peak(c)).toBe(Math.round(0.5 * 32767));
    expect(Math.abs(c[0] ?? 1)).toBeLessThan(100);
    expect(peak(c.subarray(-50))).toBeLessThan(300);
    // Both notes sound: energy in the first 0.3 s and after 0.45 s.
    expect(rms(c.subarray(0, 6615))).toBeGreaterThan(2000);
    expect(rms(c.subarray(9923, 15000))).toBeGreaterThan(1000);
  });
});
