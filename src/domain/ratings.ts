/** The five levels of DB3310/T 58 §5.4.3, 5 … 1. */
export const RATING_LABELS: Record<number, { zh: string; en: string }> = {
  5: { zh: '非常满意', en: 'Very satisfied' },
  4: { zh: '满意', en: 'Satisfied' },
  3: { zh: '基本满意', en: 'Basically satisfied' },
  2: { zh: '不满意', en: 'Dissatisfied' },
  1: { zh: '非常不满意', en: 'Very dissatisfied' },
};

/** The offline indicators a resident may give for a bad rating (好差评 scheme). */
export const BASE_BAD_REASONS = ['服务效率', '服务水平', '服务态度'] as const;

/** 不满意 and below open a follow-up. */
export const BAD_LEVEL = 2;

/** `page`: the province's own rating page (the pad shows it); the platform recorded it and told us. */
export type RatingChannel = 'pad' | 'hid' | 'rs485' | 'page';

/** The actor of a rating the province's page recorded and reported back (src/api/province-page-routes.ts). */
export const PROVINCE_PAGE_ACTOR = 'province-page';

export interface RatingState {
  serviceId: string;
  ticketId: string;
  number: string;
  windowId: number;
  staffId: string | null;
  caseNo: string | null;
  itemCode: string | null;
  requestedAt: number;
  expiresAt: number;
  status: 'requested' | 'rated' | 'unrated';
  ratingId: string | null;
  level: number | null;
  reasons: string[];
  comment: string | null;
  channel: RatingChannel | null;
  ratedAt: number | null;
}

export type FollowupStep = 'callback' | 'verification' | 'rectification';

export interface Followup {
  id: string;
  ratingId: string;
  serviceId: string;
  windowId: number;
  staffId: string | null;
  level: number;
  /** Business date by which it must be rectified. */
  deadline: string;
  openedAt: number;
  steps: { step: FollowupStep; note: string; at: number; by: string; satisfied?: boolean | null }[];
  status: 'open' | 'closed';
}

/** A follow-up as `GET /followups` lists it: with whether it is past its deadline and the rating it answers. */
export type FollowupListItem = Followup & { overdue: boolean; rating: RatingState | null };
