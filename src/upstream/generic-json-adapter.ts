import { createHmac } from 'node:crypto';
import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import { classifyStatus, type DeliveryResult, type UpstreamAdapter } from './adapter.ts';
import type { ResolvedUpstreamConfig, UpstreamConfig, UpstreamMapping } from './config.ts';
import { buildBody, getPath } from './mapping.ts';
import type { OutboxRow } from './outbox-store.ts';

export interface GenericJsonAdapterOptions {
  endpoint: string;
  secret: string;
  mapping: UpstreamMapping;
  headers?: Record<string, string>;
  ackWhen?: UpstreamConfig['ackWhen'];
  /** For `datetime` formats. Default Asia/Shanghai. */
  timeZone?: string;
  /** Whole request, body included. Default 10000. */
  timeoutMs?: number;
  scheduler?: Scheduler;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Hex HMAC-SHA256 of the exact body bytes: what `X-Signature` carries and the platform recomputes. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * POSTs one rating as JSON, shaped by the configured field mapping.
 *
 * Headers: `X-Idempotency-Key` (the rating id; the same for every attempt of a record),
 * `X-Signature` (hex HMAC-SHA256 of the body bytes with the shared secret), `X-Timestamp` (ms since
 * the epoch at sending; informational, not signed), plus any configured fixed headers. Answers are
 * read with `classifyStatus`: 2xx and 409 acknowledge, 400/413/422 reject the record, the rest are
 * retried. A request (with its answer) that outlasts `timeoutMs` is aborted and retried.
 */
export class GenericJsonAdapter implements UpstreamAdapter {
  readonly #o: Required<Omit<GenericJsonAdapterOptions, 'ackWhen' | 'headers'>> & Pick<GenericJsonAdapterOptions, 'ackWhen' | 'headers'>;

  constructor(opts: GenericJsonAdapterOptions) {
    this.#o = {
      ...opts,
      timeZone: opts.timeZone ?? 'Asia/Shanghai',
      timeoutMs: opts.timeoutMs ?? 10_000,
      scheduler: opts.scheduler ?? systemScheduler,
      // Looked up per call, like systemScheduler, so a test's stub of the global takes effect.
      fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    };
  }

  static fromConfig(config: ResolvedUpstreamConfig, extra: { scheduler?: Scheduler; fetch?: typeof fetch } = {}): GenericJsonAdapter {
    return new GenericJsonAdapter({ ...config, ...extra });
  }

  /** The exact body this row is sent as. Throws if the payload is not JSON. */
  body(row: Pick<OutboxRow, 'payload'>): string {
    return JSON.stringify(buildBody(JSON.parse(row.payload), this.#o.mapping, this.#o.timeZone));
  }

  async deliver(row: OutboxRow): Promise<DeliveryResult> {
    let body: string;
    try {
      body = this.body(row);
    } catch (err) {
      return { outcome: 'rejected', error: `payload: ${(err as Error).message}` };
    }
    const { scheduler, timeoutMs } = this.#o;
    const headers: Record<string, string> = {
      ...this.#o.headers,
      'Content-Type': 'application/json; charset=utf-8',
      'X-Idempotency-Key': row.ratingId,
      'X-Signature': signBody(this.#o.secret, body),
      'X-Timestamp': String(scheduler.now()),
    };
    const abort = new AbortController();
    let timedOut = false;
    const cancel = scheduler.schedule(timeoutMs, () => {
      timedOut = true;
      abort.abort();
    });
    try {
      // A redirect is not followed: a POST sent somewhere else than configured is a config problem.
      const res = await this.#o.fetch(this.#o.endpoint, { method: 'POST', headers, body, signal: abort.signal, redirect: 'manual' });
      const text = await res.text();
      return this.#read(res.status, text, res.headers.get('retry-after'));
    } catch (err) {
      if (timedOut) return { outcome: 'retry', error: `timeout: no answer within ${timeoutMs} ms` };
      return { outcome: 'retry', error: `network: ${describeFetchError(err)}` };
    } finally {
      cancel();
    }
  }

  #read(status: number, text: string, retryAfter: string | null): DeliveryResult {
    const what = `HTTP ${status}${text ? `: ${snippet(text)}` : ''}`;
    const kind = classifyStatus(status);
    switch (kind) {
      case 'acknowledged': {
        const ack = this.#o.ackWhen;
        if (ack) {
          const code = getPath(parseJson(text), ack.path);
          if (!ack.equals.some((v) => v === code)) return { outcome: 'retry', status, error: `${what} (${ack.path} is not an accepted value)` };
        }
        return { outcome: 'acknowledged', status, duplicate: false };
      }
      case 'duplicate':
        // The key is the rating id, so a conflict on it means the platform holds this very record.
        return { outcome: 'acknowledged', status, duplicate: true };
      case 'rejected':
        return { outcome: 'rejected', status, error: what };
      case 'retry': {
        const ms = parseRetryAfter(retryAfter, this.#o.scheduler.now());
        return ms === undefined ? { outcome: 'retry', status, error: what } : { outcome: 'retry', status, error: what, retryAfterMs: ms };
      }
      default: {
        const _exhaustive: never = kind;
        return _exhaustive;
      }
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
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
