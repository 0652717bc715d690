import { execFile } from 'node:child_process';
import { VoiceError } from './errors.ts';

/** Makes speech for a clip. espeak-ng today; a neural engine (sherpa-onnx) could sit behind the same seam. */
export interface TtsEngine {
  /** Everything that changes the sound (engine, voice, speed, pitch): part of the clip cache key. */
  readonly id: string;
  /** A WAV file of `text` spoken. */
  synthesize(text: string): Promise<Buffer>;
}

export interface EspeakOptions {
  /** Default `espeak-ng` on the PATH. */
  bin?: string;
  /**
   * Default `cmn-latn-pinyin`, and keep it: in espeak-ng 1.51 the plain `cmn` voice reads the
   * tone digit of its own pinyin in English (请 → "qing three"; espeak-ng#1370).
   */
  voice?: string;
  /** Words per minute, espeak-ng's `-s`. Default 150 (espeak-ng's own is 175): halls echo, and calls are read slowly. */
  speed?: number;
  /** 0–99, espeak-ng's `-p`. Default 50. */
  pitch?: number;
  timeoutMs?: number;
}

/**
 * espeak-ng as a child process, one run per clip: `espeak-ng -v cmn-latn-pinyin -s 150 -p 50 -z
 * --stdout <text>`. `-z` drops the 400 ms end-of-sentence pause. `--stdout` avoids temp files; its
 * WAV header carries placeholder sizes (0x7ffff000), which parseWav cuts to the bytes present.
 * Not `-w file`: it exits 0 even when it cannot write the file.
 */
export class EspeakEngine implements TtsEngine {
  readonly id: string;
  readonly #bin: string;
  readonly #args: string[];
  readonly #timeoutMs: number;

  constructor(opts: EspeakOptions = {}) {
    const voice = opts.voice ?? 'cmn-latn-pinyin';
    const speed = opts.speed ?? 150;
    const pitch = opts.pitch ?? 50;
    this.#bin = opts.bin ?? 'espeak-ng';
    this.#args = ['-v', voice, '-s', String(speed), '-p', String(pitch), '-z', '--stdout'];
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.id = `espeak-ng|${voice}|s${speed}|p${pitch}`;
  }

  synthesize(text: string): Promise<Buffer> {
    if (text.trim() === '' || text.startsWith('-')) {
      return Promise.reject(new VoiceError('HQ_ERR_VOICE_TTS', `refusing to speak ${JSON.stringify(text)}`));
    }
    return new Promise((resolve, reject) => {
      execFile(
        this.#bin,
        [...this.#args, text],
        { encoding: 'buffer', timeout: this.#timeoutMs, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const said = stderr.toString('utf8').trim();
          if (err) {
            const why =
              (err as NodeJS.ErrnoException).code === 'ENOENT'
                ? `${this.#bin} is not installed (apt-get install espeak-ng), so missing clips cannot be generated`
                : `${this.#bin} failed for ${JSON.stringify(text)}: ${said || err.message}`;
            reject(new VoiceError('HQ_ERR_VOICE_TTS', why));
            return;
          }
          if (stdout.length <= 44) {
            reject(new VoiceError('HQ_ERR_VOICE_TTS', `${this.#bin} produced no audio for ${JSON.stringify(text)}${said ? `: ${said}` : ''}`));
            return;
          }
          resolve(stdout);
        },
      );
    });
  }
}
