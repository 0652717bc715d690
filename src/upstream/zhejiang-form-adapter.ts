import type { Scheduler } from '../../devices/scheduler.ts';
import type { DeliveryResult, UpstreamAdapter } from './adapter.ts';
import type { ResolvedUpstreamConfig, UpstreamCodes } from './config.ts';
import { deliverSigned, fillPostOptions, parseJson, snippet, type FilledPostOptions, type PostOptions } from './http-post.ts';
import { formatDateTime } from './mapping.ts';
import type { OutboxRow } from './outbox-store.ts';
import { evalDetail, itemOf, presentFields, reviewFields, type Field } from './province-fields.ts';
import type { FollowupRecord, RatingRecord, UnratedRecord } from './record.ts';

export interface ZhejiangFormAdapterOptions extends PostOptions {
  codes: UpstreamCodes;
  /** `result` values meaning accepted. Default `['0']`. */
  acceptResults?: string[];
}

/** The platform says it already holds the record (the Epoint-style clients' 「已存在」, docs/upstream.md). */
const ALREADY_THERE = /已存在|重复/;

/**
 * The pushed evaluation report of the Zhejiang kind (`offlinereport`): one POST of form parameters,
 * UTF-8, every value a string; the platform answers `{"result": …, "resultmsg": …}`.
 *
 * Every code comes from config (`codes`): the channel per source, the indicator code per reason,
 * and the item's department, area, name and case type from the items table. A field we do not
 * have is left out, never sent empty or made up: the platform then refuses the record with its own
 * message, which the dead letter keeps for the manager (a missing item code in the config, say).
 */
export class ZhejiangFormAdapter implements UpstreamAdapter {
  readonly #o: FilledPostOptions<ZhejiangFormAdapterOptions> & { acceptResults: string[] };

  constructor(opts: ZhejiangFormAdapterOptions) {
    this.#o = { ...fillPostOptions(opts), acceptResults: opts.acceptResults ?? ['0'] };
  }

  static fromConfig(config: ResolvedUpstreamConfig, extra: { scheduler?: Scheduler; fetch?: typeof fetch } = {}): ZhejiangFormAdapter {
    if (!config.codes) throw new Error('the zhejiang-form adapter needs codes (resolveUpstreamConfig checks this)');
    return new ZhejiangFormAdapter({ ...config, codes: config.codes, ...extra });
  }

  /** The form fields of a row, in a stable order (the signature covers the exact bytes). */
  fields(row: Pick<OutboxRow, 'payload' | 'applicant' | 'kind'>): [string, string][] {
    const out = row.kind === 'followup' ? this.#followupFields(JSON.parse(row.payload) as FollowupRecord) : this.#reportFields(row);
    return presentFields(out);
  }

  /**
   * The evaluation report: a rating, or an unrated service on channel 7 (系统默认评价) with no level,
   * the platform recording its own default: the level is the platform's act, never ours.
   */
  #reportFields(row: Pick<OutboxRow, 'payload' | 'applicant' | 'kind'>): Field[] {
    const { codes, timeZone } = this.#o;
    const unrated = row.kind === 'unrated';
    const r = JSON.parse(row.payload) as RatingRecord & UnratedRecord;
    const item = itemOf(this.#o.codes, r.itemCode);
    return [
      ['areaCode', item?.areaCode],
      ['areaName', item?.areaName],
      ['deptCode', item?.deptCode],
      ['taskCode', item ? r.itemCode : null],
      ['taskName', item?.name],
      ['subMatter', item?.subMatter],
      ['projectNo', r.caseNo],
      // 即办件 are done when the window completes them; 承诺件 are still being handled.
      ['proStatus', item ? (item.caseType === 'immediate' ? '3' : '2') : null],
      ['proDepart', item?.deptName],
      ['proManager', r.staffName],
      ['pf', unrated ? codes.channels.systemDefault : codes.channels[r.channel]],
      ['certkeyGOV', row.applicant?.id],
      ['userName', row.applicant?.name],
      ['userProp', row.applicant ? (row.applicant.type === 'person' ? '1' : '2') : null],
      ['satisfaction', unrated ? null : String(r.level)],
      ['evalDetail', unrated ? null : evalDetail(codes, r.reasons)],
      ['writingEvaluation', unrated ? null : r.comment],
      ['assessTime', formatDateTime(unrated ? r.at : r.ratedAt, timeZone)],
      ['assessNumber', '1'],
      ['promiseTime', item ? (item.caseType === 'promised' ? '1' : '2') : null],
      // The case was accepted at the window; the service's end is when the hub learns it.
      ['acceptDate', formatDateTime(r.requestedAt, timeZone)],
      ['dataSource', codes.dataSource],
    ];
  }

  /**
   * A follow-up result (回访 or 整改) of a bad rating, filed by the case it answers. The public
   * sources give no field list for it; these names are ours, in the report's style (docs/upstream.md).
   */
  #followupFields(f: FollowupRecord): Field[] {
    const item = itemOf(this.#o.codes, f.itemCode);
    return [
      ['areaCode', item?.areaCode],
      ['deptCode', item?.deptCode],
      ['taskCode', item ? f.itemCode : null],
      ['projectNo', f.caseNo],
      ['assessNumber', '1'],
      ...reviewFields(f, this.#o.timeZone),
      ['dataSource', this.#o.codes.dataSource],
    ];
  }

  body(row: Pick<OutboxRow, 'payload' | 'applicant' | 'kind'>): string {
    return new URLSearchParams(this.fields(row)).toString();
  }

  deliver(row: OutboxRow): Promise<DeliveryResult> {
    return deliverSigned(row, this.#o, {
      body: () => this.body(row),
      contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
      readReply: (status, text) => readResult(status, text, this.#o.acceptResults),
    });
  }
}

/**
 * A 2xx with `{result, resultmsg}`: accepted, already there (a re-send after a lost answer), or
 * refused with the platform's own message. A body we cannot read is retried: the platform or a
 * gateway in front of it is not answering as itself.
 */
export function readResult(status: number, text: string, accept: readonly string[]): DeliveryResult {
  const reply = parseJson(text) as { result?: unknown; resultmsg?: unknown } | undefined;
  const result = reply && typeof reply === 'object' ? reply.result : undefined;
  if (result === undefined || result === null) return { outcome: 'retry', status, error: `HTTP ${status}: no result in the reply: ${snippet(text)}` };
  const msg = typeof reply?.resultmsg === 'string' ? reply.resultmsg : '';
  if (accept.includes(String(result))) return { outcome: 'acknowledged', status, duplicate: false };
  if (ALREADY_THERE.test(msg)) return { outcome: 'acknowledged', status, duplicate: true };
  return { outcome: 'rejected', status, error: `result ${String(result)}: ${msg || snippet(text)}` };
}
