import type { OutboxRow } from './outbox-store.ts';

/**
 * What one attempt to hand a record to the platform came to.
 * - `acknowledged`: the platform has it (2xx, or 409: it already had it). The worker marks the row
 *   delivered and never sends it again.
 * - `retry`: not delivered, worth trying again after a backoff (5xx, 408, 429, timeouts, network
 *   errors, and refusals that concern the endpoint or our credentials rather than this record).
 * - `rejected`: the platform refuses this record as such (400, 413, 422); sending the same bytes again
 *   will not help. The worker parks it as a dead letter after a few attempts (worker.ts).
 */
export type DeliveryResult =
  | { outcome: 'acknowledged'; status: number; duplicate: boolean }
  | { outcome: 'retry'; error: string; status?: number; retryAfterMs?: number }
  | { outcome: 'rejected'; error: string; status?: number };

/**
 * One province's upload protocol. `deliver` must not throw: every failure is a `retry` or a
 * `rejected` result. It must send `row.ratingId` as the idempotency key, so that the one duplicate
 * the worker can cause (the process died after the platform acknowledged and before the row was
 * marked) is recognised by the platform as the same record.
 */
export interface UpstreamAdapter {
  deliver(row: OutboxRow): Promise<DeliveryResult>;
}

/** Statuses that say "this record is malformed"; everything else in 4xx is about the endpoint or us. */
const RECORD_REJECTED = new Set([400, 413, 422]);
export type StatusClass = 'acknowledged' | 'duplicate' | 'retry' | 'rejected';

/**
 * How the generic adapter reads an HTTP status.
 *
 * 401, 403, 404, 405, 415 and the like are deliberately `retry`, not `rejected`: a wrong secret, a
 * moved URL or an expired app key refuses every record alike, and treating them as per-record
 * refusals would park the whole backlog one record at a time. They block the queue (backoff, capped)
 * and show in `lastError` until someone fixes the config; nothing is lost meanwhile.
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'acknowledged';
  if (status === 409) return 'duplicate';
  if (RECORD_REJECTED.has(status)) return 'rejected';
  return 'retry'; // 5xx, 408/425/429 (timing), 401/403/404/… (endpoint or credentials), 1xx/3xx (unexpected)
}
