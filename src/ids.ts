import { randomBytes, randomInt } from 'node:crypto';

/**
 * Ticket ids are unguessable (the id alone opens the ticket's status page, DESIGN §4) and start
 * with the time, so new rows append at the right edge of their b-tree instead of dirtying a random
 * page per insert.
 */
const stamp = () => Date.now().toString(36).padStart(9, '0');
export const newTicketId = () => `t_${stamp()}${randomBytes(16).toString('base64url')}`;
export const newServiceId = () => `s_${stamp()}${randomBytes(9).toString('base64url')}`;
export const newCallId = () => `c_${randomBytes(12).toString('base64url')}`;
/** Time-ordered too: the outbox and the 好差评 platform see ratings in the order they were given. */
export const newRatingId = () => `r_${stamp()}${randomBytes(9).toString('base64url')}`;
export const newFollowupId = () => `f_${randomBytes(9).toString('base64url')}`;

// No 0/O, 1/I/L: residents type appointment codes at the kiosk or read them over the phone.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newAppointmentCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
