-- accueil schema 7: a record's sequence number counts within its log, not
-- within its kiosk. A kiosk writes into one log (an incarnation); a kiosk
-- whose database was replaced, restored from a backup or copied starts a
-- new one, so that it never writes a number the hub already holds for a
-- different record. Existing records keep their kiosk's id as their log.

DROP VIEW live_arrival;
DROP TRIGGER record_no_update;
DROP TRIGGER record_no_delete;

CREATE TABLE record_v7 (
    id         TEXT PRIMARY KEY,                 -- UUIDv7
    kiosk      TEXT NOT NULL,                    -- the kiosk that wrote it
    log        TEXT NOT NULL,                    -- its log: the kiosk's id, or kiosk~incarnation
    seq        INTEGER NOT NULL CHECK (seq > 0), -- 1, 2, 3… per log
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('arrival', 'undo', 'badge_printed', 'walk_in', 'registrant_edited')),
    registrant TEXT NOT NULL,
    day        TEXT,
    reverts    TEXT,
    payload    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    UNIQUE (log, seq),
    CHECK ((kind IN ('arrival', 'undo')) = (day IS NOT NULL)),
    CHECK ((kind = 'undo') = (reverts IS NOT NULL))
);
INSERT INTO record_v7 (id, kiosk, log, seq, at, kind, registrant, day, reverts, payload)
    SELECT id, kiosk, kiosk, seq, at, kind, registrant, day, reverts, payload FROM record;
DROP TABLE record;
ALTER TABLE record_v7 RENAME TO record;

CREATE INDEX record_registrant ON record (registrant, kind, day);
CREATE INDEX record_reverts ON record (reverts) WHERE reverts IS NOT NULL;
CREATE INDEX record_badge ON record (registrant) WHERE kind = 'badge_printed';
CREATE INDEX record_arrival_day ON record (day, registrant) WHERE kind = 'arrival';
CREATE INDEX record_kiosk ON record (kiosk);

-- Append-only, with one exception: a kiosk's records the hub never took
-- (their numbers clashed with another copy's) move, unchanged, to a new
-- log — only their log and number change.
CREATE TRIGGER record_no_update BEFORE UPDATE ON record
WHEN NEW.id IS NOT OLD.id OR NEW.kiosk IS NOT OLD.kiosk OR NEW.at IS NOT OLD.at
  OR NEW.kind IS NOT OLD.kind OR NEW.registrant IS NOT OLD.registrant
  OR NEW.day IS NOT OLD.day OR NEW.reverts IS NOT OLD.reverts
  OR NEW.payload IS NOT OLD.payload
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER record_no_delete BEFORE DELETE ON record
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- Numbers of a log held without a record of their own:
-- * `refused`: a record the hub refused (a time out of range, an unknown
--   person…), kept, never applied, so that the log's numbers go on and the
--   refusal can be told. On a kiosk, its own records the hub refused, as
--   the hub explained them.
-- * `waiting`: at the hub, a record about someone (or an arrival) it does
--   not hold yet — a walk-in whose record has not come back after a hub
--   restore: applied as soon as it is here.
-- * `duplicate`: a record this copy already holds under another number (a
--   copied kiosk moved it to a log of its own, and so did the original).
CREATE TABLE record_refused (
    log      TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    id       TEXT NOT NULL,
    kiosk    TEXT NOT NULL,
    kind     TEXT NOT NULL DEFAULT 'refused' CHECK (kind IN ('refused', 'waiting', 'duplicate')),
    record   TEXT NOT NULL,     -- the record as received (JSON)
    reason   TEXT NOT NULL,
    refused_at TEXT NOT NULL,
    PRIMARY KEY (log, seq)
) WITHOUT ROWID;
CREATE INDEX record_refused_id ON record_refused (id);

CREATE VIEW live_arrival AS
    SELECT a.id,
           CASE WHEN json_extract(a.payload, '$.via') = 'pretix' THEN 'pretix'
                ELSE a.kiosk END AS kiosk,
           a.seq, a.at, a.kind, a.registrant, a.day, a.reverts, a.payload
    FROM record a
    WHERE a.kind = 'arrival'
      AND NOT EXISTS (SELECT 1 FROM record u WHERE u.reverts = a.id)
      AND NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = a.id AND f.kind = 'refused');


-- How far each log goes, kept as records come in: what sync exchanges at
-- every round, without reading the whole log. `held` counts records kept,
-- `top` refused ones too (the log's numbers go on past them).
CREATE TABLE log_mark (
    log  TEXT PRIMARY KEY,
    held INTEGER NOT NULL DEFAULT 0,
    top  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO log_mark (log, held, top) SELECT log, MAX(seq), MAX(seq) FROM record GROUP BY log;

CREATE TRIGGER record_mark AFTER INSERT ON record
BEGIN
    INSERT INTO log_mark (log, held, top) VALUES (NEW.log, NEW.seq, NEW.seq)
    ON CONFLICT (log) DO UPDATE SET held = MAX(held, excluded.held), top = MAX(top, excluded.top);
END;
CREATE TRIGGER record_refused_mark AFTER INSERT ON record_refused
BEGIN
    INSERT INTO log_mark (log, held, top) VALUES (NEW.log, 0, NEW.seq)
    ON CONFLICT (log) DO UPDATE SET top = MAX(top, excluded.top);
END;
