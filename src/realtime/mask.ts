import type { HallEvent } from '../domain/events.ts';

/**
 * The public form of an event: no HMAC, no ID fragment, no phone, no birth year. What is left of a
 * holder is the masked name, which a wall may show (张*三).
 */
export function publicData(e: HallEvent): unknown {
  if (e.type === 'ticket.issued') {
    const { holder, phoneMasked: _phone, appointmentCode: _code, ...rest } = e.data;
    return { ...rest, holder: holder ? { nameMasked: holder.nameMasked } : null };
  }
  if (e.type === 'appointment.booked') return null;
  return e.data;
}
