import { businessDate } from '../domain/calendar.ts';
import type { Actor } from '../domain/commands.ts';
import type { EventType, HallEvent } from '../domain/events.ts';
import { RATING_LABELS } from '../domain/ratings.ts';
import { firstServiceIdOf } from '../ids.ts';
import { holderKey } from '../personal/holder-key.ts';
import { EVENT_KEYS, EVENT_KEYS_BACK } from './event-keys.ts';

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
 * until someone lists it. Field names are written short (`event-keys.ts`), a staff id or window that
 * is the actor's own is not written again, and nested records (an estimate, the rows of a flow record)
 * leave out their zeros. A row of any earlier form reads back unchanged. About a quarter of the bytes of
 * the verbose form (issue #11: disk per ticket).
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
  'appointment.booked': { holderHmac: null, nameMasked: null, phoneMasked: null, idMasked: null, channel: 'staff', byDevice: null },
  'appointment.cancelled': { reason: null },
  'appointment.missed': { holderHmac: null },
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
  'appointment.cancelled': ['at'],
  'appointment.missed': ['at'],
  'appointment.late': ['at'],
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
type Derive = (d: Readonly<Record<string, unknown>>, seq: number, at: number, c: CodecContext) => unknown;

/** A ticket's first service has an id made from the ticket's (`firstServiceIdOf`). */
const firstService: Derive = (d) => (typeof d.ticketId === 'string' ? firstServiceIdOf(d.ticketId) : undefined);

const DERIVED: Partial<Record<EventType, Record<string, Derive>>> = {
  'ticket.issued': {
    // A012 is prefix A, serial 12.
    prefix: (d) => splitNumber(String(d.number))?.prefix,
    serial: (d) => splitNumber(String(d.number))?.serial,
    businessDate: (_d, _s, at, c) => businessDate(at, c.timeZone),
    orderKey: (_d, seq) => seq,
    serviceId: firstService,
  },
  'ticket.called': { serviceId: firstService },
  'ticket.started': { serviceId: firstService },
  'ticket.completed': { serviceId: firstService },
  'ticket.no_show': { serviceId: firstService },
  'ticket.cancelled': { serviceId: firstService },
  'ticket.abandoned_at_close': { serviceId: firstService },
  'ticket.transferred': { waitSeq: (_d, seq) => seq },
  'rating.requested': { expiresAt: (d, _s, _at, c) => (d.requestedAt as number) + c.ratingTimeoutMs, serviceId: firstService },
  'rating.recorded': { label: (d) => RATING_LABELS[d.level as number]?.zh, serviceId: firstService },
  'rating.unrated': { serviceId: firstService },
};

/** Types whose `staffId` is, nearly always, the clerk who acted: left out when it is the actor's id. */
const STAFF_OF_ACTOR: ReadonlySet<EventType> = new Set([
  'ticket.called',
  'ticket.started',
  'ticket.completed',
  'ticket.no_show',
  'ticket.transferred',
  'ticket.cancelled',
  'window.opened',
  'window.closed',
  'window.paused',
  'window.resumed',
  'rating.requested',
]);

/** Types whose `windowId` is, nearly always, the acting device's window (a counter's pad). */
const WINDOW_OF_ACTOR: ReadonlySet<EventType> = new Set(['rating.recorded', 'rating.unrated', 'followup.opened']);

/** Zeros (and `false`, `null`) left out inside nested records, per type and field; put back on reading. */
const NESTED_DEFAULTS: Partial<Record<EventType, Record<string, Record<string, unknown>>>> = {
  'ticket.issued': { estimate: { ahead: 0, minutes: 0, low: 0, high: 0 } },
  'flow.recorded': {
    categories: flowRowDefaults(),
    windows: { ...flowRowDefaults(), open: false, staffId: null },
  },
};

function flowRowDefaults(): Record<string, unknown> {
  const zero: Record<string, unknown> = {};
  for (const k of ['issued', 'called', 'served', 'noShow', 'transfersIn', 'transfersOut', 'waitingEnd', 'waitMax', 'waitMean', 'waitP90', 'handleMean', 'appointments', 'extendedIssued']) zero[k] = 0;
  return zero;
}

/** The `data` column of an event. */
export function encodeData(type: EventType, data: Readonly<Record<string, unknown>>, seq: number, at: number, c: CodecContext, actor: Actor): string {
  const defaults = DEFAULTS[type];
  const atFields = AT_FIELDS[type];
  const derived = DERIVED[type];
  // Derived values are checked on the full data, before anything is left out.
  const full = { ...data };
  for (const k of atFields ?? []) if (full[k] === undefined) full[k] = at;
  const staffOfActor = STAFF_OF_ACTOR.has(type) && actor.kind === 'staff';
  const windowOfActor = WINDOW_OF_ACTOR.has(type) && actor.kind === 'device' && actor.windowId !== undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined) continue;
    if (k === 'staffId' && staffOfActor) {
      // Absent means "the actor's"; any other value, null included, is written.
      if (v !== (actor as { id: string }).id) out[k] = v;
      continue;
    }
    if (k === 'windowId' && windowOfActor) {
      if (v !== (actor as { windowId: number }).windowId) out[k] = v;
      continue;
    }
    if (defaults && k in defaults && isDefault(v, defaults[k])) continue;
    if (atFields?.includes(k) && v === at) continue;
    if (derived && k in derived && sameValue(derived[k]!(full, seq, at, c), v)) continue;
    out[k] = leaveOutNested(type, k, compactNested(type, k, v, data));
  }
  return JSON.stringify(shorten(out));
}

function leaveOutNested(type: EventType, key: string, v: unknown): unknown {
  const defaults = NESTED_DEFAULTS[type]?.[key];
  if (!defaults || v === null || typeof v !== 'object') return v;
  const strip = (o: Record<string, unknown>) => {
    const r: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) if (!(k in defaults && x === defaults[k])) r[k] = x;
    return r;
  };
  return Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' ? strip(x as Record<string, unknown>) : x)) : strip(v as Record<string, unknown>);
}

function putBackNested(type: EventType, data: Record<string, unknown>): void {
  const nested = NESTED_DEFAULTS[type];
  if (!nested) return;
  for (const [key, defaults] of Object.entries(nested)) {
    const v = data[key];
    if (v === null || typeof v !== 'object') continue;
    const fill = (o: Record<string, unknown>) => {
      for (const [k, d] of Object.entries(defaults)) if (!(k in o)) o[k] = d;
      return o;
    };
    if (Array.isArray(v)) for (const x of v) fill(x as Record<string, unknown>);
    else fill(v as Record<string, unknown>);
  }
}

/** A masked ID number is 14 stars and the last four: only the four are written, as `i4`. */
const MASKED_ID = /^\*{14}([0-9X]{4})$/;

/** Field names to their short forms, at every depth; a masked ID number to its last four characters. */
function shorten(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shorten);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'idMasked' && typeof x === 'string' && MASKED_ID.test(x)) {
      out.i4 = x.slice(14);
      continue;
    }
    out[EVENT_KEYS[k] ?? k] = shorten(x);
  }
  return out;
}

/** The full field names back (rows of any form: full names pass through). */
function lengthen(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lengthen);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'i4' && typeof x === 'string') {
      out.idMasked = `**************${x}`;
      continue;
    }
    out[EVENT_KEYS_BACK.get(k) ?? k] = lengthen(x);
  }
  return out;
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
export function decodeData(type: EventType, json: string, seq: number, at: number, c: CodecContext, actor: Actor): HallEvent['data'] {
  const data = lengthen(JSON.parse(json)) as Record<string, unknown>;
  if (STAFF_OF_ACTOR.has(type) && actor.kind === 'staff' && !('staffId' in data)) data.staffId = actor.id;
  if (WINDOW_OF_ACTOR.has(type) && actor.kind === 'device' && actor.windowId !== undefined && !('windowId' in data)) data.windowId = actor.windowId;
  const defaults = DEFAULTS[type];
  if (defaults) for (const [k, v] of Object.entries(defaults)) if (!(k in data)) data[k] = Array.isArray(v) ? [] : v;
  for (const k of AT_FIELDS[type] ?? []) if (!(k in data)) data[k] = at;
  const derived = DERIVED[type];
  if (derived) for (const [k, f] of Object.entries(derived)) if (!(k in data)) data[k] = f(data, seq, at, c);
  putBackNested(type, data);
  if (type === 'ticket.called' && data.reason && typeof data.reason === 'object' && !('categoryId' in data.reason)) {
    data.reason = { ...(data.reason as object), categoryId: data.categoryId };
  }
  if (type === 'rating.requested' && data.staff && typeof data.staff === 'object') {
    const s = data.staff as Record<string, unknown>;
    data.staff = { name: s.name, jobNo: s.jobNo ?? data.staffId, photo: s.photo ?? null };
  }
  canonicalHolderKeys(data);
  return data as HallEvent['data'];
}

/** Rows from before 128-bit holder keys carry the 256-bit hex form: read as today's (`holderKey`). */
function canonicalHolderKeys(data: Record<string, unknown>): void {
  const h = data.holder as { hmac?: unknown } | null | undefined;
  if (h && typeof h.hmac === 'string') h.hmac = holderKey(h.hmac);
  if (typeof data.holderHmac === 'string') data.holderHmac = holderKey(data.holderHmac);
}

/**
 * The `actor` column: `staff:1001` (a clerk; another role is written, `staff:2001:guide`),
 * `device:kiosk-1` and `device:pad-3:3` (the device's kind is the start of its id, so it is written only
 * when it is not: `device:screen7:display`; the window last), `system:day-closer`. Ids are config ids
 * (letters, digits, `_` and `-`), so `:` never appears inside one, and a kind is never all digits.
 * Rows of the earlier forms (`staff:1001:clerk`, `device:pad-3:pad:3`, JSON) read the same.
 */
export function encodeActor(a: Actor): string {
  switch (a.kind) {
    case 'staff':
      return a.role === 'clerk' ? `staff:${a.id}` : `staff:${a.id}:${a.role}`;
    case 'device': {
      const kind = kindOfDeviceId(a.id) === a.deviceKind ? '' : `:${a.deviceKind}`;
      return a.windowId !== undefined ? `device:${a.id}${kind}:${a.windowId}` : `device:${a.id}${kind}`;
    }
    case 'system':
      return `system:${a.id}`;
    default: {
      const _exhaustive: never = a;
      return _exhaustive;
    }
  }
}

/** `pad-3` → `pad`: what a device's kind is when its id does not say otherwise. */
const kindOfDeviceId = (id: string): string => id.split('-')[0]!;
const WINDOW_NUMBER = /^\d+$/;

export function decodeActor(s: string): Actor {
  if (s.startsWith('{')) return JSON.parse(s) as Actor; // a row from before compaction
  const [kind, id = '', third, fourth] = s.split(':');
  if (kind === 'staff') return { kind, id, role: (third ?? 'clerk') as Extract<Actor, { kind: 'staff' }>['role'] };
  if (kind === 'device') {
    // `device:id`, `device:id:window`, `device:id:kind`, `device:id:kind:window`.
    const windowOnly = third !== undefined && fourth === undefined && WINDOW_NUMBER.test(third);
    const deviceKind = third === undefined || windowOnly ? kindOfDeviceId(id) : third;
    const window = windowOnly ? third : fourth;
    return { kind, id, deviceKind, ...(window !== undefined ? { windowId: Number(window) } : {}) };
  }
  return { kind: 'system', id };
}
