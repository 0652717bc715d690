/**
 * Sample-level work on 16-bit mono PCM (pure): tidying generated clips so that they join well,
 * and the chime, which is made here rather than recorded.
 */

export const FULL_SCALE = 32767;

/** Little-endian 16-bit PCM bytes → samples (a copy). */
export function toSamples(pcm: Uint8Array): Int16Array {
  const n = pcm.byteLength >> 1;
  const view = new DataView(pcm.buffer, pcm.byteOffset, n * 2);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Samples → little-endian 16-bit PCM bytes. */
export function toBytes(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, i * 2);
  return out;
}

const clamp16 = (x: number): number => Math.max(-32768, Math.min(FULL_SCALE, Math.round(x)));

/**
 * Cuts leading and trailing silence: everything before the first and after the last sample louder
 * than `threshold`, keeping `padFrames` either side so soft onsets are not clipped. espeak-ng puts
 * about 45 ms before and, without `-z`, 400 ms after each word; joined untrimmed, 「A零一二」 drags.
 * All-silent input comes back empty.
 */
export function trimSilence(samples: Int16Array, opts: { threshold: number; padFrames: number }): Int16Array {
  let first = -1;
  let last = -1;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i] ?? 0) > opts.threshold) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return new Int16Array(0);
  return samples.slice(Math.max(0, first - opts.padFrames), Math.min(samples.length, last + 1 + opts.padFrames));
}

export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}

export function peak(samples: Int16Array): number {
  let p = 0;
  for (const s of samples) p = Math.max(p, Math.abs(s));
  return p;
}

/**
 * Scales a clip to `targetRms`, but never so far that its peak passes `maxPeak`: espeak-ng's
 * syllables differ by 10 dB in peak (四 vs 二), and a number read at uneven loudness sounds broken.
 */
export function normaliseLoudness(samples: Int16Array, opts: { targetRms: number; maxPeak: number }): Int16Array {
  const r = rms(samples);
  const p = peak(samples);
  if (r === 0 || p === 0) return samples.slice();
  const gain = Math.min(opts.targetRms / r, opts.maxPeak / p);
  return samples.map((s) => clamp16(s * gain));
}

/** Linear fade-in and fade-out over `frames` each, so cut points do not click. */
export function fadeEdges(samples: Int16Array, frames: number): Int16Array {
  const out = samples.slice();
  const n = Math.min(frames, Math.floor(out.length / 2));
  for (let i = 0; i < n; i++) {
    const g = i / n;
    out[i] = clamp16((out[i] ?? 0) * g);
    const j = out.length - 1 - i;
    out[j] = clamp16((out[j] ?? 0) * g);
  }
  return out;
}

/** Frames of silence. */
export const silence = (frames: number): Int16Array => new Int16Array(frames);

/**
 * 「叮咚」: two bell notes, E5 then C5 (the doorbell interval), each a fundamental with two
 * overtones under an exponential decay, the second starting while the first still rings.
 * About 1.1 s, peaking at `level` of full scale (default 0.5, a little under the speech peaks).
 */
export function chime(sampleRate: number, level = 0.5): Int16Array {
  const notes = [
    { hz: 659.25, startS: 0, lengthS: 0.55, decayS: 0.18 },
    { hz: 523.25, startS: 0.38, lengthS: 0.72, decayS: 0.26 },
  ];
  const partials = [
    { mult: 1, amp: 1 },
    { mult: 2, amp: 0.35 },
    { mult: 3, amp: 0.12 },
  ];
  const attackS = 0.004;
  const total = Math.ceil(Math.max(...notes.map((n) => n.startS + n.lengthS)) * sampleRate);
  const mix = new Float64Array(total);
  for (const note of notes) {
    const start = Math.round(note.startS * sampleRate);
    const len = Math.round(note.lengthS * sampleRate);
    for (let i = 0; i < len && start + i < total; i++) {
      const t = i / sampleRate;
      const env = Math.min(1, t / attackS) * Math.exp(-t / note.decayS) * Math.min(1, (len - i) / (0.02 * sampleRate));
      let v = 0;
      for (const p of partials) v += p.amp * Math.sin(2 * Math.PI * note.hz * p.mult * t);
      mix[start + i] = (mix[start + i] ?? 0) + env * v;
    }
  }
  let max = 0;
  for (const v of mix) max = Math.max(max, Math.abs(v));
  const gain = max === 0 ? 0 : (level * FULL_SCALE) / max;
  return Int16Array.from(mix, (v) => clamp16(v * gain));
}
