import type { Db } from '../store/open-db.ts';

/**
 * Appends a history simulated apart (`npm run simulate -- --parts N`: the later dates, in a process
 * of its own) to the one in `db`, so a long history takes the machine's cores instead of one. The
 * log goes on where `db`'s ends: the part's events are renumbered after it, in their order, and what
 * points at an event (a command's first event, an upload's) moves with them. Every other table is
 * keyed by something the part cannot share with the earlier dates (ids that begin with their time,
 * business dates, booking codes); where a table holds the hall as it stands (windows, moving averages,
 * notices), the later part's row is the later state.
 *
 * A table this does not know stops the join: a table added to the schema must be placed here, not
 * left out of generated histories unnoticed.
 */
const BY_KEY = [
  'tickets',
  'services',
  'counters',
  'appointments',
  'ratings',
  'followups',
  'service_facts',
  'flow_slots',
  'deductions',
  'cases',
  'contacts',
  'sms_inbox',
  'sms_daily',
  'upstream_reconciliations',
  'staff_sessions',
  'agents',
] as const;
/** The hall as it stands: the later part's rows are the later state. */
const STATE = ['windows', 'category_stats'] as const;
/** Rows numbered by an INTEGER PRIMARY KEY of their own: numbered again after `db`'s. */
const RENUMBERED: Record<string, string> = { pauses: 'id', sms_outbox: 'id', agent_commands: 'seq' };
/** `hall_meta` keys whose first part's value stands (maintenance.ts, hub-identity.ts). */
const KEPT_META = ['hub_id', 'purged_seq', 'facts_purged_date', 'appointments_purged_0', 'appointments_purged_1'] as const;
/** The same in every database (the log's legend). */
const LEGEND = ['event_keys', 'event_types'] as const;
const HANDLED = new Set<string>(['events', 'command_results', 'upstream_outbox', 'hall_meta', ...BY_KEY, ...STATE, ...Object.keys(RENUMBERED), ...LEGEND]);

export interface JoinedPart {
  events: number;
  firstSeq: number;
}

export function appendHistory(db: Db, partFile: string): JoinedPart {
  db.prepare('ATTACH DATABASE ? AS part').run(partFile);
  try {
    const tables = (db.prepare(`SELECT name FROM part.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]).map((r) => r.name);
    const unknown = tables.filter((t) => !HANDLED.has(t));
    if (unknown.length > 0) throw new Error(`join-parts: no rule for table(s) ${unknown.join(', ')}: add them to src/simulator/join-parts.ts`);
    const version = (schema: string) => (db.prepare(`PRAGMA ${schema}.user_version`).get() as { user_version: number }).user_version;
    if (version('main') !== version('part')) throw new Error(`join-parts: schema ${version('part')} of the part differs from ${version('main')}`);
    const last = db.prepare('SELECT MAX(seq) AS seq, MAX(at) AS at FROM main.events').get() as { seq: number | null; at: number | null };
    const first = db.prepare('SELECT MIN(at) AS at, COUNT(*) AS n FROM part.events').get() as { at: number | null; n: number };
    if (last.at !== null && first.at !== null && first.at < last.at) throw new Error('join-parts: the part begins before the history it is appended to ends');
    const offset = last.seq ?? 0;
    const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info(?, 'part')`).all(table) as { name: string }[]).map((c) => c.name);
    db.transaction(() => {
      db.prepare('INSERT INTO main.events (seq, at, type, actor, data) SELECT seq + ?, at, type, actor, data FROM part.events ORDER BY seq').run(offset);
      db.prepare('INSERT INTO main.command_results SELECT key, fingerprint, first_seq + ?, event_count, at FROM part.command_results WHERE true ON CONFLICT(key) DO NOTHING').run(offset);
      const outbox = columns('upstream_outbox').filter((c) => c !== 'seq');
      const outboxSelect = outbox.map((c) => (c === 'event_seq' ? 'event_seq + ?' : c)).join(', ');
      db.prepare(`INSERT INTO main.upstream_outbox (${outbox.join(', ')}) SELECT ${outboxSelect} FROM part.upstream_outbox ORDER BY seq`).run(offset);
      for (const [table, key] of Object.entries(RENUMBERED)) {
        const cols = columns(table).filter((c) => c !== key).join(', ');
        db.exec(`INSERT INTO main.${table} (${cols}) SELECT ${cols} FROM part.${table} ORDER BY ${key}`);
      }
      // History: the part's rows are its own dates' and ids', so a clash is a seam written twice, and stops the join.
      for (const table of BY_KEY) db.exec(`INSERT INTO main.${table} SELECT * FROM part.${table}`);
      for (const table of STATE) db.exec(`INSERT OR REPLACE INTO main.${table} SELECT * FROM part.${table}`);
      for (const table of LEGEND) db.exec(`INSERT OR IGNORE INTO main.${table} SELECT * FROM part.${table}`);
      // The hall's identity is the first part's, and so are the housekeeping's marks: how far personal
      // data is purged is a seq in the part's own numbering and a date past the first part's unpurged
      // days (the next housekeeping goes on from the first part's, and purging again is harmless).
      // The rest of the part's notes (notices, congestion) are the later ones.
      db.exec(`INSERT OR REPLACE INTO main.hall_meta SELECT * FROM part.hall_meta WHERE key NOT IN (${KEPT_META.map((k) => `'${k}'`).join(', ')})`);
    })();
    return { events: first.n, firstSeq: offset + 1 };
  } finally {
    db.exec('DETACH DATABASE part');
  }
}
