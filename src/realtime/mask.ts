import type { HallEvent } from '../domain/events.ts';

/**
 * The public form of an event: no HMAC, no ID fragment, no phone, no birth year. What is left of a
 * holder is the masked name, which a wall may show (张*三). Staff notes and cancel reasons are
 * dropped; a pause reason stays, because the window screen shows it (暂停服务 with its reason).
 */
export function publicData(e: HallEvent): unknown {
  if (e.type === 'ticket.issued') {
    const { holder, phoneMasked: _phone, appointmentCode: _code, ...rest } = e.data;
    return { ...rest, holder: holder ? { nameMasked: holder.nameMasked } : null };
  }
  if (e.type === 'appointment.booked') return null;
  // Staff free text may name a person or a number: it stays off public screens.
  if (e.type === 'ticket.transferred') return { ...e.data, note: null };
  if (e.type === 'ticket.cancelled') return { ...e.data, reason: null };
  if (e.type === 'rating.recorded') return { ...e.data, holder: null, comment: null };
  return e.data;
}
