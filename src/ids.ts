import { randomBytes, randomInt } from 'node:crypto';

/**
 * Ids are written into nearly every event, so they are short. A ticket id is unguessable (the id
 * alone opens the ticket's status page, DESIGN §4): 96 random bits. The others only need to be
 * unique in the hall (64 bits; a rating id, the idempotency key upstream, 80).
 */
const random = (bytes: number) => randomBytes(bytes).toString('base64url');
export const newTicketId = () => `t${random(12)}`;
export const newServiceId = () => `s${random(8)}`;
export const newCallId = () => `c${random(8)}`;
export const newRatingId = () => `r${random(10)}`;
export const newFollowupId = () => `f${random(8)}`;

// No 0/O, 1/I/L: residents type appointment codes at the kiosk or read them over the phone.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newAppointmentCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
