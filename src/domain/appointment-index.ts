import type { Appointment } from './state.ts';

/**
 * Bookings in memory by slot and by holder. A city books a week ahead (~9,000 bookings in memory), and
 * every booking asks "how many in this slot" and "does this ID hold one that day": scanning them all
 * made each booking cost O(bookings), and the history generator quadratic. The index lives beside
 * the map (not in the state's shape, so snapshots and clones need nothing new): `evolve` tells it of
 * each booking added; anything else that changes the map's size (a load, the day's pruning) makes the
 * next look-up rebuild it. Statuses are read from the bookings themselves at look-up.
 */
interface Index {
  size: number;
  bySlot: Map<string, Appointment[]>;
  byHolder: Map<string, Appointment[]>;
}

type Appointments = ReadonlyMap<string, Appointment>;

const indexes = new WeakMap<Appointments, Index>();

const slotKey = (categoryId: string, slotStart: number) => `${categoryId}|${slotStart}`;

function add(i: Index, a: Appointment): void {
  push(i.bySlot, slotKey(a.categoryId, a.slotStart), a);
  if (a.holderHmac) push(i.byHolder, a.holderHmac, a);
}

function push(m: Map<string, Appointment[]>, k: string, a: Appointment): void {
  const list = m.get(k);
  if (list) list.push(a);
  else m.set(k, [a]);
}

function indexOf(map: Appointments): Index {
  let i = indexes.get(map);
  if (!i || i.size !== map.size) {
    i = { size: map.size, bySlot: new Map(), byHolder: new Map() };
    for (const a of map.values()) add(i, a);
    indexes.set(map, i);
  }
  return i;
}

/** `evolve` added a booking to the map: the index follows, or is dropped to be rebuilt when it cannot. */
export function noteAppointmentAdded(map: Appointments, a: Appointment): void {
  const i = indexes.get(map);
  if (!i) return;
  if (i.size === map.size - 1) {
    add(i, a);
    i.size = map.size;
  } else indexes.delete(map);
}

/** Bookings of one category's slot (any status: the caller reads it). */
export function appointmentsInSlot(map: Appointments, categoryId: string, slotStart: number): readonly Appointment[] {
  return indexOf(map).bySlot.get(slotKey(categoryId, slotStart)) ?? [];
}

/** The bookings grouped by category and slot (any status; a group is never empty). */
export function appointmentSlots(map: Appointments): Iterable<readonly Appointment[]> {
  return indexOf(map).bySlot.values();
}

/** Bookings held by one ID key (any status). */
export function appointmentsOfHolder(map: Appointments, holderHmac: string): readonly Appointment[] {
  return indexOf(map).byHolder.get(holderHmac) ?? [];
}
