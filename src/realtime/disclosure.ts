import type { EventOf, EventType, HallEvent } from '../domain/events.ts';

/**
 * Who sees what of an event (DESIGN §4, §5). Four audiences, from most to least trusted:
 *
 * - `full`: the `manager` room — the whole event.
 * - `staff`: the room of a clerk the event names (`clerk:<staffId>`) — no holder, no phone, no
 *   resident's comment: the rated clerk learns the level and reasons, not who rated them.
 * - `pad`: the rating pad of the event's window (`pad:<windowId>`) — the rating request it shows
 *   and the bare fact that its rating was taken.
 * - `public`: the hall wall and the window screens (`hall`, `window:<id>`) — number, category,
 *   window, times. Nothing that names a person or unlocks a ticket's status page (`ticketId`).
 *
 * Public and pad forms are whitelists: a field added to an event stays private until it is listed here.
 */
export type Tier = 'full' | 'staff' | 'pad' | 'public';

/** Fields a public screen may see, per event type; a type not listed never reaches a public room. */
export const PUBLIC_FIELDS = {
  'ticket.issued': ['number', 'prefix', 'categoryId', 'businessDate', 'issuedAt', 'extended'],
  'ticket.called': ['number', 'categoryId', 'windowId', 'callId', 'recall', 'recalls', 'calledAt'],
  'ticket.started': ['number', 'windowId', 'startedAt'],
  'ticket.completed': ['number', 'categoryId', 'windowId', 'endedAt'],
  'ticket.no_show': ['number', 'windowId', 'reason', 'at'],
  'ticket.transferred': ['number', 'fromWindowId', 'fromCategoryId', 'toCategoryId', 'toWindowId', 'at'],
  'ticket.cancelled': ['number', 'windowId', 'at'],
  'ticket.abandoned_at_close': ['number', 'categoryId', 'businessDate', 'windowId', 'at'],
  // Not the A/B role: an internal term the public has no use for.
  'window.opened': ['windowId', 'at'],
  'window.closed': ['windowId', 'at'],
  // The window screen shows 暂停服务 with its reason (scrubbed of numbers when it was stored).
  'window.paused': ['windowId', 'reason', 'at'],
  'window.resumed': ['windowId', 'at'],
  'notice.updated': ['notices'],
  // The wall may show that a category is congested (应急处置), and when it clears.
  'hall.congested': ['categoryId', 'at'],
  'hall.cleared': ['categoryId', 'at'],
} as const satisfies { [T in EventType]?: readonly (keyof EventOf<T>['data'])[] };

/** What a pad sees of the ratings of its own window. */
export const PAD_FIELDS = {
  // The pad shows the clerk (身份公示), the item and its own countdown.
  'rating.requested': ['serviceId', 'number', 'windowId', 'staff', 'itemCode', 'itemName', 'requestedAt', 'expiresAt'],
  'rating.recorded': ['serviceId', 'ratingId', 'windowId', 'level', 'label', 'ratedAt'],
  'rating.unrated': ['serviceId', 'windowId', 'at'],
} as const satisfies { [T in EventType]?: readonly (keyof EventOf<T>['data'])[] };

type Listed = typeof PUBLIC_FIELDS;
type PadListed = typeof PAD_FIELDS;
export type PublicEventType = keyof Listed;
export type PadEventType = keyof PadListed;

/** The public form of one event type. */
export type PublicData<T extends PublicEventType> = Pick<EventOf<T>['data'], Listed[T][number] & keyof EventOf<T>['data']>;
export type PadData<T extends PadEventType> = Pick<EventOf<T>['data'], PadListed[T][number] & keyof EventOf<T>['data']>;

/** Personal fields no clerk room receives. */
const STAFF_HIDDEN = ['holder', 'phoneMasked', 'comment'] as const;
export type StaffData<T extends EventType> = Omit<EventOf<T>['data'], (typeof STAFF_HIDDEN)[number]>;

function pick(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in data) out[f] = data[f];
  return out;
}

/** The data of `e` as `tier` may see it, or null when that audience must not see the event at all. */
export function dataFor(e: HallEvent, tier: Tier): unknown {
  const data = e.data as unknown as Record<string, unknown>;
  switch (tier) {
    case 'full':
      return e.data;
    case 'staff': {
      const out = { ...data };
      for (const f of STAFF_HIDDEN) delete out[f];
      return out;
    }
    case 'pad': {
      const fields = (PAD_FIELDS as Record<string, readonly string[]>)[e.type] ?? (PUBLIC_FIELDS as Record<string, readonly string[]>)[e.type];
      return fields ? pick(data, fields) : null;
    }
    case 'public': {
      const fields = (PUBLIC_FIELDS as Record<string, readonly string[]>)[e.type];
      return fields ? pick(data, fields) : null;
    }
    default: {
      const _exhaustive: never = tier;
      return _exhaustive;
    }
  }
}

/** The rooms an event goes to, by tier. A socket in several gets the most trusted form once. */
export interface Route {
  staff: string[];
  pad: string[];
  public: string[];
}

/**
 * Where an event goes. Routing reads the event alone (the clerks it names, its windows), so a
 * replay routes exactly as the live broadcast did. The manager room always gets it whole.
 */
export function routeOf(e: HallEvent): Route {
  const d = e.data as unknown as Record<string, unknown>;
  const staff: string[] = [];
  for (const k of ['staffId', 'replacedStaffId'] as const) if (typeof d[k] === 'string') staff.push(`clerk:${d[k]}`);
  const windows = new Set<number>();
  for (const k of ['windowId', 'fromWindowId', 'toWindowId'] as const) if (typeof d[k] === 'number') windows.add(d[k] as number);
  const pad = e.type in PAD_FIELDS ? [...windows].map((w) => `pad:${w}`) : [];
  const isPublic = e.type in PUBLIC_FIELDS;
  return { staff, pad, public: isPublic ? ['hall', ...[...windows].map((w) => `window:${w}`)] : [] };
}

/** The most trusted tier a socket in `rooms` gets for an event routed as `route`, or null. */
export function tierFor(route: Route, rooms: ReadonlySet<string>): Tier | null {
  if (rooms.has('manager')) return 'full';
  if (route.staff.some((r) => rooms.has(r))) return 'staff';
  if (route.pad.some((r) => rooms.has(r))) return 'pad';
  if (route.public.some((r) => rooms.has(r))) return 'public';
  return null;
}
