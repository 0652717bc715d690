/**
 * Errors of the announcer. They are about configuration and files on the hub (a template with a
 * word there is no clip for, a recording in the wrong format, espeak-ng missing), so they go to the
 * operator's log at start-up rather than to a resident's screen.
 */
export const VOICE_ERRORS = {
  HQ_ERR_VOICE_CONFIG: { zh: '语音叫号设置超出范围', en: 'Announcer settings are out of range' },
  HQ_ERR_VOICE_TEMPLATE: { zh: '叫号语句模板无法朗读:缺少占位符,或含有没有录音的文字', en: 'The call template cannot be read: a missing placeholder, or words with no clip' },
  HQ_ERR_VOICE_NUMBER: { zh: '该号码或窗口号超出朗读规则', en: 'A ticket or window number the reading rules do not cover' },
  HQ_ERR_VOICE_WAV: { zh: '不是可识别的WAV文件', en: 'Not a WAV file this hub understands' },
  HQ_ERR_VOICE_CLIP_FORMAT: { zh: '录音格式不对:须为16位单声道PCM,采样率与语音片段一致', en: 'A recording in the wrong format: 16-bit PCM mono at the clip rate' },
  HQ_ERR_VOICE_CLIP_MISSING: { zh: '缺少语音片段(无录音,生成失败或未开启)', en: 'A clip was never loaded (no recording, and generation failed or was off)' },
  HQ_ERR_VOICE_TTS: { zh: 'espeak-ng 运行失败或未安装', en: 'espeak-ng failed or is not installed' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type VoiceErrorCode = keyof typeof VOICE_ERRORS;

export class VoiceError extends Error {
  constructor(
    readonly code: VoiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VoiceError';
  }
}
