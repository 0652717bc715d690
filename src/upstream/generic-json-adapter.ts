import type { Scheduler } from '../../devices/scheduler.ts';
import type { DeliveryResult, UpstreamAdapter } from './adapter.ts';
import type { ResolvedUpstreamConfig, UpstreamConfig, UpstreamMapping } from './config.ts';
import { deliverSigned, fillPostOptions, parseJson, snippet, type FilledPostOptions, type PostOptions } from './http-post.ts';
import { buildBody, getPath } from './mapping.ts';
import type { OutboxRow } from './outbox-store.ts';
import { recordOf } from './record.ts';

export { parseRetryAfter, signBody } from './http-post.ts';

export interface GenericJsonAdapterOptions extends PostOptions {
  mapping: UpstreamMapping;
  /** The body of a follow-up result and of an unrated service, where the hall uploads them. */
  followupMapping?: UpstreamMapping;
  unratedMapping?: UpstreamMapping;
  ackWhen?: UpstreamConfig['ackWhen'];
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
  readonly #o: FilledPostOptions<GenericJsonAdapterOptions>;

  constructor(opts: GenericJsonAdapterOptions) {
    this.#o = fillPostOptions(opts);
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

  deliver(row: OutboxRow): Promise<DeliveryResult> {
    return deliverSigned(row, this.#o, { body: () => this.body(row), contentType: 'application/json; charset=utf-8', readReply: (status, text) => this.#readReply(status, text) });
  }

  /** A 2xx is the platform's yes, unless `ackWhen` names the field of its body that must say so. */
  #readReply(status: number, text: string): DeliveryResult {
    const ack = this.#o.ackWhen;
    if (ack) {
      const code = getPath(parseJson(text), ack.path);
      if (!ack.equals.some((v) => v === code)) return { outcome: 'retry', status, error: `HTTP ${status}${text ? `: ${snippet(text)}` : ''} (${ack.path} is not an accepted value)` };
    }
    return { outcome: 'acknowledged', status, duplicate: false };
  }
}
