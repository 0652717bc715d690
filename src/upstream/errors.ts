/**
 * Errors of the 好差评 upload. They concern the hub's settings, so they go to the operator's log at
 * start-up; delivery failures are not thrown but recorded on the outbox row and shown as `lastError`.
 */
export type UpstreamErrorCode =
  /** The `upstream:` section is invalid, or its secret file cannot be read. */
  'HQ_ERR_UPSTREAM_CONFIG';

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
