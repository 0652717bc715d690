import type { HallConfig } from '../config/schema.ts';
import type { Db } from '../store/open-db.ts';
import type { DeductionRow } from './types.ts';

/** Daily-assessment deductions of business dates in [from, to], revoked ones included (and marked), by date. */
export function listDeductions(db: Db, config: HallConfig, from: string, to: string): DeductionRow[] {
  const rows = db
    .prepare(
      `SELECT id, staff_id AS staffId, business_date AS businessDate, item_code AS itemCode, item_name AS itemName, points, note, by_staff AS by, at,
              revoked_at AS revokedAt, revoke_reason AS revokeReason
         FROM deductions WHERE business_date BETWEEN ? AND ? ORDER BY business_date, at`,
    )
    .all(from, to) as Omit<DeductionRow, 'staffName'>[];
  return rows.map((r) => ({ ...r, staffName: config.staff.find((s) => s.id === r.staffId)?.name ?? null }));
}
