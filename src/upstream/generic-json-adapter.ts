import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import type { DeliveryResult, UpstreamAdapter } from './adapter.ts';
import type { ResolvedUpstreamConfig, UpstreamConfig, UpstreamMapping } from './config.ts';
import { parseJson, postSigned, resultOfStatus, snippet } from './http-post.ts';
import { buildBody, getPath } from './mapping.ts';
import type { OutboxRow } from './outbox-store.ts';
import { recordOf } from './record.ts';

export { parseRetryAfter, signBody } from './http-post.ts';

export interface GenericJsonAdapterOptions {
  endpoint: string;
  secret: string;
  mapping: UpstreamMapping;
  /** The body of a follow-up result and of an unrated service, where the hall uploads them. */
  followupMapping?: UpstreamMapping;
  unratedMapping?: UpstreamMapping;
  /** Follow-up results go here when set; else to `endpoint`. */
  followupEndpoint?: string;
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
  readonly #o: Required<Omit<GenericJsonAdapterOptions, 'ackWhen' | 'headers' | 'followupMapping' | 'unratedMapping' | 'followupEndpoint'>> &
    Pick<GenericJsonAdapterOptions, 'ackWhen' | 'headers' | 'followupMapping' | 'unratedMapping' | 'followupEndpoint'>;

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
    if (!config.mapping) throw new Error('the generic-json adapter needs a mapping (resolveUpstreamConfig checks this)');
    return new GenericJsonAdapter({ ...config, mapping: config.mapping, ...extra });
  }

  /** The exact body this row is sent as: the record (with `applicant` when held) through the mapping. Throws if the payload is not JSON. */
  body(row: Pick<OutboxRow, 'payload'> & Partial<Pick<OutboxRow, 'applicant' | 'kind'>>): string {
    const kind = row.kind ?? 'rating';
    const mapping = kind === 'followup' ? this.#o.followupMapping : kind === 'unrated' ? this.#o.unratedMapping : this.#o.mapping;
    if (!mapping) throw new Error(`no ${kind}Mapping is configured for a ${kind} record`);
    return JSON.stringify(buildBody(recordOf(row), mapping, this.#o.timeZone));
  }

  async deliver(row: OutboxRow): Promise<DeliveryResult> {
    let body: string;
    try {
      body = this.body(row);
    } catch (err) {
      return { outcome: 'rejected', error: `payload: ${(err as Error).message}` };
    }
    const { scheduler, timeoutMs } = this.#o;
    const answer = await postSigned({
      endpoint: row.kind === 'followup' ? (this.#o.followupEndpoint ?? this.#o.endpoint) : this.#o.endpoint,
      secret: this.#o.secret,
      key: row.ratingId,
      body,
      contentType: 'application/json; charset=utf-8',
      ...(this.#o.headers ? { headers: this.#o.headers } : {}),
      timeoutMs,
      scheduler,
      fetch: this.#o.fetch,
    });
    if ('outcome' in answer) return answer;
    const { status, text } = answer;
    const other = resultOfStatus(status, text, answer.retryAfter, scheduler.now());
    if (other) return other;
    const ack = this.#o.ackWhen;
    if (ack) {
      const code = getPath(parseJson(text), ack.path);
      if (!ack.equals.some((v) => v === code)) return { outcome: 'retry', status, error: `HTTP ${status}${text ? `: ${snippet(text)}` : ''} (${ack.path} is not an accepted value)` };
    }
    return { outcome: 'acknowledged', status, duplicate: false };
  }
}
