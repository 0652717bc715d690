import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Ids are written into nearly every event, so they are short. Those that key a projection table
 * (tickets, services) begin with the time, so each commit's new rows land together at the right edge
 * of the table's b-tree instead of on a random page each: a commit of ten tickets wrote ~70 pages
 * with random keys (issue #11), and pages are what the commit's fsync pays for.
 *
 * A ticket id is also the key to its status page (DESIGN §4), so after the time it has 72 random bits:
 * guessing one by asking the hub is out of reach. A service id needs only to be unique: 30 random bits
 * after the millisecond (two ids would need the same millisecond, after a clock jump, and the same
 * draw). The others are not table keys and stay random.
 *
 * The formats live here once. Where the randomness and the time come from is an `IdSource`: the hub's
 * is the system's CSPRNG and clock; a history generator passes a seeded one and its virtual clock
 * (`idsFrom`), so the same seed makes the same ids in the same formats.
 */
export interface IdSource {
  /** Milliseconds since the epoch: the prefix of time-ordered ids. */
  now(): number;
  bytes(n: number): Buffer;
  /** An integer in [0, max). */
  int(max: number): number;
}

export interface Ids {
  ticketId(): string;
  serviceId(): string;
  callId(): string;
  ratingId(): string;
  followupId(): string;
  /** No 0/O, 1/I/L: residents type appointment codes at the kiosk or read them over the phone. */
  appointmentCode(): string;
}

/** 64 characters in ASCII order, so the text of a time sorts as the time does (SQLite compares bytes). */
const SORTABLE = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/** 7 sortable characters: 42 bits of milliseconds, enough until 2109. */
export function timePrefix(ms: number): string {
  let s = '';
  let x = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 7; i++) {
    s = SORTABLE[x % 64]! + s;
    x = Math.floor(x / 64);
  }
  return s;
}

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function idsFrom(src: IdSource): Ids {
  const random = (bytes: number) => src.bytes(bytes).toString('base64url');
  // Never backwards within a process, so a clock stepping back does not put new rows among old ones.
  let last = 0;
  const stamp = () => timePrefix((last = Math.max(last, src.now())));
  return {
    ticketId: () => `t${stamp()}${random(9)}`,
    serviceId: () => `s${stamp()}${random(4).slice(0, 5)}`,
    callId: () => `c${random(8)}`,
    ratingId: () => `r${random(10)}`,
    followupId: () => `f${random(8)}`,
    appointmentCode: () => {
      let s = '';
      for (let i = 0; i < 8; i++) s += CODE_ALPHABET[src.int(CODE_ALPHABET.length)];
      return s;
    },
  };
}

/**
 * The system CSPRNG, drawn 4 KiB at a time: a call to `randomBytes` for each 9-byte id cost more than
 * the rest of making the id (issue #11 profile). The bytes are the same CSPRNG's, each used once.
 */
function pooledRandom(): (n: number) => Buffer {
  let pool = Buffer.alloc(0);
  let at = 0;
  return (n) => {
    if (n > 256) return randomBytes(n);
    if (at + n > pool.length) {
      pool = randomBytes(4096);
      at = 0;
    }
    const out = Buffer.from(pool.subarray(at, at + n));
    at += n;
    return out;
  };
}

/**
 * The id of a ticket's first service, made from the ticket's id: the same time, then 30 bits of its
 * SHA-256 (which say nothing of the ticket id's random part, the key to its status page). Nearly every
 * event of a ticket names both ids; the log leaves this one out when it follows (event-codec.ts).
 * A service after a transfer gets a random id (`serviceId()`).
 */
export function firstServiceIdOf(ticketId: string): string {
  let id = recentFirstServices.get(ticketId);
  if (id === undefined) {
    id = `s${ticketId.slice(1, 8)}${createHash('sha256').update(ticketId).digest('base64url').slice(0, 5)}`;
    // Each ticket's events ask several times within minutes (writing and reading the log): remember the latest.
    if (recentFirstServices.size >= 4096) recentFirstServices.clear();
    recentFirstServices.set(ticketId, id);
  }
  return id;
}
const recentFirstServices = new Map<string, string>();

/** The hub's ids: the system CSPRNG and clock. */
export const hubIds: Ids = idsFrom({ now: () => Date.now(), bytes: pooledRandom(), int: (max) => randomInt(max) });

export const newTicketId = hubIds.ticketId;
export const newServiceId = hubIds.serviceId;
export const newCallId = hubIds.callId;
export const newRatingId = hubIds.ratingId;
export const newFollowupId = hubIds.followupId;
export const newAppointmentCode = hubIds.appointmentCode;

/** A new ticket's id and its first service's (derived from it, so the log need not repeat it). */
export function firstIds(): { ticketId: string; serviceId: string } {
  const ticketId = newTicketId();
  return { ticketId, serviceId: firstServiceIdOf(ticketId) };
}
