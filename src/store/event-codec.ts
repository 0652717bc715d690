import { businessDate } from '../domain/calendar.ts';
import type { Actor } from '../domain/commands.ts';
import type { EventType, HallEvent } from '../domain/events.ts';
import { RATING_LABELS } from '../domain/ratings.ts';

/** What the log knows of the hall to leave out what follows from it; fixed for a hall's life. */
export interface CodecContext {
  timeZone: string;
  /** `ratings.timeoutSec` in ms: a rating request expires this long after it was made. */
  ratingTimeoutMs: number;
}

/**
 * How an event is written in the log: plain JSON an auditor reads with `sqlite3`, without what it
 * would only repeat. A field at its default (null, false, 0, an empty list) is left out, a time equal
 * to the envelope's `at` is left out, and a ticket number is not spelt twice; reading puts each back.
 * Only the fields listed here are ever left out, so a field added to an event is written in full
 * until someone lists it. About half the bytes of the verbose form (issue #11: disk per ticket).
 */

/** Fields left out at these values, per event type. */
const DEFAULTS: Partial<Record<EventType, Record<string, unknown>>> = {
  'ticket.issued': { priorityGroup: null, priorityBy: null, holder: null, phoneMasked: null, appointmentCode: null, kioskId: null, extended: false, source: 'kiosk' },
  'ticket.called': { staffId: null, recall: false, recalls: 0, reason: null },
  'ticket.started': { staffId: null },
  'ticket.completed': { staffId: null, caseNo: null, itemCode: null },
  'ticket.no_show': { staffId: null },
  'ticket.transferred': { staffId: null, toWindowId: null, note: null },
  'ticket.cancelled': { windowId: null, staffId: null, reason: null },
  'ticket.abandoned_at_close': { windowId: null, staffId: null },
  'window.opened': { replacedStaffId: null },
  'window.closed': { staffId: null },
  'window.paused': { staffId: null },
  'window.resumed': { staffId: null },
  'appointment.booked': { holderHmac: null, nameMasked: null, phoneMasked: null },
  'rating.requested': { staffId: null, staff: null, caseNo: null, itemCode: null, itemName: null },
  'rating.recorded': { staffId: null, staffName: null, caseNo: null, itemCode: null, itemName: null, holder: null, reasons: [], comment: null },
  'rating.unrated': { staffId: null },
  'followup.opened': { staffId: null },
  'followup.updated': { closed: false },
};

/** Time fields that usually equal the envelope's `at` (the moment the command was decided). */
const AT_FIELDS: Partial<Record<EventType, readonly string[]>> = {
  'ticket.issued': ['issuedAt'],
  'ticket.called': ['calledAt'],
  'ticket.started': ['startedAt'],
  'ticket.completed': ['endedAt'],
  'ticket.no_show': ['at'],
  'ticket.transferred': ['at'],
  'ticket.cancelled': ['at'],
  'ticket.abandoned_at_close': ['at'],
  'window.opened': ['at'],
  'window.closed': ['at'],
  'window.paused': ['at'],
  'window.resumed': ['at'],
  'appointment.booked': ['bookedAt'],
  'rating.requested': ['requestedAt'],
  'rating.recorded': ['ratedAt'],
  'rating.unrated': ['at'],
  'followup.opened': ['openedAt'],
  'followup.updated': ['at'],
  'clock.jumped': ['at'],
  'hall.congested': ['at'],
  'hall.cleared': ['at'],
  'assessment.deducted': ['at'],
  'assessment.revoked': ['at'],
  'case.completed': ['completedAt'],
};

function isDefault(value: unknown, def: unknown): boolean {
  if (value === def) return true;
  return Array.isArray(value) && Array.isArray(def) && value.length === 0 && def.length === 0;
}

/**
 * Fields that follow from the envelope (`seq`, `at`), the event's other fields or the context, per
 * type: left out when they do, recomputed on reading. Each rule is checked before a field is dropped,
 * so an event that breaks the pattern keeps the field.
 */
const DERIVED: Partial<Record<EventType, Record<string, (d: Readonly<Record<string, unknown>>, seq: number, at: number, c: CodecContext) => unknown>>> = {
  'ticket.issued': {
    // A012 is prefix A, serial 12.
    prefix: (d) => splitNumber(String(d.number))?.prefix,
    serial: (d) => splitNumber(String(d.number))?.serial,
    businessDate: (_d, _s, at, c) => businessDate(at, c.timeZone),
    orderKey: (_d, seq) => seq,
  },
  'ticket.transferred': { waitSeq: (_d, seq) => seq },
  'rating.requested': { expiresAt: (d, _s, _at, c) => (d.requestedAt as number) + c.ratingTimeoutMs },
  'rating.recorded': { label: (d) => RATING_LABELS[d.level as number]?.zh },
};

/** The `data` column of an event. */
export function encodeData(type: EventType, data: Readonly<Record<string, unknown>>, seq: number, at: number, c: CodecContext): string {
  const defaults = DEFAULTS[type];
  const atFields = AT_FIELDS[type];
  const derived = DERIVED[type];
  // Derived values are checked on the full data, before anything is left out.
  const full = { ...data };
  for (const k of atFields ?? []) if (full[k] === undefined) full[k] = at;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined) continue;
    if (defaults && k in defaults && isDefault(v, defaults[k])) continue;
    if (atFields?.includes(k) && v === at) continue;
    if (derived && k in derived && sameValue(derived[k]!(full, seq, at, c), v)) continue;
    out[k] = compactNested(type, k, v, data);
  }
  return JSON.stringify(out);
}

/** Inside a field: a call's reason names the ticket's own category; a pad's clerk card repeats the staff id. */
function compactNested(type: EventType, key: string, v: unknown, data: Readonly<Record<string, unknown>>): unknown {
  if (type === 'ticket.called' && key === 'reason' && v && typeof v === 'object') {
    const r = v as Record<string, unknown>;
    if (r.categoryId === data.categoryId) {
      const { categoryId: _c, ...rest } = r;
      return rest;
    }
  }
  if (type === 'rating.requested' && key === 'staff' && v && typeof v === 'object') {
    const s = v as Record<string, unknown>;
    const out: Record<string, unknown> = { ...s };
    if (s.jobNo === data.staffId) delete out.jobNo;
    if (s.photo === null) delete out.photo;
    return out;
  }
  return v;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b;
}

function splitNumber(number: string): { prefix: string; serial: number } | null {
  const m = /^([A-Z]+)(\d+)$/.exec(number);
  return m ? { prefix: m[1]!, serial: Number(m[2]) } : null;
}

/** The event's data as the hub uses it, whether the row is compact or from before compaction. */
export function decodeData(type: EventType, json: string, seq: number, at: number, c: CodecContext): HallEvent['data'] {
  const data = JSON.parse(json) as Record<string, unknown>;
  const defaults = DEFAULTS[type];
  if (defaults) for (const [k, v] of Object.entries(defaults)) if (!(k in data)) data[k] = Array.isArray(v) ? [] : v;
  for (const k of AT_FIELDS[type] ?? []) if (!(k in data)) data[k] = at;
  const derived = DERIVED[type];
  if (derived) for (const [k, f] of Object.entries(derived)) if (!(k in data)) data[k] = f(data, seq, at, c);
  if (type === 'ticket.called' && data.reason && typeof data.reason === 'object' && !('categoryId' in data.reason)) {
    data.reason = { ...(data.reason as object), categoryId: data.categoryId };
  }
  if (type === 'rating.requested' && data.staff && typeof data.staff === 'object') {
    const s = data.staff as Record<string, unknown>;
    data.staff = { name: s.name, jobNo: s.jobNo ?? data.staffId, photo: s.photo ?? null };
  }
  return data as HallEvent['data'];
}

/**
 * The `actor` column: `staff:1001:clerk`, `device:pad-3:pad:3` (the window last), `system:day-closer`.
 * Ids are config ids (letters, digits, `_` and `-`), so `:` never appears inside one.
 */
export function encodeActor(a: Actor): string {
  switch (a.kind) {
    case 'staff':
      return `staff:${a.id}:${a.role}`;
    case 'device':
      return a.windowId !== undefined ? `device:${a.id}:${a.deviceKind}:${a.windowId}` : `device:${a.id}:${a.deviceKind}`;
    case 'system':
      return `system:${a.id}`;
    default: {
      const _exhaustive: never = a;
      return _exhaustive;
    }
  }
}

export function decodeActor(s: string): Actor {
  if (s.startsWith('{')) return JSON.parse(s) as Actor; // a row from before compaction
  const [kind, id = '', third, fourth] = s.split(':');
  if (kind === 'staff') return { kind, id, role: third as Extract<Actor, { kind: 'staff' }>['role'] };
  if (kind === 'device') return { kind, id, deviceKind: third ?? '', ...(fourth !== undefined ? { windowId: Number(fourth) } : {}) };
  return { kind: 'system', id };
}
