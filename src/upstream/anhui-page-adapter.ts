import type { Scheduler } from '../../devices/scheduler.ts';
import type { DeliveryResult, UpstreamAdapter } from './adapter.ts';
import type { ResolvedUpstreamConfig, UpstreamCodes } from './config.ts';
import { deliverSigned, fillPostOptions, parseJson, snippet, type FilledPostOptions, type PostOptions } from './http-post.ts';
import { formatDateTime } from './mapping.ts';
import type { OutboxRow } from './outbox-store.ts';
import { evalDetail, itemOf, presentFields, reviewFields, type Field } from './province-fields.ts';
import type { CaseRecord, FollowupRecord, RatingRecord } from './record.ts';

export interface AnhuiPageAdapterOptions extends PostOptions {
  codes: UpstreamCodes;
  /** The province's rating page the pad shows. */
  pageUrl: string;
}

/** The platform already holds this service (the Epoint-style clients treat it as success). */
const ALREADY_THERE = /已存在/;

/** What the pad puts in the page's URL: the case, never the applicant. */
export interface PageCase {
  serviceNumber: string;
  projectNo: string | null;
  taskCode: string | null;
  deptCode: string | null;
  areaCode: string | null;
  pf: string;
}

/**
 * The province's own rating page, Anhui style: when a service ends the hub pushes the case (with
 * its applicant) as `{"params": {...}}` JSON, service data first as the province's rating needs it;
 * the pad shows the province's page with the case in its URL (base64 twice); the province records
 * the rating and reports it back (src/api/province-page-routes.ts). Follow-up results go the same
 * way as the case. Answers: `{"status":{"code":"200"},"custom":{"code":"1","text":…}}`.
 */
export class AnhuiPageAdapter implements UpstreamAdapter {
  readonly #o: FilledPostOptions<AnhuiPageAdapterOptions>;

  constructor(opts: AnhuiPageAdapterOptions) {
    this.#o = fillPostOptions(opts);
  }

  static fromConfig(config: ResolvedUpstreamConfig, extra: { scheduler?: Scheduler; fetch?: typeof fetch } = {}): AnhuiPageAdapter {
    if (!config.codes || !config.pageUrl) throw new Error('the anhui-page adapter needs codes and pageUrl (resolveUpstreamConfig checks this)');
    return new AnhuiPageAdapter({ ...config, codes: config.codes, pageUrl: config.pageUrl, ...extra });
  }

  /** The page the pad shows for a service: the province's URL with the case encoded as its page reads it. */
  pageUrl(c: { serviceId: string; caseNo: string | null; itemCode: string | null }): string {
    const item = itemOf(this.#o.codes, c.itemCode);
    const param: PageCase = { serviceNumber: c.serviceId, projectNo: c.caseNo, taskCode: item ? c.itemCode : null, deptCode: item?.deptCode ?? null, areaCode: item?.areaCode ?? null, pf: this.#o.codes.channels.page };
    const once = Buffer.from(JSON.stringify(param), 'utf8').toString('base64');
    const twice = Buffer.from(once, 'utf8').toString('base64');
    return `${this.#o.pageUrl}${this.#o.pageUrl.includes('?') ? '&' : '?'}param=${encodeURIComponent(twice)}`;
  }

  /** The body's `params`, without empty fields (the platform refuses what is missing, in its own words). */
  params(row: Pick<OutboxRow, 'payload' | 'applicant' | 'kind'>): Record<string, string> {
    const { codes, timeZone } = this.#o;
    const out: Field[] = [];
    if (row.kind === 'followup') {
      const f = JSON.parse(row.payload) as FollowupRecord;
      out.push(
        ['serviceNumber', f.serviceId],
        ['projectNo', f.caseNo],
        ...reviewFields(f, timeZone),
      );
    } else if (row.kind === 'rating') {
      // A key pad (HID, RS-485) at a counter whose tablet shows the province's page: the level goes after the case.
      const r = JSON.parse(row.payload) as RatingRecord;
      out.push(
        ['serviceNumber', r.serviceId],
        ['projectNo', r.caseNo],
        ['satisfaction', String(r.level)],
        ['evalDetail', evalDetail(codes, r.reasons)],
        ['writingEvaluation', r.comment],
        ['assessTime', formatDateTime(r.ratedAt, timeZone)],
        ['pf', r.channel === 'page' ? codes.channels.page : codes.channels[r.channel]],
      );
    } else {
      const c = JSON.parse(row.payload) as CaseRecord;
      const item = itemOf(this.#o.codes, c.itemCode);
      const a = row.applicant;
      out.push(
        ['serviceNumber', c.serviceId],
        ['serviceName', item?.name],
        ['serviceTime', formatDateTime(c.requestedAt, timeZone)],
        ['projectNo', c.caseNo],
        ['projectName', item?.name],
        ['taskCode', item ? c.itemCode : null],
        ['taskName', item?.name],
        ['taskType', item ? (item.caseType === 'immediate' ? '1' : '2') : null],
        ['deptCode', item?.deptCode],
        ['areaCode', item?.areaCode],
        ['orgcode', item ? `${item.areaCode}_${item.deptCode}` : null],
        ['orgName', item?.deptName],
        ['proStatus', item ? (item.caseType === 'immediate' ? '3' : '2') : null],
        ['proManager', c.staffName],
        ['promiseDay', item ? String(item.promisedDays ?? 0) : null],
        ['userName', a?.name],
        ['userProp', a ? (a.type === 'person' ? '1' : '2') : null],
        // 111: resident ID card; 001: unified social credit code (our reading of the document-type list).
        ['creditType', a ? (a.type === 'person' ? '111' : '001') : null],
        ['creditNum', a?.id],
        ['certKeyGOV', a?.id],
        ['dataSource', codes.dataSource],
      );
    }
    return Object.fromEntries(presentFields(out));
  }

  body(row: Pick<OutboxRow, 'payload' | 'applicant' | 'kind'>): string {
    return JSON.stringify({ params: this.params(row) });
  }

  deliver(row: OutboxRow): Promise<DeliveryResult> {
    return deliverSigned(row, this.#o, { body: () => this.body(row), contentType: 'application/json; charset=utf-8', readReply: readCustom });
  }
}

/** `{"status":{"code":"200"},"custom":{"code":"1","text":…}}`: accepted, already there, or refused in the platform's words. */
export function readCustom(status: number, text: string): DeliveryResult {
  const reply = parseJson(text) as { status?: { code?: unknown }; custom?: { code?: unknown; text?: unknown } } | undefined;
  if (String(reply?.status?.code) !== '200' || reply?.custom?.code === undefined) return { outcome: 'retry', status, error: `HTTP ${status}: not the platform's answer: ${snippet(text)}` };
  const msg = typeof reply.custom.text === 'string' ? reply.custom.text : '';
  if (String(reply.custom.code) === '1') return { outcome: 'acknowledged', status, duplicate: false };
  if (ALREADY_THERE.test(msg)) return { outcome: 'acknowledged', status, duplicate: true };
  return { outcome: 'rejected', status, error: `custom.code ${String(reply.custom.code)}: ${msg || snippet(text)}` };
}
