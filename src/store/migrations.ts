import { decodeRow } from './event-log.ts';
import { typeColumnValues } from './event-keys.ts';
import type { Db } from './db.ts';

/**
 * Every commit is fsynced, and WAL writes each page a commit dirties: text-keyed tables are
 * WITHOUT ROWID (one b-tree, not two) and there are no indexes the hub does not read.
 *
 * Schema migrations, applied in order inside one transaction each; `PRAGMA user_version` records
 * the last applied. Append only: a shipped migration is never edited.
 */
/** A migration: its SQL, and for some a step that needs the codec (reading the log as the hub does). */
export type Migration = string | { sql: string; run: (db: Db) => void };

export const MIGRATIONS: readonly Migration[] = [
  /* 1: event log and projections */ `
  CREATE TABLE events (
    seq    INTEGER PRIMARY KEY,           -- contiguous, assigned by the hub inside the transaction
    at     INTEGER NOT NULL,              -- ms since epoch
    type   TEXT    NOT NULL,
    actor  TEXT    NOT NULL,              -- JSON Actor
    data   TEXT    NOT NULL               -- JSON event data (no full ID numbers, ever)
  ) STRICT;

  CREATE TABLE tickets (
    id            TEXT PRIMARY KEY,
    business_date TEXT NOT NULL,
    number        TEXT NOT NULL,
    category_id   TEXT NOT NULL,
    status        TEXT NOT NULL,
    data          TEXT NOT NULL,
    UNIQUE (business_date, number)        -- a number is never reused within a date
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE services (
    id        TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    status    TEXT NOT NULL,
    data      TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE windows (id INTEGER PRIMARY KEY, data TEXT NOT NULL) STRICT;
  CREATE TABLE counters (business_date TEXT NOT NULL, prefix TEXT NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (business_date, prefix)) STRICT, WITHOUT ROWID;
  CREATE TABLE appointments (code TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT, WITHOUT ROWID;
  CREATE TABLE category_stats (category_id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT, WITHOUT ROWID;
  CREATE TABLE hall_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;

  CREATE TABLE idempotency (
    key         TEXT PRIMARY KEY,         -- principal + client key
    fingerprint TEXT NOT NULL,            -- method, path and body hash of the first request
    status      INTEGER NOT NULL,
    body        TEXT,
    at          INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX idempotency_at ON idempotency(at);

  CREATE TABLE staff_sessions (
    token_sha256 TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  /* 2: ratings (评价), bad-rating follow-ups (差评回访整改), the 好差评 upload outbox */ `
  CREATE TABLE ratings (
    service_id TEXT PRIMARY KEY,          -- one rating per service
    status     TEXT NOT NULL,             -- requested | rated | unrated
    window_id  INTEGER NOT NULL,
    data       TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE followups (
    id       TEXT PRIMARY KEY,
    status   TEXT NOT NULL,               -- open | closed
    deadline TEXT NOT NULL,               -- business date
    data     TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX followups_open ON followups(status, deadline);

  CREATE TABLE upstream_outbox (
    seq             INTEGER PRIMARY KEY,  -- upload order = order the ratings were recorded
    rating_id       TEXT NOT NULL UNIQUE, -- also the idempotency key sent upstream
    payload         TEXT NOT NULL,        -- JSON rating record (masked holder + HMAC, never an ID number)
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    delivered_at    INTEGER
  ) STRICT;
  CREATE INDEX upstream_outbox_pending ON upstream_outbox(delivered_at, seq);
  `,
  /* 3: queue order by the log, not the clock. Keys that were times (before this version) of tickets still
        live at the upgrade move below every log position, keeping their order among themselves; the
        time stays as the weighting basis. */ `
  UPDATE services SET data = json_set(data,
      '$.queuedAt', json_extract(data, '$.orderKey'),
      '$.orderKey', json_extract(data, '$.orderKey') - 2e12,
      '$.waitSeq', json_extract(data, '$.waitingSince') - 2e12)
    WHERE status IN ('waiting', 'called', 'serving') AND json_extract(data, '$.queuedAt') IS NULL;
  UPDATE tickets SET data = json_set(data, '$.arrival', json_extract(data, '$.issuedAt') - 2e12)
    WHERE status IN ('waiting', 'called', 'serving') AND json_extract(data, '$.arrival') IS NULL;
  `,
  /* 4: idempotency keeps the events a command produced, not the reply: a retry gets the same reply,
        rebuilt from the same events, and no reply is built inside a commit. */ `
  DROP TABLE idempotency;
  CREATE TABLE command_results (
    key         TEXT PRIMARY KEY,         -- principal + client key
    fingerprint TEXT NOT NULL,            -- method, path and body hash of the first request
    first_seq   INTEGER NOT NULL,         -- the command's first event (its events are first_seq …)
    event_count INTEGER NOT NULL,         -- … and how many (0: it changed nothing, e.g. nobody waiting)
    at          INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX command_results_at ON command_results(at);
  `,
  /* 5: the hall's numbers (issue #10). Written in the commit that makes them true; reports read only these. */ `
  -- One row per service once it has ended (and its rating, when it comes): what the assessment and the
  -- indicators count. Keyed like the hall says it: the date, the number, and the service's place in the ticket.
  CREATE TABLE service_facts (
    business_date TEXT NOT NULL,
    number        TEXT NOT NULL,
    idx           INTEGER NOT NULL,       -- 0: the first service; 1, 2 …: after transfers
    category_id   TEXT NOT NULL,
    window_id     INTEGER,
    staff_id      TEXT,
    source        TEXT NOT NULL,          -- kiosk | guide | appointment
    priority      INTEGER NOT NULL,       -- 1: a priority group
    extended      INTEGER NOT NULL,       -- 1: issued in an extended (延时) session
    outcome       TEXT NOT NULL,          -- done | no_show | transferred | cancelled | abandoned_at_close
    waiting_since INTEGER NOT NULL,
    called_at     INTEGER,
    started_at    INTEGER,
    ended_at      INTEGER,
    recalls       INTEGER NOT NULL,
    est_min       INTEGER,                -- the estimate printed at issue (first service only)
    est_low       INTEGER,
    est_high      INTEGER,
    case_no       TEXT,
    item_code     TEXT,
    case_type     TEXT,                   -- immediate | promised
    rating        INTEGER,                -- 1 … 5
    rating_reasons TEXT,
    rated_at      INTEGER,
    unrated       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (business_date, number, idx)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX service_facts_staff ON service_facts(staff_id, business_date);
  CREATE INDEX service_facts_window ON service_facts(window_id, business_date);

  -- The half-hour flow records (flow.recorded), one row per slot and category / window / the hall.
  CREATE TABLE flow_slots (
    business_date TEXT NOT NULL,
    slot          INTEGER NOT NULL,       -- minutes after midnight; 1440: after the last session
    dim           TEXT NOT NULL,          -- c: category | w: window | h: the hall
    dim_id        TEXT NOT NULL,
    from_at INTEGER NOT NULL, to_at INTEGER NOT NULL, extended INTEGER NOT NULL, live INTEGER NOT NULL,
    issued INTEGER NOT NULL, called INTEGER NOT NULL, served INTEGER NOT NULL, no_show INTEGER NOT NULL,
    transfers_in INTEGER NOT NULL, transfers_out INTEGER NOT NULL, waiting_end INTEGER NOT NULL,
    wait_max INTEGER NOT NULL, wait_mean INTEGER NOT NULL, wait_p90 INTEGER NOT NULL, handle_mean INTEGER NOT NULL,
    appointments INTEGER NOT NULL, extended_issued INTEGER NOT NULL,
    windows_open INTEGER NOT NULL, clerks INTEGER NOT NULL, staff_id TEXT,
    PRIMARY KEY (business_date, slot, dim, dim_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE deductions (
    id            TEXT PRIMARY KEY,
    staff_id      TEXT NOT NULL,
    business_date TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    item_name     TEXT NOT NULL,
    points        REAL NOT NULL,
    note          TEXT NOT NULL,
    by_staff      TEXT NOT NULL,
    at            INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX deductions_date ON deductions(business_date);

  -- Cases the window business system named at completion: 即办件 done at once, 承诺件 done later.
  CREATE TABLE cases (
    case_no       TEXT PRIMARY KEY,
    business_date TEXT NOT NULL,
    number        TEXT NOT NULL,
    category_id   TEXT NOT NULL,
    case_type     TEXT NOT NULL,
    accepted_at   INTEGER NOT NULL,
    promised_by   TEXT,
    completed_at  INTEGER,
    on_time       INTEGER
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX cases_date ON cases(business_date);

  -- A hall upgrading with history keeps it in its numbers: ended services as the projections hold them
  -- (the printed estimate was not kept before this version, so it stays empty).
  INSERT OR IGNORE INTO service_facts (business_date, number, idx, category_id, window_id, staff_id, source, priority, extended, outcome,
      waiting_since, called_at, started_at, ended_at, recalls, case_no, item_code, rating, rating_reasons, rated_at, unrated)
    SELECT t.business_date, t.number,
      (SELECT CAST(je.key AS INTEGER) FROM json_each(t.data, '$.serviceIds') je WHERE je.value = s.id),
      json_extract(s.data, '$.categoryId'), json_extract(s.data, '$.windowId'), json_extract(s.data, '$.staffId'),
      json_extract(t.data, '$.source'), json_extract(t.data, '$.priorityGroup') IS NOT NULL, COALESCE(json_extract(t.data, '$.extended'), 0),
      s.status, json_extract(s.data, '$.waitingSince'), json_extract(s.data, '$.calledAt'), json_extract(s.data, '$.startedAt'),
      json_extract(s.data, '$.endedAt'), json_extract(s.data, '$.recalls'), json_extract(s.data, '$.caseNo'), json_extract(s.data, '$.itemCode'),
      json_extract(r.data, '$.level'), json_extract(r.data, '$.reasons'), json_extract(r.data, '$.ratedAt'), COALESCE(r.status = 'unrated', 0)
    FROM services s JOIN tickets t ON t.id = s.ticket_id LEFT JOIN ratings r ON r.service_id = s.id
    WHERE s.status IN ('done', 'no_show', 'transferred', 'cancelled', 'abandoned_at_close');
  `,
  /* 6: the upload outbox points at its rating event instead of copying it (issue #11: disk per ticket). */ `
  CREATE TABLE upstream_outbox_v6 (
    seq             INTEGER PRIMARY KEY,  -- upload order = order the ratings were recorded
    rating_id       TEXT NOT NULL UNIQUE, -- also the idempotency key sent upstream
    event_seq       INTEGER,              -- the rating.recorded event the record is built from
    payload         TEXT,                 -- rows from before this version, and tools: the record itself
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    delivered_at    INTEGER,
    CHECK (event_seq IS NOT NULL OR payload IS NOT NULL)
  ) STRICT;
  INSERT INTO upstream_outbox_v6 (seq, rating_id, payload, created_at, attempts, last_error, next_attempt_at, delivered_at)
    SELECT seq, rating_id, payload, created_at, attempts, last_error, next_attempt_at, delivered_at FROM upstream_outbox;
  DROP TABLE upstream_outbox;
  ALTER TABLE upstream_outbox_v6 RENAME TO upstream_outbox;
  CREATE INDEX upstream_outbox_pending ON upstream_outbox(delivered_at, seq);
  `,
  /* 7: a start-up that costs what today costs (issue #11): every load query uses an index, and only what
        is live is loaded. */ `
  CREATE INDEX tickets_live ON tickets(status) WHERE status IN ('waiting', 'called', 'serving');
  CREATE INDEX ratings_requested ON ratings(status) WHERE status = 'requested';
  ALTER TABLE appointments ADD COLUMN slot_end INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE appointments ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
  UPDATE appointments SET slot_end = json_extract(data, '$.slotEnd'), used = json_extract(data, '$.ticketId') IS NOT NULL;
  CREATE INDEX appointments_live ON appointments(used, slot_end);
  CREATE INDEX cases_open ON cases(case_type) WHERE completed_at IS NULL;
  `,
  /* 8: pauses (暂停服务) for the assessment: one row per pause, ended by the window's resume, sign-out or
        sign-in. The assessment reads a month of these instead of the whole event log. A hall upgrading
        with history gets them from its log (rebuildPauses, through the codec: any form of row). */ {
    sql: `
  CREATE TABLE pauses (
    id         INTEGER PRIMARY KEY,
    window_id  INTEGER NOT NULL,
    staff_id   TEXT,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,                   -- NULL while the window is still paused
    reason     TEXT NOT NULL
  ) STRICT;
  CREATE INDEX pauses_started ON pauses(started_at);
  CREATE INDEX pauses_open ON pauses(window_id) WHERE ended_at IS NULL;
  `,
    run: rebuildPauses,
  },
  /* 9: projection rows of finished tickets leave after a day (7), so what the monthly export shows of a
        rating's resident (the masked name) is kept with its fact, and cleared past the retention. */ `
  ALTER TABLE service_facts ADD COLUMN holder_masked TEXT;
  UPDATE service_facts SET holder_masked = (
    SELECT json_extract(t.data, '$.holder.nameMasked') FROM tickets t
     WHERE t.business_date = service_facts.business_date AND t.number = service_facts.number)
   WHERE rating IS NOT NULL;
  -- The housekeeping keeps a rating while a follow-up names it: found by this index, not a scan per rating.
  CREATE INDEX followups_service ON followups(json_extract(data, '$.serviceId'));
  `,
  /* 10: the log writes short field names (issue #11); an auditor with sqlite3 reads them back through
         the legend and the view (docs/event-log.md). The legend's rows come from event-keys.ts at each
         start (syncEventKeys), so a field named later is in it too. */ `
  CREATE TABLE event_keys (short TEXT PRIMARY KEY, long TEXT NOT NULL UNIQUE) STRICT, WITHOUT ROWID;
  CREATE TABLE event_types (code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT, WITHOUT ROWID;
  CREATE VIEW events_readable AS
    SELECT e.seq, e.at, strftime('%Y-%m-%d %H:%M:%f', e.at / 1000.0, 'unixepoch') AS at_utc,
      COALESCE((SELECT name FROM event_types WHERE code = e.type), e.type) AS type, e.actor,
      (SELECT json_group_object(COALESCE(k.long, j.key), CASE j.type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') ELSE j.value END)
         FROM json_each(e.data) j LEFT JOIN event_keys k ON k.short = j.key) AS data
    FROM events e;
  -- The manager's list of follow-ups pages by deadline (store/history.ts), not by a sort of all of them.
  CREATE INDEX followups_deadline ON followups(deadline DESC, id);
  -- Every report reads the facts by date (the key); these two only cost 60 bytes a ticket, and tempted
  -- the planner to walk all of history for a GROUP BY.
  DROP INDEX service_facts_staff;
  DROP INDEX service_facts_window;
  `,
  /* 11: a ticket deleted by the housekeeping has its services' foreign key checked; without this index
         each delete read every service still in the table (two days of a city hall: 20 k rows). */ `
  CREATE INDEX services_ticket ON services(ticket_id);
  `,
  /* 12: the 好差评 record the provinces take (issue #12): what a row is a record of, and the applicant the
         platform files it under, sealed (AES-256-GCM, key apart from the data directory) in this row alone
         from the moment it is known until the platform acknowledges it or its time is up. A row of kind
         'hold' keeps a ticket's applicant until its rating (or unrated service) makes the record. */ `
  CREATE TABLE upstream_outbox_v12 (
    seq             INTEGER PRIMARY KEY,  -- upload order = order the records were made
    rating_id       TEXT NOT NULL UNIQUE, -- the record's key, also the idempotency key sent upstream ('hold:<ticket>' for a held applicant)
    kind            TEXT NOT NULL DEFAULT 'rating', -- rating | unrated | followup | hold
    ticket_id       TEXT,                 -- whose applicant (the seal is bound to it)
    answers         TEXT,                 -- a follow-up result: the rating it answers (goes after it, parks and resends with it)
    event_seq       INTEGER,              -- the event the record is built from
    payload         TEXT,                 -- rows from before version 6, and tools: the record itself
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    delivered_at    INTEGER,
    applicant       BLOB,                 -- sealed applicant; NULL once acknowledged, or erased at erase_at
    erase_at        INTEGER,
    CHECK (kind = 'hold' OR event_seq IS NOT NULL OR payload IS NOT NULL)
  ) STRICT;
  INSERT INTO upstream_outbox_v12 (seq, rating_id, kind, event_seq, payload, created_at, attempts, last_error, next_attempt_at, delivered_at)
    SELECT seq, rating_id, 'rating', event_seq, payload, created_at, attempts, last_error, next_attempt_at, delivered_at FROM upstream_outbox;
  DROP TABLE upstream_outbox;
  ALTER TABLE upstream_outbox_v12 RENAME TO upstream_outbox;
  CREATE INDEX upstream_outbox_pending ON upstream_outbox(delivered_at, seq);
  CREATE INDEX upstream_outbox_erase ON upstream_outbox(erase_at) WHERE applicant IS NOT NULL;
  -- The daily comparison of what we delivered with what the platform says it received (where it can be asked).
  CREATE TABLE upstream_reconciliations (
    business_date TEXT PRIMARY KEY,
    checked_at    INTEGER NOT NULL,
    delivered     INTEGER NOT NULL,       -- records we delivered that day
    received      INTEGER,                -- records the platform reports for that day (NULL: it could not be asked)
    missing       TEXT NOT NULL,          -- JSON keys we delivered that the platform does not report
    extra         TEXT NOT NULL,          -- JSON keys the platform reports that we never delivered
    error         TEXT
  ) STRICT, WITHOUT ROWID;
  `,
  /* 13: device agents (issue #14 §1): a pairing request, then the manager's approval, then the agent's own
         token, kept only as its SHA-256 (the plain token exists once, in the reply the agent collects). */ `
  CREATE TABLE agents (
    id            TEXT PRIMARY KEY,       -- chosen by the agent at its first start
    code          TEXT NOT NULL,          -- the pairing code the agent shows; the manager types it to approve
    secret_sha256 TEXT NOT NULL,          -- the agent's pairing secret: only that agent collects the token
    hostname      TEXT NOT NULL,
    status        TEXT NOT NULL,          -- pending | approved | revoked
    name          TEXT,
    devices       TEXT NOT NULL DEFAULT '[]',
    token_sha256  TEXT UNIQUE,            -- set when the agent collects its token
    requested_at  INTEGER NOT NULL,
    approved_at   INTEGER,
    approved_by   TEXT,
    revoked_at    INTEGER,
    revoked_by    TEXT
  ) STRICT, WITHOUT ROWID;
  `,
  /* 14: commands to devices on agents (issue #14 §1), kept until the agent says how they ended: a ticket
         committed but not printed survives a crash of the hub or the agent, and is printed once. */ `
  CREATE TABLE agent_commands (
    seq        INTEGER PRIMARY KEY,       -- the order the agent runs them in
    id         TEXT NOT NULL UNIQUE,      -- what the agent remembers it ran
    device     TEXT NOT NULL,             -- printer:<kiosk>
    kind       TEXT NOT NULL,             -- print
    payload    TEXT NOT NULL,             -- JSON: the bytes (base64), the ticket and its number
    created_at INTEGER NOT NULL,
    done_at    INTEGER,
    outcome    TEXT,                      -- printed | failed | uncertain (the agent crashed mid-print: the guide desk reprints)
    handled_at INTEGER                    -- failed or uncertain: when the guide desk reprinted the ticket
  ) STRICT;
  CREATE INDEX agent_commands_open ON agent_commands(done_at, seq);
  `,
  /* 15: SMS (issue #15 §2): phone numbers held sealed while their ticket or booking lives; the messages to
         send, each with its own sealed copy until it is sent or given up; the messages received, kept
         until handled; and what each number took and was refused today (the per-number limits). */ `
  CREATE TABLE contacts (
    owner        TEXT PRIMARY KEY,        -- ticket:<id> | booking:<code>
    phone_key    TEXT NOT NULL,           -- HMAC of the number under the hall key
    masked       TEXT NOT NULL,           -- 138****1234
    sealed       BLOB,                    -- AES-256-GCM, bound to owner; NULL when the hall has no SMS key
    remind_ahead INTEGER,                 -- "almost your turn" at this many ahead; NULL: off
    held_at      INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX contacts_phone ON contacts(phone_key);
  CREATE TABLE sms_outbox (
    id          INTEGER PRIMARY KEY,
    dedupe      TEXT NOT NULL UNIQUE,     -- what it is about: reply:<ref> | ahead:<ticket> | called:<call> | …, sent once
    kind        TEXT NOT NULL,
    masked      TEXT NOT NULL,
    sealed      BLOB,                     -- the number, bound to dedupe; erased once sent or given up
    text        TEXT NOT NULL,
    state       TEXT NOT NULL,            -- pending | sent | delivered | undelivered | expired
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    refs        TEXT,                     -- JSON: the modem's or gateway's reference of each part
    last_error  TEXT
  ) STRICT;
  CREATE INDEX sms_outbox_due ON sms_outbox(state, next_at);
  CREATE TABLE sms_inbox (
    ref          TEXT PRIMARY KEY,        -- the channel's id of the message: a repeat is handled once
    phone_key    TEXT NOT NULL,
    masked       TEXT NOT NULL,
    sealed_from  BLOB,                    -- the sender, until the message is handled
    text         TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    handled_at   INTEGER,
    outcome      TEXT
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE sms_daily (
    phone_key     TEXT NOT NULL,
    business_date TEXT NOT NULL,
    tickets       INTEGER NOT NULL DEFAULT 0,
    refusals      INTEGER NOT NULL DEFAULT 0, -- refusals answered today: each kind of refusal is answered once
    PRIMARY KEY (phone_key, business_date)
  ) STRICT, WITHOUT ROWID;
  `,
  /* 16: booking (issue #15 §1): how each booking ended, kept as history: no-shows stay for the suspension rule
         (booked | checked_in | late | cancelled | missed). */ `
  ALTER TABLE appointments ADD COLUMN status TEXT NOT NULL DEFAULT 'booked';
  UPDATE appointments SET status = CASE WHEN used = 1 THEN 'checked_in' ELSE 'booked' END;
  CREATE INDEX appointments_status ON appointments(status, slot_end);
  `,
];

/**
 * Each pause in the log, ended by the first later resume, sign-out or sign-in at its window: one walk
 * over the window events in seq order, read through the codec so any form of row counts.
 */
export function rebuildPauses(db: Db): void {
  const codec = { timeZone: 'UTC', ratingTimeoutMs: 0 };
  const insert = db.prepare('INSERT INTO pauses (window_id, staff_id, started_at, ended_at, reason) VALUES (?, ?, ?, ?, ?)');
  const end = db.prepare('UPDATE pauses SET ended_at = ? WHERE id = ?');
  const open = new Map<number, number | bigint>();
  // Read in pages: a statement being iterated cannot share the connection with the inserts.
  const page = db.prepare(`SELECT seq, at, type, actor, data FROM events WHERE seq > ? AND type IN (${typeColumnValues('window.paused', 'window.resumed', 'window.closed', 'window.opened')}) ORDER BY seq LIMIT 5000`);
  for (let after = 0; ; ) {
    const rows = page.all(after) as { seq: number; at: number; type: string; actor: string; data: string }[];
    if (rows.length === 0) break;
    for (const r of rows) {
      const e = decodeRow(r, codec);
      const w = (e.data as { windowId: number }).windowId;
      const was = open.get(w);
      if (was !== undefined) {
        end.run(e.at, was);
        open.delete(w);
      }
      if (e.type === 'window.paused') open.set(w, insert.run(w, e.data.staffId, e.at, null, e.data.reason).lastInsertRowid);
    }
    after = rows.at(-1)!.seq;
  }
}
