import type { FastifyError, FastifyInstance } from 'fastify';
import { ERRORS, HallqError, type ErrorCode } from '../domain/errors.ts';

/** The only place a hallq error code meets an HTTP status. */
export const STATUS_OF: Record<ErrorCode, number> = {
  HQ_ERR_VALIDATION: 400,
  HQ_ERR_NOT_FOUND: 404,
  HQ_ERR_IDEMPOTENCY_KEY_REUSED: 422,
  HQ_ERR_AUTH_REQUIRED: 401,
  HQ_ERR_AUTH_FAILED: 401,
  HQ_ERR_FORBIDDEN: 403,
  HQ_ERR_TOO_MANY_REQUESTS: 429,
  HQ_ERR_SAME_ORIGIN_REQUIRED: 403,
  HQ_ERR_NOT_YOUR_WINDOW: 403,
  HQ_ERR_NOT_SIGNED_IN: 403,
  HQ_ERR_CATEGORY_UNKNOWN: 422,
  HQ_ERR_CATEGORY_CLOSED: 422,
  HQ_ERR_QUOTA_REACHED: 422,
  HQ_ERR_ID_CARD_REQUIRED: 422,
  HQ_ERR_ONE_PER_ID: 422,
  HQ_ERR_WAIT_PAST_CLOSING: 422,
  HQ_ERR_PRIORITY_GROUP_UNKNOWN: 422,
  HQ_ERR_PRIORITY_GROUP_NOT_ALLOWED: 403,
  HQ_ERR_CARD_TOKEN_INVALID: 422,
  HQ_ERR_ID_NUMBER_INVALID: 422,
  HQ_ERR_APPLICANT_ID_INVALID: 422,
  HQ_ERR_CASE_REQUIRED: 422,
  HQ_ERR_UPSTREAM_OFF: 409,
  HQ_ERR_SMS_OFF: 409,
  HQ_ERR_NO_PHONE_HELD: 409,
  HQ_ERR_DEAD_LETTER_NOT_FOUND: 404,
  HQ_ERR_RECONCILE_UNAVAILABLE: 409,
  HQ_ERR_CREDIT_CODE_INVALID: 422,
  HQ_ERR_ID_CARD_EXPIRED: 422,
  HQ_ERR_ID_CARD_UNREADABLE: 422,
  HQ_ERR_APPOINTMENT_NOT_FOUND: 422,
  HQ_ERR_APPOINTMENT_USED: 422,
  HQ_ERR_APPOINTMENT_OUTSIDE_SLOT: 422,
  HQ_ERR_APPOINTMENT_HOLDER_MISMATCH: 422,
  HQ_ERR_APPOINTMENT_SLOT_INVALID: 422,
  HQ_ERR_APPOINTMENT_VOID: 422,
  HQ_ERR_APPOINTMENT_CANCELLED: 422,
  HQ_ERR_BOOKING_IN_PAST: 422,
  HQ_ERR_BOOKING_TOO_FAR: 422,
  HQ_ERR_BOOKING_HOLIDAY: 422,
  HQ_ERR_BOOKING_DAY_CLOSED: 422,
  HQ_ERR_BOOKING_NOT_A_SLOT: 422,
  HQ_ERR_BOOKING_SLOT_FULL: 409,
  HQ_ERR_BOOKING_WALK_IN_ONLY: 422,
  HQ_ERR_BOOKING_ONE_PER_ID: 409,
  HQ_ERR_BOOKING_SUSPENDED: 422,
  HQ_ERR_BOOKING_NOT_LIVE: 409,
  HQ_ERR_TICKET_NOT_FOUND: 404,
  HQ_ERR_TICKET_FINISHED: 409,
  HQ_ERR_WINDOW_UNKNOWN: 404,
  HQ_ERR_WINDOW_CLOSED: 409,
  HQ_ERR_WINDOW_PAUSED: 409,
  HQ_ERR_WINDOW_NOT_PAUSED: 409,
  HQ_ERR_WINDOW_ALREADY_OPEN: 409,
  HQ_ERR_WINDOW_BUSY: 409,
  HQ_ERR_WINDOW_NO_CURRENT: 409,
  HQ_ERR_WRONG_STATE: 409,
  HQ_ERR_STAFF_NOT_ASSIGNED: 403,
  HQ_ERR_TRANSFER_TARGET: 422,
  HQ_ERR_CHOSEN_CALL_DISABLED: 403,
  HQ_ERR_CHOSEN_NOT_WAITING: 409,
  HQ_ERR_PAUSE_REASON_REQUIRED: 422,
  HQ_ERR_DAY_IN_FUTURE: 422,
  HQ_ERR_SIMULATOR_DISABLED: 404,
  HQ_ERR_RATING_NOT_REQUESTED: 404,
  HQ_ERR_ALREADY_RATED: 409,
  HQ_ERR_RATING_EXPIRED: 409,
  HQ_ERR_RATING_REASON_REQUIRED: 422,
  HQ_ERR_NOT_YOUR_PAD: 403,
  HQ_ERR_RATING_REASON_UNKNOWN: 422,
  HQ_ERR_FOLLOWUP_NOT_FOUND: 404,
  HQ_ERR_FOLLOWUP_CLOSED: 409,
  HQ_ERR_NO_PRINTER: 409,
  HQ_ERR_BACKUPS_OFF: 404,
  HQ_ERR_AGENT_UNKNOWN: 404,
  HQ_ERR_AGENT_SECRET: 403,
  HQ_ERR_AGENT_REVOKED: 403,
  HQ_ERR_PAIRING_CODE_WRONG: 422,
  HQ_ERR_AGENT_TOKEN_COLLECTED: 409,
  HQ_ERR_CARD_READ_STALE: 409,
  HQ_ERR_DEVICE_INPUT_STALE: 409,
  HQ_ERR_BACKUP_FAILED: 503,
  HQ_ERR_REPORT_RANGE_INVERTED: 400,
  HQ_ERR_REPORT_PERIOD_IN_FUTURE: 400,
  HQ_ERR_REPORT_RANGE_TOO_LONG: 400,
  HQ_ERR_REPORT_UNKNOWN_FILTER: 400,
  HQ_ERR_RANKING_NOT_ENDED: 400,
  HQ_ERR_REPORTS_BUSY: 503,
  HQ_ERR_REPORT_TIMEOUT: 503,
  HQ_ERR_INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; zh: string; en: string; detail?: Record<string, unknown> };
}

export function errorBody(code: ErrorCode, detail?: Record<string, unknown>, message?: string): ErrorBody {
  const text = ERRORS[code];
  return { error: { code, message: message ?? `${text.zh} / ${text.en}`, zh: text.zh, en: text.en, ...(detail ? { detail } : {}) } };
}

/** Every error leaves as `{error:{code,message}}`; schema failures never echo the rejected value. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HallqError, request, reply) => {
    if (err instanceof HallqError) {
      const body = errorBody(err.code, err.detail, err.message);
      const retryAfter = err.detail?.retryAfterSec;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return reply.status(STATUS_OF[err.code]).send(body);
    }
    if (err.validation) {
      return reply.status(400).send(
        errorBody('HQ_ERR_VALIDATION', { problems: err.validation.map((v) => `${err.validationContext ?? ''}${v.instancePath || ''} ${v.message ?? ''}`.trim()) }),
      );
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const code = status === 401 ? 'HQ_ERR_AUTH_REQUIRED' : status === 403 ? 'HQ_ERR_FORBIDDEN' : status === 404 ? 'HQ_ERR_NOT_FOUND' : 'HQ_ERR_VALIDATION';
      return reply.status(status).send(errorBody(code, { reason: err.code }));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('HQ_ERR_INTERNAL'));
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody('HQ_ERR_NOT_FOUND', { path: request.url.split('?')[0] })));
}
