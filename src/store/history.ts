import type { Followup, RatingState } from '../domain/ratings.ts';
import type { Db } from './open-db.ts';

/**
 * Reads of what memory no longer holds (closed follow-ups, old ratings), from SQLite, one page at a
 * time by an index: a list that grows with the years is never read whole into one reply.
 */
export class HistoryReader {
  readonly #followups;
  readonly #count;
  readonly #rating;

  constructor(db: Db) {
    // The page's keys from the covering index first, then their rows: OFFSET over the table itself
    // stepped through every skipped row (the last page of a city year's 67,000: 0.3–0.9 s → 5 ms).
    this.#followups = db.prepare(
      'SELECT data FROM followups WHERE id IN (SELECT id FROM followups INDEXED BY followups_deadline ORDER BY deadline DESC, id LIMIT ? OFFSET ?) ORDER BY deadline DESC, id',
    );
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM followups');
    this.#rating = db.prepare('SELECT data FROM ratings WHERE service_id = ?');
  }

  /** Every follow-up, newest deadline first, with its rating where the rating row is still kept. */
  followups(page: number, pageSize: number): { total: number; items: (Followup & { rating: RatingState | null })[] } {
    const rows = this.#followups.all(pageSize, (page - 1) * pageSize) as { data: string }[];
    const items = rows.map((r) => {
      const f = JSON.parse(r.data) as Followup;
      const rating = this.#rating.get(f.serviceId) as { data: string } | undefined;
      return { ...f, rating: rating ? (JSON.parse(rating.data) as RatingState) : null };
    });
    return { total: (this.#count.get() as { n: number }).n, items };
  }
}
