/**
 * Errors of the 好差评 upload. They concern the hub's settings, so they go to the operator's log at
 * start-up; delivery failures are not thrown but recorded on the outbox row and shown as `lastError`.
 */
export const UPSTREAM_ERRORS = {
  HQ_ERR_UPSTREAM_CONFIG: { zh: '好差评上报设置有误,或密钥文件无法读取', en: 'The upstream settings are invalid, or the secret file cannot be read' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type UpstreamErrorCode = keyof typeof UPSTREAM_ERRORS;

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
