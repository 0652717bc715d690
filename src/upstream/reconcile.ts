import type { Statement } from 'better-sqlite3';
import { systemScheduler, type Scheduler } from '../../devices/scheduler.ts';
import { addDays, businessDate, instantOf } from '../domain/calendar.ts';
import type { Db } from '../store/open-db.ts';
import { fetchWithin, parseJson, signBody, snippet } from './http-post.ts';

/** What the platform says it received between two instants: the records' keys. */
export type ReceivedQuery = (from: number, to: number) => Promise<string[]>;

export interface Reconciliation {
  businessDate: string;
  checkedAt: number;
  /** Records we delivered that day. */
  delivered: number;
  /** Records the platform reports for that day; null when it could not be asked (`error`). */
  received: number | null;
  /** Delivered by us, unknown to the platform: lost on its side, or filed elsewhere. */
  missing: string[];
  /** Reported by the platform, never delivered by us (a record made outside the hub, or a key we no longer hold). */
  extra: string[];
  error: string | null;
}

/**
 * Asks the platform (`GET <url>?from=&to=`, signed over the query string like a post over its
 * body) which records it holds for a period. The answer is `{"keys": [...]}`, or the Zhejiang
 * style `{"result":"0","data":[...]}`.
 */
export function receivedQuery(opts: { url: string; secret: string; timeoutMs: number; scheduler?: Scheduler; fetch?: typeof fetch }): ReceivedQuery {
  const io = { timeoutMs: opts.timeoutMs, scheduler: opts.scheduler ?? systemScheduler, fetch: opts.fetch ?? ((input, init) => fetch(input, init)) };
  return async (from, to) => {
    const query = `from=${from}&to=${to}`;
    const res = await fetchWithin(io, `${opts.url}${opts.url.includes('?') ? '&' : '?'}${query}`, { headers: { 'X-Signature': signBody(opts.secret, query) } });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${snippet(res.text)}`);
    const body = parseJson(res.text) as { keys?: unknown; data?: unknown } | undefined;
    const keys = body?.keys ?? body?.data;
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new Error(`no list of keys in the answer: ${snippet(res.text)}`);
    return keys as string[];
  };
}

/** The platform's clock and ours differ a little: its list is asked for this much around the day. */
const MARGIN_MS = 10 * 60_000;

/**
 * The daily reconciliation: the records delivered during a business day against what the platform
 * reports for it, kept in `upstream_reconciliations` for the manager's view. A difference is shown,
 * never repaired by itself: a missing record may be resent by the manager, and an extra one
 * explained, but neither is for the hub to guess.
 */
export class Reconciler {
  readonly #delivered: Statement<[number, number], { rating_id: string }>;
  readonly #everDelivered: Statement<[string], { n: number }>;
  readonly #save: Statement;
  readonly #get: Statement<[string], RawReconciliation>;
  readonly #latest: Statement<[number], RawReconciliation>;

  constructor(
    private readonly db: Db,
    private readonly ask: ReceivedQuery,
    private readonly timeZone: string,
  ) {
    this.#delivered = db.prepare<[number, number], { rating_id: string }>(`SELECT rating_id FROM upstream_outbox WHERE delivered_at >= ? AND delivered_at < ? AND kind <> 'hold' ORDER BY seq`);
    this.#everDelivered = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM upstream_outbox WHERE rating_id = ? AND delivered_at IS NOT NULL');
    this.#save = db.prepare(
      `INSERT OR REPLACE INTO upstream_reconciliations (business_date, checked_at, delivered, received, missing, extra, error) VALUES (@businessDate, @checkedAt, @delivered, @received, @missing, @extra, @error)`,
    );
    this.#get = db.prepare<[string], RawReconciliation>('SELECT * FROM upstream_reconciliations WHERE business_date = ?');
    this.#latest = db.prepare<[number], RawReconciliation>('SELECT * FROM upstream_reconciliations ORDER BY business_date DESC LIMIT ?');
  }

  /** Compares one business day now (again, if it was done before) and keeps the result. */
  async run(date: string, now: number): Promise<Reconciliation> {
    const from = instantOf(date, 0, this.timeZone);
    const to = instantOf(addDays(date, 1), 0, this.timeZone);
    const ours = this.#delivered.all(from, to).map((r) => r.rating_id);
    let result: Reconciliation;
    try {
      const theirs = await this.ask(from - MARGIN_MS, to + MARGIN_MS);
      const theirSet = new Set(theirs);
      const ourSet = new Set(ours);
      const inDay = await this.ask(from, to);
      result = {
        businessDate: date,
        checkedAt: now,
        delivered: ours.length,
        received: inDay.length,
        missing: ours.filter((k) => !theirSet.has(k)),
        extra: inDay.filter((k) => !ourSet.has(k) && this.#everDelivered.get(k)!.n === 0),
        error: null,
      };
    } catch (err) {
      result = { businessDate: date, checkedAt: now, delivered: ours.length, received: null, missing: [], extra: [], error: (err as Error).message };
    }
    this.#save.run({ ...result, missing: JSON.stringify(result.missing), extra: JSON.stringify(result.extra) });
    return result;
  }

  get(date: string): Reconciliation | null {
    const r = this.#get.get(date);
    return r ? fromRaw(r) : null;
  }

  latest(limit = 14): Reconciliation[] {
    return this.#latest.all(limit).map(fromRaw);
  }

  /** Yesterday, once it is past `atHour` today and not yet compared (a try the platform did not answer is no comparison). */
  dueDate(now: number, atHour: number): string | null {
    const today = businessDate(now, this.timeZone);
    if (now < instantOf(today, atHour * 60, this.timeZone)) return null;
    const yesterday = addDays(today, -1);
    const done = this.#get.get(yesterday);
    return done && done.error === null ? null : yesterday;
  }
}

interface RawReconciliation {
  business_date: string;
  checked_at: number;
  delivered: number;
  received: number | null;
  missing: string;
  extra: string;
  error: string | null;
}

function fromRaw(r: RawReconciliation): Reconciliation {
  return {
    businessDate: r.business_date,
    checkedAt: r.checked_at,
    delivered: r.delivered,
    received: r.received,
    missing: JSON.parse(r.missing) as string[],
    extra: JSON.parse(r.extra) as string[],
    error: r.error,
  };
}
