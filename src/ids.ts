import { randomBytes, randomInt } from 'node:crypto';

/**
 * Ticket ids are unguessable (the id alone opens the ticket's status page, DESIGN §4) and start
 * with the time, so new rows append at the right edge of their b-tree instead of dirtying a random
 * page per insert.
 *
 * The formats live here once. Where the randomness and the time come from is an `IdSource`: the
 * hub's is the system's CSPRNG and wall clock; a history generator passes a seeded one and its
 * virtual clock (`idsFrom`), so the same seed makes the same ids in the same formats.
 */
export interface IdSource {
  /** Milliseconds since the epoch: the time prefix of time-ordered ids. */
  now(): number;
  bytes(n: number): Buffer;
  /** An integer in [0, max). */
  int(max: number): number;
}

export interface Ids {
  ticketId(): string;
  serviceId(): string;
  callId(): string;
  /** Time-ordered too: the outbox and the 好差评 platform see ratings in the order they were given. */
  ratingId(): string;
  followupId(): string;
  /** No 0/O, 1/I/L: residents type appointment codes at the kiosk or read them over the phone. */
  appointmentCode(): string;
}

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function idsFrom(src: IdSource): Ids {
  const stamp = () => src.now().toString(36).padStart(9, '0');
  return {
    ticketId: () => `t_${stamp()}${src.bytes(16).toString('base64url')}`,
    serviceId: () => `s_${stamp()}${src.bytes(9).toString('base64url')}`,
    callId: () => `c_${src.bytes(12).toString('base64url')}`,
    ratingId: () => `r_${stamp()}${src.bytes(9).toString('base64url')}`,
    followupId: () => `f_${src.bytes(9).toString('base64url')}`,
    appointmentCode: () => {
      let s = '';
      for (let i = 0; i < 8; i++) s += CODE_ALPHABET[src.int(CODE_ALPHABET.length)];
      return s;
    },
  };
}

/** The hub's ids: the system CSPRNG and the wall clock. */
export const hubIds: Ids = idsFrom({ now: () => Date.now(), bytes: (n) => randomBytes(n), int: (max) => randomInt(max) });

export const newTicketId = hubIds.ticketId;
export const newServiceId = hubIds.serviceId;
export const newCallId = hubIds.callId;
export const newRatingId = hubIds.ratingId;
export const newFollowupId = hubIds.followupId;
export const newAppointmentCode = hubIds.appointmentCode;
