import { VoiceError } from './errors.ts';

/**
 * RIFF/WAVE reading and writing (pure: bytes in, bytes out).
 *
 * Writing always produces the canonical 44-byte header: `RIFF <36 + data bytes> WAVE`, a 16-byte
 * `fmt ` chunk (PCM), and one `data` chunk. Reading accepts what real tools write: extra chunks
 * (`LIST` from editors, `fact`, `cue `…) are skipped, `WAVE_FORMAT_EXTENSIBLE` is accepted when its
 * sub-format is PCM, and a `data` size bigger than the file (espeak-ng `--stdout` and other
 * streaming writers put 0x7ffff000 there, since they cannot seek back) is cut to the bytes present.
 */

export interface PcmFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/** Every clip and every announcement: 16-bit PCM, mono, 22050 Hz, which is what espeak-ng writes. */
export const CLIP_FORMAT: Readonly<PcmFormat> = { sampleRate: 22050, channels: 1, bitsPerSample: 16 };

export const WAV_HEADER_BYTES = 44;
export const WAVE_FORMAT_PCM = 1;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export const blockAlign = (f: PcmFormat): number => (f.channels * f.bitsPerSample) / 8;
export const byteRate = (f: PcmFormat): number => f.sampleRate * blockAlign(f);
/** Whole frames in `ms`, rounded to the nearest frame. */
export const msToFrames = (f: PcmFormat, ms: number): number => Math.round((ms * f.sampleRate) / 1000);
/** Play time of `dataBytes` of PCM, in (fractional) milliseconds. */
export const durationMs = (f: PcmFormat, dataBytes: number): number => (dataBytes / blockAlign(f) / f.sampleRate) * 1000;

export const sameFormat = (a: PcmFormat, b: PcmFormat): boolean =>
  a.sampleRate === b.sampleRate && a.channels === b.channels && a.bitsPerSample === b.bitsPerSample;

export const describeFormat = (f: PcmFormat): string =>
  `${f.bitsPerSample}-bit ${f.channels === 1 ? 'mono' : f.channels === 2 ? 'stereo' : `${f.channels}-channel`} ${f.sampleRate} Hz`;

export interface WavChunk {
  id: string;
  /** Offset of the chunk's 8-byte header. */
  offset: number;
  /** The size the chunk declares (before any cut). */
  size: number;
}

export interface ParsedWav {
  /** 1 = PCM, 3 = IEEE float, …; for WAVE_FORMAT_EXTENSIBLE, the sub-format's code. */
  audioFormat: number;
  /** True when the fmt chunk was WAVE_FORMAT_EXTENSIBLE. */
  extensible: boolean;
  format: PcmFormat;
  blockAlign: number;
  byteRate: number;
  /** Offset of the first PCM byte. */
  dataOffset: number;
  /** What the data chunk declares. */
  declaredDataBytes: number;
  /** The PCM bytes (a view into the input, not a copy): cut to the file and to whole frames. */
  data: Buffer;
  durationMs: number;
  chunks: WavChunk[];
}

function wavError(why: string): VoiceError {
  return new VoiceError('HQ_ERR_VOICE_WAV', `not a usable WAV file: ${why}`);
}

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function parseWav(bytes: Uint8Array): ParsedWav {
  const buf = asBuffer(bytes);
  if (buf.length < 12) throw wavError(`${buf.length} bytes is too short for a RIFF header`);
  const riff = buf.toString('latin1', 0, 4);
  if (riff !== 'RIFF') {
    throw wavError(riff === 'RIFX' || riff === 'RF64' ? `${riff} files are not supported; save as plain RIFF WAV` : 'no RIFF signature');
  }
  if (buf.toString('latin1', 8, 12) !== 'WAVE') throw wavError('RIFF file, but not WAVE');

  const chunks: WavChunk[] = [];
  let fmt: Omit<ParsedWav, 'dataOffset' | 'declaredDataBytes' | 'data' | 'durationMs' | 'chunks'> | null = null;
  let data: { offset: number; declared: number; available: number } | null = null;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    chunks.push({ id, offset: off, size });
    const available = buf.length - body;
    if (id === 'data') {
      data = { offset: body, declared: size, available: Math.min(size, available) };
      // A streaming writer's data chunk runs to the end of the file: nothing after it to read.
      if (size > available) break;
    } else if (size > available) {
      throw wavError(`chunk '${id}' at offset ${off} declares ${size} bytes but only ${available} remain`);
    } else if (id === 'fmt ') {
      if (size < 16) throw wavError(`fmt chunk of ${size} bytes (needs at least 16)`);
      let audioFormat = buf.readUInt16LE(body);
      const extensible = audioFormat === WAVE_FORMAT_EXTENSIBLE;
      if (extensible) {
        if (size < 40) throw wavError(`WAVE_FORMAT_EXTENSIBLE fmt chunk of ${size} bytes (needs 40)`);
        audioFormat = buf.readUInt16LE(body + 24); // first two bytes of the sub-format GUID
      }
      const format: PcmFormat = {
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
      fmt = { audioFormat, extensible, format, byteRate: buf.readUInt32LE(body + 8), blockAlign: buf.readUInt16LE(body + 12) };
    }
    off = body + size + (size & 1); // chunks are padded to an even length
  }
  if (!fmt) throw wavError('no fmt chunk');
  if (!data) throw wavError('no data chunk');
  const { format } = fmt;
  if (format.channels < 1 || format.sampleRate < 1 || format.bitsPerSample < 1 || format.bitsPerSample % 8 !== 0) {
    throw wavError(`impossible format: ${format.channels} channels, ${format.sampleRate} Hz, ${format.bitsPerSample} bits`);
  }
  if (fmt.blockAlign !== blockAlign(format)) {
    throw wavError(`block align ${fmt.blockAlign} does not match ${format.channels} channels × ${format.bitsPerSample} bits`);
  }
  const usable = data.available - (data.available % fmt.blockAlign);
  return {
    ...fmt,
    dataOffset: data.offset,
    declaredDataBytes: data.declared,
    data: buf.subarray(data.offset, data.offset + usable),
    durationMs: durationMs(format, usable),
    chunks,
  };
}

/** The canonical 44-byte header for `dataBytes` of PCM: RIFF size = 36 + dataBytes (+1 pad if odd). */
export function wavHeader(format: PcmFormat, dataBytes: number): Buffer {
  const pad = dataBytes & 1;
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || 36 + dataBytes + pad > 0xffffffff) {
    throw new RangeError(`a WAV cannot hold ${dataBytes} data bytes`);
  }
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes + pad, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  h.writeUInt16LE(format.channels, 22);
  h.writeUInt32LE(format.sampleRate, 24);
  h.writeUInt32LE(byteRate(format), 28);
  h.writeUInt16LE(blockAlign(format), 32);
  h.writeUInt16LE(format.bitsPerSample, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** A whole WAV file: canonical header, the PCM, and a pad byte if the PCM is odd-sized. */
export function encodeWav(format: PcmFormat, pcm: Uint8Array): Buffer {
  const pad = pcm.byteLength & 1;
  const out = Buffer.alloc(WAV_HEADER_BYTES + pcm.byteLength + pad);
  wavHeader(format, pcm.byteLength).copy(out, 0);
  out.set(pcm, WAV_HEADER_BYTES);
  return out;
}

/** A piece of an announcement: PCM bytes in the shared format, or that many frames of silence. */
export type Segment = { pcm: Uint8Array } | { silenceFrames: number };

/** Bytes the segments add up to: Σ PCM bytes + Σ silence frames × block align. */
export function concatLength(format: PcmFormat, segments: readonly Segment[]): number {
  const align = blockAlign(format);
  let bytes = 0;
  for (const s of segments) {
    if ('pcm' in s) {
      if (s.pcm.byteLength % align !== 0) throw new RangeError(`a clip of ${s.pcm.byteLength} bytes is not whole ${align}-byte frames`);
      bytes += s.pcm.byteLength;
    } else {
      if (!Number.isInteger(s.silenceFrames) || s.silenceFrames < 0) throw new RangeError(`bad silence: ${s.silenceFrames} frames`);
      bytes += s.silenceFrames * align;
    }
  }
  return bytes;
}

/**
 * One WAV from clips and silences, all in `format`: the PCM is appended as is and the header
 * written for the total. Silence is zero bytes (signed PCM), or 0x80 for unsigned 8-bit PCM.
 */
export function concatWav(format: PcmFormat, segments: readonly Segment[]): Buffer {
  const dataBytes = concatLength(format, segments);
  const pad = dataBytes & 1;
  const out = Buffer.alloc(WAV_HEADER_BYTES + dataBytes + pad); // zero-filled: silences need no writing
  wavHeader(format, dataBytes).copy(out, 0);
  let at = WAV_HEADER_BYTES;
  const align = blockAlign(format);
  for (const s of segments) {
    if ('pcm' in s) {
      out.set(s.pcm, at);
      at += s.pcm.byteLength;
    } else {
      if (format.bitsPerSample === 8) out.fill(0x80, at, at + s.silenceFrames * align);
      at += s.silenceFrames * align;
    }
  }
  return out;
}
