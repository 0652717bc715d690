/** Print jobs are plain JSON-safe objects, so the hub can store the queue and restore it after a restart. */

export type PrintJobState = 'queued' | 'printing' | 'printed' | 'failed' | 'canceled';

/** Why a job waits without using up an attempt. */
export type HoldReason = 'paperOut' | 'coverOpen' | 'error' | 'offline';

export interface PrintJob {
  id: string;
  /** Order of arrival; jobs print in this order. */
  seq: number;
  /** For the guide desk and logs, e.g. the ticket number `A012`. */
  label: string;
  /** What the job prints for, e.g. the ticketId. */
  ref: string | null;
  /** The ESC/POS bytes, base64. */
  data: string;
  state: PrintJobState;
  /** Attempts that reached the printer or failed to; waiting on paper does not count. */
  attempts: number;
  lastError: string | null;
  heldReason: HoldReason | null;
  /** When the current hold began (epoch ms), for maxHoldMs. */
  heldSince: number | null;
  /** Not to be tried before this time (backoff or hold poll). */
  notBefore: number | null;
  createdAt: number;
  updatedAt: number;
  printedAt: number | null;
  /** The job this one reprints. */
  reprintOf: string | null;
}

export interface EnqueueInput {
  bytes: Buffer;
  label?: string;
  ref?: string | null;
}

export type PrintJobEventType = 'queued' | 'held' | 'printing' | 'retry' | 'printed' | 'failed' | 'canceled';

export interface PrintJobEvent {
  type: PrintJobEventType;
  /** A copy of the job after the change. */
  job: PrintJob;
  /** The attempt this event is about (0 before the first). */
  attempt: number;
  error: string | null;
  /** For `retry`: the backoff before the next attempt. */
  retryInMs?: number;
}
