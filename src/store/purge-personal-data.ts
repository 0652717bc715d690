import { addDays, businessDate, instantOf } from '../domain/calendar.ts';
import type { HallConfig } from '../config/schema.ts';
import type { HallState } from '../domain/state.ts';
import type { Clock } from '../clock.ts';
import type { Db } from './open-db.ts';

/**
 * Enforces `privacy.retentionDays` (DESIGN §5): personal fields (masked holder, HMAC, birth year,
 * masked phone, a rating's comment) are removed from tickets, appointments, ratings, uploaded outbox
 * rows and the event log once older than the retention. Only those fields change: seq, numbers, times and outcomes stay for the reports.
 * Returns the number of rows rewritten.
 */
export function purgePersonalData(db: Db, state: HallState, config: HallConfig, clock: Clock): number {
  const today = businessDate(clock.now(), config.hall.timeZone);
  const cutoffDate = addDays(today, -config.privacy.retentionDays);
  const cutoffMs = instantOf(cutoffDate, 0, config.hall.timeZone);
  const run = db.transaction(() => {
    let n = 0;
    n += db
      .prepare(
        `UPDATE tickets SET data = json_set(data, '$.holder', json('null'), '$.phoneMasked', json('null'))
         WHERE business_date < ? AND (json_extract(data, '$.holder') IS NOT NULL OR json_extract(data, '$.phoneMasked') IS NOT NULL)`,
      )
      .run(cutoffDate).changes;
    n += db
      .prepare(
        `UPDATE events SET data = json_set(data, '$.holder', json('null'), '$.phoneMasked', json('null'))
         WHERE type = 'ticket.issued' AND at < ? AND (json_extract(data, '$.holder') IS NOT NULL OR json_extract(data, '$.phoneMasked') IS NOT NULL)`,
      )
      .run(cutoffMs).changes;
    n += db
      .prepare(
        `UPDATE events SET data = json_set(data, '$.holder', json('null'), '$.comment', json('null'))
         WHERE type = 'rating.recorded' AND at < ? AND (json_extract(data, '$.holder') IS NOT NULL OR json_extract(data, '$.comment') IS NOT NULL)`,
      )
      .run(cutoffMs).changes;
    n += db
      .prepare(
        `UPDATE events SET data = json_set(data, '$.holderHmac', json('null'), '$.nameMasked', json('null'), '$.phoneMasked', json('null'))
         WHERE type = 'appointment.booked' AND json_extract(data, '$.slotEnd') < ? AND (json_extract(data, '$.holderHmac') IS NOT NULL OR json_extract(data, '$.nameMasked') IS NOT NULL OR json_extract(data, '$.phoneMasked') IS NOT NULL)`,
      )
      .run(cutoffMs).changes;
    // Uploaded ratings: the platform has them; the masked holder and HMAC need not stay here.
    n += db.prepare('DELETE FROM upstream_outbox WHERE delivered_at IS NOT NULL AND created_at < ?').run(cutoffMs).changes;
    n += db.prepare(`UPDATE ratings SET data = json_set(data, '$.comment', json('null')) WHERE json_extract(data, '$.requestedAt') < ? AND json_extract(data, '$.comment') IS NOT NULL`).run(cutoffMs).changes;
    n += db
      .prepare(
        `UPDATE appointments SET data = json_set(data, '$.holderHmac', json('null'), '$.nameMasked', json('null'), '$.phoneMasked', json('null'))
         WHERE json_extract(data, '$.slotEnd') < ? AND (json_extract(data, '$.holderHmac') IS NOT NULL OR json_extract(data, '$.nameMasked') IS NOT NULL OR json_extract(data, '$.phoneMasked') IS NOT NULL)`,
      )
      .run(cutoffMs).changes;
    return n;
  });
  const changed = run.immediate();
  // Memory holds only recent dates, but drop the fields there too in case retention is very short.
  for (const t of state.tickets.values()) {
    if (t.businessDate < cutoffDate) {
      t.holder = null;
      t.phoneMasked = null;
    }
  }
  for (const a of state.appointments.values()) {
    if (a.slotEnd < cutoffMs) {
      a.holderHmac = null;
      a.nameMasked = null;
      a.phoneMasked = null;
    }
  }
  return changed;
}
