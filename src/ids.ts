import { randomBytes, randomInt } from 'node:crypto';

/**
 * Ids are written into nearly every event, so they are short. A ticket id is unguessable (the id
 * alone opens the ticket's status page, DESIGN §4): 96 random bits. The others only need to be
 * unique in the hall (64 bits; a rating id, the idempotency key upstream, 80). Time order is not
 * needed: the tables keyed by these ids hold only what is live (finished rows leave after a day),
 * and the log and the outbox are ordered by seq.
 *
 * The formats live here once. Where the randomness comes from is an `IdSource`: the hub's is the
 * system's CSPRNG; a history generator passes a seeded one (`idsFrom`), so the same seed makes the
 * same ids in the same formats.
 */
export interface IdSource {
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

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function idsFrom(src: IdSource): Ids {
  const random = (bytes: number) => src.bytes(bytes).toString('base64url');
  return {
    ticketId: () => `t${random(12)}`,
    serviceId: () => `s${random(8)}`,
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

/** The hub's ids: the system CSPRNG. */
export const hubIds: Ids = idsFrom({ bytes: (n) => randomBytes(n), int: (max) => randomInt(max) });

export const newTicketId = hubIds.ticketId;
export const newServiceId = hubIds.serviceId;
export const newCallId = hubIds.callId;
export const newRatingId = hubIds.ratingId;
export const newFollowupId = hubIds.followupId;
export const newAppointmentCode = hubIds.appointmentCode;
