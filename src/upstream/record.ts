import type { EventOf } from '../domain/events.ts';

/**
 * The applicant the platform files a rating under: a person (full ID number, GB 11643) or a company
 * (unified social credit code, GB 32100), with the name. Only ever in memory, or sealed in the
 * outbox row (applicant-seal.ts); never in the log, a projection, a socket or a screen.
 */
export interface Applicant {
  type: 'person' | 'company';
  name: string;
  /** The ID number or the credit code, upper case. */
  id: string;
}

/**
 * What an outbox row is a record of:
 * - `rating`: a resident's rating (`rating.recorded`);
 * - `unrated`: a service nobody rated, for a platform that records its own default (config `unrated`);
 * - `followup`: the result of a bad rating's call-back or rectification (回访, 整改);
 * - `case`: a service's case and applicant, pushed for the province's own rating page (anhui-page).
 */
export type RecordKind = 'rating' | 'unrated' | 'followup' | 'case';

/** The service and its case, as the records made of it (not of a rating) carry them. */
interface ServiceCase {
  serviceId: string;
  ticketId: string;
  number: string;
  windowId: number;
  staffId: string | null;
  staffName: string | null;
  caseNo: string | null;
  itemCode: string | null;
  requestedAt: number;
}

/** A service's case, pushed for the province's page to be rated against (anhui-page). */
export interface CaseRecord extends ServiceCase {
  itemName: string | null;
}

/** The data of the event a rating row is built from. */
export type RatingRecord = EventOf<'rating.recorded'>['data'];

/** An unrated service as its row records it (projections.ts): the service, its case and when it expired. */
export interface UnratedRecord extends ServiceCase {
  at: number;
}

/** A follow-up result as its row records it: the rating it answers, the case, the step and what was done. */
export interface FollowupRecord {
  followupId: string;
  ratingId: string;
  serviceId: string;
  caseNo: string | null;
  itemCode: string | null;
  level: number;
  step: 'callback' | 'rectification';
  note: string;
  satisfied: boolean | null;
  closed: boolean;
  by: string;
  at: number;
}

/** The record as the generic mapping reads it: the row's event data, plus `applicant` when held. */
export function recordOf(row: { payload: string; applicant?: Applicant | null; kind?: RecordKind }): Record<string, unknown> {
  const data = JSON.parse(row.payload) as Record<string, unknown>;
  return {
    ...data,
    ...(row.kind && row.kind !== 'rating' ? { kind: row.kind } : {}),
    ...(row.applicant ? { applicant: { ...row.applicant } } : {}),
  };
}
