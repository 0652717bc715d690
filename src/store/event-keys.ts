import type { EventType } from '../domain/events.ts';

/**
 * The short names the log writes for the event fields (issue #11: half of a ticket's bytes in the log
 * were field names). Two lowercase letters each, none of them a field name itself, so a row written
 * before this (full names) reads back unchanged. A field not listed is written in full. The table
 * `event_keys` holds this list and the view `events_readable` puts the full names back for an auditor
 * with `sqlite3` (docs/event-log.md).
 *
 * Never reuse or change a short name: rows written with it must keep their meaning.
 */
export const EVENT_KEYS: Readonly<Record<string, string>> = {
  ticketId: 'tk',
  serviceId: 'sv',
  number: 'nu',
  categoryId: 'ca',
  windowId: 'wi',
  staffId: 'sf',
  callId: 'cl',
  recall: 'rc',
  recalls: 'rn',
  reason: 're',
  rule: 'ru',
  maxWaitMin: 'mw',
  streak: 'sk',
  priorityGroup: 'pg',
  priorityBy: 'pb',
  holder: 'ho',
  hmac: 'hm',
  idMasked: 'im',
  nameMasked: 'nm',
  birthYear: 'yb',
  phoneMasked: 'ph',
  appointmentCode: 'ac',
  source: 'so',
  kioskId: 'ki',
  estimate: 'es',
  ahead: 'ah',
  minutes: 'mi',
  low: 'lo',
  high: 'hi',
  openWindows: 'ow',
  extended: 'ex',
  issuedAt: 'ia',
  prefix: 'px',
  serial: 'se',
  businessDate: 'bd',
  orderKey: 'ok',
  calledAt: 'cd',
  startedAt: 'sa',
  endedAt: 'ea',
  caseNo: 'cn',
  itemCode: 'ic',
  itemName: 'in',
  caseType: 'ct',
  promisedBy: 'py',
  ratingId: 'ri',
  level: 'lv',
  label: 'lb',
  channel: 'ch',
  reasons: 'rs',
  comment: 'cm',
  requestedAt: 'rq',
  expiresAt: 'xa',
  ratedAt: 'ra',
  staff: 'st',
  staffName: 'sn',
  name: 'na',
  jobNo: 'jn',
  photo: 'po',
  followupId: 'fi',
  deadline: 'dl',
  openedAt: 'oa',
  step: 'sp',
  note: 'nt',
  closed: 'cs',
  satisfied: 'sy',
  fromServiceId: 'fs',
  toServiceId: 'ts',
  fromWindowId: 'fw',
  toWindowId: 'tw',
  fromCategoryId: 'fc',
  toCategoryId: 'tc',
  placement: 'pl',
  waitSeq: 'ws',
  replacedStaffId: 'rp',
  role: 'rl',
  code: 'co',
  slotStart: 'ss',
  slotEnd: 'sd',
  holderHmac: 'hh',
  bookedAt: 'bk',
  byDevice: 'bv',
  notices: 'no',
  slot: 'sl',
  live: 'li',
  categories: 'cg',
  windows: 'wd',
  windowsOpen: 'wo',
  clerks: 'ck',
  issued: 'is',
  called: 'cc',
  served: 'sr',
  noShow: 'ns',
  transfersIn: 'ti',
  transfersOut: 'tt',
  waitingEnd: 'we',
  waitMax: 'wx',
  waitMean: 'wm',
  waitP90: 'w9',
  handleMean: 'hn',
  appointments: 'ap',
  extendedIssued: 'xi',
  open: 'op',
  measure: 'me',
  value: 'va',
  threshold: 'th',
  since: 'si',
  deductionId: 'di',
  points: 'pt',
  completedAt: 'cp',
  onTime: 'ot',
  fromAt: 'fa',
  toAt: 'ta',
  deltaMs: 'dm',
  detectedAt: 'dt',
};

/** Short name → full name. */
export const EVENT_KEYS_BACK: ReadonlyMap<string, string> = new Map(Object.entries(EVENT_KEYS).map(([long, short]) => [short, long]));

/**
 * The `type` column's short codes: two capitals, never a `.`, so a row of either form reads the same.
 * The table `event_types` holds them for `events_readable`. Never reuse or change a code.
 */
export const EVENT_TYPE_CODES: Readonly<Record<EventType, string>> = {
  'ticket.issued': 'TI',
  'appointment.booked': 'AB',
  'ticket.called': 'TC',
  'ticket.started': 'TS',
  'ticket.completed': 'TD',
  'ticket.no_show': 'TN',
  'ticket.transferred': 'TT',
  'ticket.cancelled': 'TX',
  'ticket.abandoned_at_close': 'TA',
  'window.opened': 'WO',
  'window.closed': 'WC',
  'window.paused': 'WP',
  'window.resumed': 'WR',
  'notice.updated': 'NU',
  'rating.requested': 'RQ',
  'rating.recorded': 'RR',
  'rating.unrated': 'RU',
  'followup.opened': 'FO',
  'followup.updated': 'FU',
  'flow.recorded': 'FR',
  'hall.congested': 'HC',
  'hall.cleared': 'HL',
  'assessment.deducted': 'AD',
  'assessment.revoked': 'AR',
  'case.completed': 'CC',
  'clock.jumped': 'CJ',
  'appointment.cancelled': 'AX',
  'appointment.missed': 'AM',
  'appointment.late': 'AL',
};

const TYPE_NAMES: ReadonlyMap<string, EventType> = new Map(Object.entries(EVENT_TYPE_CODES).map(([name, code]) => [code, name as EventType]));

/** A `type` column's event type, whether written as a code or in full (rows from before codes). */
export function typeOfColumn(column: string): EventType {
  return TYPE_NAMES.get(column) ?? (column as EventType);
}

/** Both forms of event types, for SQL that filters the log by type: `type IN (…)`. */
export function typeColumnValues(...types: EventType[]): string {
  return types.flatMap((t) => [`'${t}'`, `'${EVENT_TYPE_CODES[t]}'`]).join(', ');
}
