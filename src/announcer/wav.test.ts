import { describe, expect, it } from 'vitest';
import { VoiceError } from './errors.ts';
import {
  blockAlign,
  byteRate,
  CLIP_FORMAT,
  concatLength,
  concatWav,
  durationMs,
  encodeWav,
  msToFrames,
  parseWav,
  WAV_HEADER_BYTES,
  wavHeader,
  type PcmFormat,
} from './wav.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const chunk = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'latin1'), u32(body.length), body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
const fmtBody = (f: PcmFormat, audioFormat = 1) => {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(audioFormat, 0);
  b.writeUInt16LE(f.channels, 2);
  b.writeUInt32LE(f.sampleRate, 4);
  b.writeUInt32LE(byteRate(f), 8);
  b.writeUInt16LE(blockAlign(f), 12);
  b.writeUInt16LE(f.bitsPerSample, 14);
  return b;
};
const riff = (...chunks: Buffer[]) => {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32(body.length), body]);
};
const errorOf = (fn: () => unknown): VoiceError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof VoiceError) return err;
    throw err;
  }
  throw new Error('did not throw');
};

describe('the canonical header', () => {
  it('is 44 bytes: RIFF size = 36 + data bytes, fmt for 16-bit mono 22050 Hz, data size', () => {
    const h = wavHeader(CLIP_FORMAT, 1000);
    expect(h.length).toBe(WAV_HEADER_BYTES);
    expect(hex(h)).toBe(
      [
        '52494646', // RIFF
        '0c040000', // 1036 = 36 + 1000
        '57415645', // WAVE
        '666d7420', // "fmt "
        '10000000', // 16
        '0100', // PCM
        '0100', // mono
        '22560000', // 22050
        '44ac0000', // 44100 bytes/s
        '0200', // block align 2
        '1000', // 16 bits
        '64617461', // data
        'e8030000', // 1000
      ].join(''),
    );
  });

  it('derives byte rate and block align from the format', () => {
    const stereo = { sampleRate: 44100, channels: 2, bitsPerSample: 16 };
    const h = wavHeader(stereo, 0);
    expect(h.readUInt32LE(4)).toBe(36);
    expect(h.readUInt32LE(28)).toBe(176_400);
    expect(h.readUInt16LE(32)).toBe(4);
    expect(h.readUInt32LE(40)).toBe(0);
  });

  it('pads odd data to an even chunk and counts the pad in the RIFF size', () => {
    const mono8 = { sampleRate: 8000, channels: 1, bitsPerSample: 8 };
    const wav = encodeWav(mono8, Buffer.from([1, 2, 3]));
    expect(wav.length).toBe(44 + 3 + 1);
    expect(wav.readUInt32LE(4)).toBe(36 + 3 + 1);
    expect(wav.readUInt32LE(40)).toBe(3);
    expect(wav.length - 8).toBe(wav.readUInt32LE(4)); // RIFF size is the file less its first 8 bytes
  });

  it('refuses sizes a 32-bit RIFF cannot hold', () => {
    expect(() => wavHeader(CLIP_FORMAT, 0xffffffff)).toThrow(RangeError);
    expect(() => wavHeader(CLIP_FORMAT, -2)).toThrow(RangeError);
  });
});

describe('frames and durations', () => {
  it('converts ms to whole frames and bytes to ms', () => {
    expect(msToFrames(CLIP_FORMAT, 1000)).toBe(22050);
    expect(msToFrames(CLIP_FORMAT, 30)).toBe(662); // 661.5 rounds up
    expect(msToFrames(CLIP_FORMAT, 250)).toBe(5513); // 5512.5
    expect(msToFrames(CLIP_FORMAT, 0)).toBe(0);
    expect(durationMs(CLIP_FORMAT, 44_100)).toBe(1000);
    expect(durationMs(CLIP_FORMAT, 2 * 22_050 * 4.55)).toBeCloseTo(4550, 9);
    expect(durationMs({ sampleRate: 16000, channels: 2, bitsPerSample: 16 }, 64_000)).toBe(1000);
  });
});

describe('parseWav', () => {
  it('reads back what encodeWav writes', () => {
    const pcm = Buffer.from([1, 0, 2, 0, 0xff, 0xff]);
    const p = parseWav(encodeWav(CLIP_FORMAT, pcm));
    expect(p).toMatchObject({ audioFormat: 1, extensible: false, format: CLIP_FORMAT, blockAlign: 2, byteRate: 44100, dataOffset: 44, declaredDataBytes: 6 });
    expect(hex(p.data)).toBe(hex(pcm));
    expect(p.durationMs).toBeCloseTo((3 / 22050) * 1000, 9);
    expect(p.chunks.map((c) => c.id)).toEqual(['fmt ', 'data']);
  });

  it('skips LIST, fact and other chunks, odd-sized ones with their pad byte, before and after data', () => {
    const list = chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00Lavf\x00', 'latin1')); // 17 bytes + pad
    const pcm = Buffer.from([10, 0, 20, 0]);
    const wav = riff(chunk('fmt ', fmtBody(CLIP_FORMAT)), list, chunk('fact', u32(2)), chunk('data', pcm), chunk('id3 ', Buffer.from('xyz')));
    const p = parseWav(wav);
    expect(p.chunks.map((c) => [c.id, c.size])).toEqual([
      ['fmt ', 16],
      ['LIST', 17],
      ['fact', 4],
      ['data', 4],
      ['id3 ', 3],
    ]);
    expect(p.dataOffset).toBe(12 + 24 + (8 + 18) + 12 + 8);
    expect(hex(p.data)).toBe(hex(pcm));
  });

  it('accepts a data chunk before the fmt chunk', () => {
    const p = parseWav(riff(chunk('data', Buffer.from([1, 0])), chunk('fmt ', fmtBody(CLIP_FORMAT))));
    expect(p.format).toEqual(CLIP_FORMAT);
    expect(p.data.length).toBe(2);
  });

  it('cuts a streaming header (espeak-ng --stdout writes 0x7ffff000) to the bytes present', () => {
    const pcm = Buffer.alloc(100, 7);
    const wav = encodeWav(CLIP_FORMAT, pcm);
    wav.writeUInt32LE(0x7ffff024, 4);
    wav.writeUInt32LE(0x7ffff000, 40);
    const p = parseWav(wav);
    expect(p.declaredDataBytes).toBe(0x7ffff000);
    expect(p.data.length).toBe(100);
  });

  it('drops a trailing partial frame', () => {
    const wav = encodeWav(CLIP_FORMAT, Buffer.alloc(6));
    const cut = wav.subarray(0, wav.length - 1); // data declares 6, 5 present
    expect(parseWav(cut).data.length).toBe(4);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE as its sub-format', () => {
    const ext = Buffer.alloc(40);
    fmtBody(CLIP_FORMAT, 0xfffe).copy(ext);
    ext.writeUInt16LE(22, 16); // cbSize
    ext.writeUInt16LE(16, 18); // valid bits
    ext.writeUInt32LE(4, 20); // channel mask
    Buffer.from('0100000000001000800000aa00389b71', 'hex').copy(ext, 24); // KSDATAFORMAT_SUBTYPE_PCM
    const p = parseWav(riff(chunk('fmt ', ext), chunk('data', Buffer.alloc(4))));
    expect(p).toMatchObject({ audioFormat: 1, extensible: true, format: CLIP_FORMAT });
  });

  it('reports float WAVs as audio format 3', () => {
    const f = { sampleRate: 22050, channels: 1, bitsPerSample: 32 };
    expect(parseWav(riff(chunk('fmt ', fmtBody(f, 3)), chunk('data', Buffer.alloc(8)))).audioFormat).toBe(3);
  });

  it.each([
    ['too short', Buffer.from('RIFF'), /too short/],
    ['no RIFF', Buffer.from('OggS\0\0\0\0WAVE'), /no RIFF signature/],
    ['big-endian RIFX', Buffer.from('RIFX\0\0\0\0WAVE'), /RIFX files are not supported/],
    ['not WAVE', Buffer.from('RIFF\x04\0\0\0AVI '), /not WAVE/],
    ['no fmt', riff(chunk('data', Buffer.alloc(2))), /no fmt chunk/],
    ['no data', riff(chunk('fmt ', fmtBody(CLIP_FORMAT))), /no data chunk/],
    ['short fmt', riff(chunk('fmt ', Buffer.alloc(14)), chunk('data', Buffer.alloc(2))), /fmt chunk of 14 bytes/],
    ['overrunning LIST', Buffer.concat([riff(chunk('fmt ', fmtBody(CLIP_FORMAT))), Buffer.from('LIST'), u32(999), Buffer.alloc(4)]), /chunk 'LIST' at offset 36 declares 999 bytes but only 4 remain/],
    [
      'block align mismatch',
      (() => {
        const f = fmtBody(CLIP_FORMAT);
        f.writeUInt16LE(4, 12);
        return riff(chunk('fmt ', f), chunk('data', Buffer.alloc(4)));
      })(),
      /block align 4/,
    ],
  ])('refuses %s', (_name, bytes, message) => {
    const err = errorOf(() => parseWav(bytes));
    expect(err.code).toBe('HQ_ERR_VOICE_WAV');
    expect(err.message).toMatch(message);
  });
});

describe('concatenation', () => {
  const clipA = Buffer.from([1, 0, 2, 0, 3, 0]); // 3 frames
  const clipB = Buffer.from([4, 0, 5, 0, 6, 0, 7, 0, 8, 0]); // 5 frames

  it('data = Σ clip bytes + Σ gap frames × block align; RIFF size = 36 + data; duration from frames', () => {
    const segments = [{ pcm: clipA }, { silenceFrames: 2 }, { pcm: clipB }, { silenceFrames: 4 }, { pcm: clipA }];
    const dataBytes = 6 + 10 + 6 + (2 + 4) * 2;
    expect(concatLength(CLIP_FORMAT, segments)).toBe(dataBytes);
    const wav = concatWav(CLIP_FORMAT, segments);
    expect(wav.length).toBe(44 + dataBytes);
    expect(wav.readUInt32LE(4)).toBe(36 + dataBytes);
    expect(wav.readUInt32LE(40)).toBe(dataBytes);
    expect(hex(wav.subarray(44))).toBe(hex(Buffer.concat([clipA, Buffer.alloc(4), clipB, Buffer.alloc(8), clipA])));
    const p = parseWav(wav);
    expect(p.durationMs).toBeCloseTo(((3 + 2 + 5 + 4 + 3) / 22050) * 1000, 9);
  });

  it('real sizes: 13 clips of 0.3 s with 12 gaps of 30 ms', () => {
    const clip = Buffer.alloc(msToFrames(CLIP_FORMAT, 300) * 2, 1);
    const gap = msToFrames(CLIP_FORMAT, 30);
    const segments = Array.from({ length: 13 }, (_, i) => (i === 0 ? [{ pcm: clip }] : [{ silenceFrames: gap }, { pcm: clip }])).flat();
    const dataBytes = 13 * 6615 * 2 + 12 * 662 * 2;
    expect(concatLength(CLIP_FORMAT, segments)).toBe(dataBytes);
    expect(concatWav(CLIP_FORMAT, segments).readUInt32LE(4)).toBe(36 + dataBytes);
    expect(durationMs(CLIP_FORMAT, dataBytes)).toBeCloseTo(((13 * 6615 + 12 * 662) / 22050) * 1000, 9);
  });

  it('writes unsigned 8-bit silence as 0x80', () => {
    const mono8 = { sampleRate: 8000, channels: 1, bitsPerSample: 8 };
    const wav = concatWav(mono8, [{ pcm: Buffer.from([200]) }, { silenceFrames: 2 }]);
    expect([...wav.subarray(44, 47)]).toEqual([200, 0x80, 0x80]);
    expect(wav.length).toBe(48); // padded
  });

  it('refuses a clip that is not whole frames, and negative silence', () => {
    expect(() => concatWav(CLIP_FORMAT, [{ pcm: Buffer.alloc(3) }])).toThrow(/not whole 2-byte frames/);
    expect(() => concatWav(CLIP_FORMAT, [{ silenceFrames: -1 }])).toThrow(/bad silence/);
  });

  it('an empty announcement is a valid empty WAV', () => {
    const wav = concatWav(CLIP_FORMAT, []);
    expect(wav.length).toBe(44);
    expect(parseWav(wav).data.length).toBe(0);
  });
});
