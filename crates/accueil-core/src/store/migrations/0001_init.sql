-- accueil schema 1: registrants, the append-only log, search.

-- The people expected (and walk-ins). Current values: a desk fix is written
-- here and logged as a `registrant_edited` record.
CREATE TABLE registrant (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    code         TEXT NOT NULL UNIQUE COLLATE NOCASE, -- scanners and people get case wrong
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    organisation TEXT NOT NULL,
    email        TEXT NOT NULL,
    category     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('valid', 'pending', 'cancelled')),
    origin       TEXT NOT NULL CHECK (origin IN ('import', 'walk_in')),
    extra        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    -- The fields as the source last gave them (JSON), NULL while they are the
    -- current values: a re-import only overwrites what the source changed,
    -- so fixes made at the desk survive.
    source       TEXT CHECK (source IS NULL OR json_valid(source)),
    -- Folded names (no case, no accents) for ranking and prefix scans.
    last_key     TEXT NOT NULL,
    first_key    TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX registrant_email ON registrant (email COLLATE NOCASE) WHERE email <> '';
CREATE INDEX registrant_last_key ON registrant (last_key, first_key);
CREATE INDEX registrant_first_key ON registrant (first_key, last_key);

-- Everything a kiosk does. Never updated, never deleted: current state is
-- derived. No foreign key to registrant on purpose: logs of several kiosks
-- arrive in any order through sync.
CREATE TABLE record (
    id         TEXT PRIMARY KEY,                 -- UUIDv7
    kiosk      TEXT NOT NULL,
    seq        INTEGER NOT NULL CHECK (seq > 0), -- 1, 2, 3… per kiosk
    at         TEXT NOT NULL,                    -- UTC, 2022-09-28T07:14:03.120Z
    kind       TEXT NOT NULL CHECK (kind IN ('arrival', 'undo', 'badge_printed', 'walk_in', 'registrant_edited')),
    registrant TEXT NOT NULL,                    -- registrant uid
    day        TEXT,                             -- event day of an arrival or undo
    reverts    TEXT,                             -- the arrival an undo reverts
    payload    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    UNIQUE (kiosk, seq),
    CHECK ((kind IN ('arrival', 'undo')) = (day IS NOT NULL)),
    CHECK ((kind = 'undo') = (reverts IS NOT NULL))
);
-- A person's records (check-in reads their live arrivals). Deliberately no
-- index led by `kind`: the planner would prefer it and scan every arrival.
CREATE INDEX record_registrant ON record (registrant, kind, day);
CREATE INDEX record_reverts ON record (reverts) WHERE reverts IS NOT NULL;

-- Derived state, defined once: an arrival is live until an undo reverts it.
CREATE VIEW live_arrival AS
    SELECT a.* FROM record a
    WHERE a.kind = 'arrival'
      AND NOT EXISTS (SELECT 1 FROM record u WHERE u.reverts = a.id);

CREATE TRIGGER record_no_update BEFORE UPDATE ON record
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER record_no_delete BEFORE DELETE ON record
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- Full-text search over folded text (folding is done in Rust, the same way
-- for indexing and for queries). Prefix indexes make 1-3 letter prefixes fast.
CREATE VIRTUAL TABLE registrant_fts USING fts5 (
    first, last, organisation, email, code,
    content = '', contentless_delete = 1,
    -- No phrase queries: positions are not needed, columns are (name filter).
    detail = column,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

-- Words of first and last names, for typo-tolerant search. Grows only: a
-- word no longer used just matches nobody.
CREATE TABLE name_term (
    term TEXT PRIMARY KEY,
    len  INTEGER NOT NULL
) WITHOUT ROWID;
