import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import { classifyStatus, type DeliveryResult } from './adapter.ts';
import type { OutboxRow } from './outbox-store.ts';

/** Hex HMAC-SHA256 of the exact body bytes: what `X-Signature` carries and the platform recomputes. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Whether an `X-Signature` header is `signBody` of these bytes (what a platform posting to us must send), compared in constant time. */
export function signatureMatches(secret: string, body: string | Uint8Array, header: unknown): boolean {
  if (typeof header !== 'string' || !/^[0-9a-fA-F]{64}$/.test(header)) return false;
  return timingSafeEqual(createHmac('sha256', secret).update(body).digest(), Buffer.from(header, 'hex'));
}

interface SignedPost {
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
type PostAnswer = { status: number; text: string; retryAfter: string | null } | DeliveryResult;

/**
 * One POST as every adapter sends it: `X-Idempotency-Key`, `X-Signature` (HMAC-SHA256 of the body
 * bytes), `X-Timestamp`, the configured fixed headers; the whole exchange bounded by `timeoutMs`.
 */
async function postSigned(p: SignedPost): Promise<PostAnswer> {
  const headers: Record<string, string> = {
    ...p.headers,
    'Content-Type': p.contentType,
    'X-Idempotency-Key': p.key,
    'X-Signature': signBody(p.secret, p.body),
    'X-Timestamp': String(p.scheduler.now()),
  };
  try {
    return await fetchWithin(p, p.endpoint, { method: 'POST', headers, body: p.body });
  } catch (err) {
    return { outcome: 'retry', error: (err as Error).message };
  }
}

/**
 * One request to the platform, the whole exchange (its answer's body too) bounded by `timeoutMs`;
 * no redirect followed (a request sent elsewhere than configured is a config problem). Throws
 * `timeout: …` or `network: …`.
 */
export async function fetchWithin(
  o: { timeoutMs: number; scheduler: Scheduler; fetch: typeof fetch },
  url: string,
  init: RequestInit,
): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const abort = new AbortController();
  let timedOut = false;
  const cancel = o.scheduler.schedule(o.timeoutMs, () => {
    timedOut = true;
    abort.abort();
  });
  try {
    const res = await o.fetch(url, { ...init, signal: abort.signal, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, text, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    throw new Error(timedOut ? `timeout: no answer within ${o.timeoutMs} ms` : `network: ${describeFetchError(err)}`);
  } finally {
    cancel();
  }
}

/** What every adapter is told of the platform and the request, whatever its body and reply. */
export interface PostOptions {
  endpoint: string;
  secret: string;
  /** Follow-up results go here when set; else to `endpoint`. */
  followupEndpoint?: string;
  headers?: Record<string, string>;
  /** For the record's dates. Default Asia/Shanghai. */
  timeZone?: string;
  /** Whole request, body included. Default 10000. */
  timeoutMs?: number;
  scheduler?: Scheduler;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

export type FilledPostOptions<O extends PostOptions> = O & { timeZone: string; timeoutMs: number; scheduler: Scheduler; fetch: typeof fetch };

/** An adapter's options with the shared defaults filled. */
export function fillPostOptions<O extends PostOptions>(opts: O): FilledPostOptions<O> {
  return {
    ...opts,
    timeZone: opts.timeZone ?? 'Asia/Shanghai',
    timeoutMs: opts.timeoutMs ?? 10_000,
    scheduler: opts.scheduler ?? systemScheduler,
    // Looked up per call, like systemScheduler, so a test's stub of the global takes effect.
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
  };
}

/**
 * One attempt as every adapter makes it: the row's body (a payload that will not encode is
 * rejected: sending it again will not help), posted signed under the row's key to the endpoint for
 * its kind; a status other than 2xx read by `resultOfStatus`, a 2xx by the adapter's `readReply`
 * (each province answers in its own form).
 */
export async function deliverSigned(
  row: OutboxRow,
  o: FilledPostOptions<PostOptions>,
  encode: { body: () => string; contentType: string; readReply: (status: number, text: string) => DeliveryResult },
): Promise<DeliveryResult> {
  let body: string;
  try {
    body = encode.body();
  } catch (err) {
    return { outcome: 'rejected', error: `payload: ${(err as Error).message}` };
  }
  const answer = await postSigned({
    endpoint: row.kind === 'followup' ? (o.followupEndpoint ?? o.endpoint) : o.endpoint,
    secret: o.secret,
    key: row.ratingId,
    body,
    contentType: encode.contentType,
    ...(o.headers ? { headers: o.headers } : {}),
    timeoutMs: o.timeoutMs,
    scheduler: o.scheduler,
    fetch: o.fetch,
  });
  if ('outcome' in answer) return answer;
  return resultOfStatus(answer.status, answer.text, answer.retryAfter, o.scheduler.now()) ?? encode.readReply(answer.status, answer.text);
}

/** An HTTP status that is not a 2xx read as `classifyStatus` says (409: the platform has the record). */
function resultOfStatus(status: number, text: string, retryAfter: string | null, now: number): DeliveryResult | null {
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
