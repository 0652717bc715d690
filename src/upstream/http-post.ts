import { createHmac } from 'node:crypto';
import type { Scheduler } from '../../devices/scheduler.ts';
import { classifyStatus, type DeliveryResult } from './adapter.ts';

/** Hex HMAC-SHA256 of the exact body bytes: what `X-Signature` carries and the platform recomputes. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export interface SignedPost {
  endpoint: string;
  secret: string;
  /** The record's idempotency key (the rating id, or the key of a follow-up result). */
  key: string;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  scheduler: Scheduler;
  fetch: typeof fetch;
}

/** The platform's answer, or the attempt's failure as a retry (timeouts and network errors). */
export type PostAnswer = { status: number; text: string; retryAfter: string | null } | DeliveryResult;

/**
 * One POST as every adapter sends it: `X-Idempotency-Key`, `X-Signature` (HMAC-SHA256 of the body
 * bytes), `X-Timestamp`, the configured fixed headers; no redirect followed (a POST sent elsewhere
 * than configured is a config problem); the whole exchange bounded by `timeoutMs`.
 */
export async function postSigned(p: SignedPost): Promise<PostAnswer> {
  const headers: Record<string, string> = {
    ...p.headers,
    'Content-Type': p.contentType,
    'X-Idempotency-Key': p.key,
    'X-Signature': signBody(p.secret, p.body),
    'X-Timestamp': String(p.scheduler.now()),
  };
  const abort = new AbortController();
  let timedOut = false;
  const cancel = p.scheduler.schedule(p.timeoutMs, () => {
    timedOut = true;
    abort.abort();
  });
  try {
    const res = await p.fetch(p.endpoint, { method: 'POST', headers, body: p.body, signal: abort.signal, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, text, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    if (timedOut) return { outcome: 'retry', error: `timeout: no answer within ${p.timeoutMs} ms` };
    return { outcome: 'retry', error: `network: ${describeFetchError(err)}` };
  } finally {
    cancel();
  }
}

/** An HTTP status that is not a 2xx read as `classifyStatus` says (409: the platform has the record). */
export function resultOfStatus(status: number, text: string, retryAfter: string | null, now: number): DeliveryResult | null {
  const what = `HTTP ${status}${text ? `: ${snippet(text)}` : ''}`;
  const kind = classifyStatus(status);
  switch (kind) {
    case 'acknowledged':
      return null;
    case 'duplicate':
      return { outcome: 'acknowledged', status, duplicate: true };
    case 'rejected':
      return { outcome: 'rejected', status, error: what };
    case 'retry': {
      const ms = parseRetryAfter(retryAfter, now);
      return ms === undefined ? { outcome: 'retry', status, error: what } : { outcome: 'retry', status, error: what, retryAfterMs: ms };
    }
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** undici's "fetch failed" hides the reason in `cause`. */
function describeFetchError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message ?? 'fetch failed'} (${cause})` : (e.message ?? String(err));
}
