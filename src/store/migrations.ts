/**
 * Every commit is fsynced, and WAL writes each page a commit dirties: text-keyed tables are
 * WITHOUT ROWID (one b-tree, not two) and there are no indexes the hub does not read.
 *
 * Schema migrations, applied in order inside one transaction each; `PRAGMA user_version` records
 * the last applied. Append only: a shipped migration is never edited.
 */
export const MIGRATIONS: readonly string[] = [
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
];
