/**
 * Errors of the announcer. They are about configuration and files on the hub (a template with a
 * word there is no clip for, a recording in the wrong format, espeak-ng missing), so they go to the
 * operator's log at start-up rather than to a resident's screen; the codes are stable for tests and
 * for the hub's error catalogue should it ever surface them.
 */
export type VoiceErrorCode =
  /** Announcer settings out of range. */
  | 'HQ_ERR_VOICE_CONFIG'
  /** A call template that cannot be read: missing placeholder, or text with no clip. */
  | 'HQ_ERR_VOICE_TEMPLATE'
  /** A ticket number or window number the reading rules do not cover. */
  | 'HQ_ERR_VOICE_NUMBER'
  /** Bytes that are not a WAV file this code understands. */
  | 'HQ_ERR_VOICE_WAV'
  /** A recording in config/voice/ that is a WAV, but not 16-bit PCM mono at the clip rate. */
  | 'HQ_ERR_VOICE_CLIP_FORMAT'
  /** A clip asked for that was never loaded (no recording, and generation failed or was off). */
  | 'HQ_ERR_VOICE_CLIP_MISSING'
  /** espeak-ng failed or is not installed. */
  | 'HQ_ERR_VOICE_TTS';

export class VoiceError extends Error {
  constructor(
    readonly code: VoiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VoiceError';
  }
}
