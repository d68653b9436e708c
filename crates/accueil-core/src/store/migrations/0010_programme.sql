-- accueil schema 10: the programme (sessions in rooms) and room doors.
-- Records gain two kinds: `room_entry` (payload {room, session}) and
-- `room_exit` (payload {room}); the table is rebuilt for its CHECK, as in
-- schema 7, unchanged otherwise.

DROP VIEW live_arrival;
DROP TRIGGER record_no_update;
DROP TRIGGER record_no_delete;
DROP TRIGGER record_mark;

CREATE TABLE record_v10 (
    id         TEXT PRIMARY KEY,                 -- UUIDv7
    kiosk      TEXT NOT NULL,                    -- the kiosk that wrote it
    log        TEXT NOT NULL,                    -- its log: the kiosk's id, or kiosk~incarnation
    seq        INTEGER NOT NULL CHECK (seq > 0), -- 1, 2, 3… per log
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('arrival', 'undo', 'badge_printed', 'walk_in',
                                             'registrant_edited', 'room_entry', 'room_exit')),
    registrant TEXT NOT NULL,
    day        TEXT,
    reverts    TEXT,
    payload    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    UNIQUE (log, seq),
    CHECK ((kind IN ('arrival', 'undo')) = (day IS NOT NULL)),
    CHECK ((kind = 'undo') = (reverts IS NOT NULL))
);
INSERT INTO record_v10 (id, kiosk, log, seq, at, kind, registrant, day, reverts, payload)
    SELECT id, kiosk, log, seq, at, kind, registrant, day, reverts, payload FROM record;
DROP TABLE record;
ALTER TABLE record_v10 RENAME TO record;

CREATE INDEX record_registrant ON record (registrant, kind, day);
CREATE INDEX record_reverts ON record (reverts) WHERE reverts IS NOT NULL;
CREATE INDEX record_badge ON record (registrant) WHERE kind = 'badge_printed';
CREATE INDEX record_arrival_day ON record (day, registrant) WHERE kind = 'arrival';
CREATE INDEX record_kiosk ON record (kiosk);
-- A door's count of a session: its entries, by session.
CREATE INDEX record_room_session ON record (json_extract(payload, '$.session'))
    WHERE kind = 'room_entry';

CREATE TRIGGER record_no_update BEFORE UPDATE ON record
WHEN NEW.id IS NOT OLD.id OR NEW.kiosk IS NOT OLD.kiosk OR NEW.at IS NOT OLD.at
  OR NEW.kind IS NOT OLD.kind OR NEW.registrant IS NOT OLD.registrant
  OR NEW.day IS NOT OLD.day OR NEW.reverts IS NOT OLD.reverts
  OR NEW.payload IS NOT OLD.payload
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER record_no_delete BEFORE DELETE ON record
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER record_mark AFTER INSERT ON record
BEGIN
    INSERT INTO log_mark (log, held, top) VALUES (NEW.log, NEW.seq, NEW.seq)
    ON CONFLICT (log) DO UPDATE SET held = MAX(held, excluded.held), top = MAX(top, excluded.top);
END;

CREATE VIEW live_arrival AS
    SELECT a.id,
           CASE WHEN json_extract(a.payload, '$.via') = 'pretix' THEN 'pretix'
                ELSE a.kiosk END AS kiosk,
           a.seq, a.at, a.kind, a.registrant, a.day, a.reverts, a.payload
    FROM record a
    WHERE a.kind = 'arrival'
      AND NOT EXISTS (SELECT 1 FROM record u WHERE u.reverts = a.id)
      AND NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = a.id AND f.kind = 'refused');

-- The programme, as the last `accueil programme FILE` gave it (a hub hands
-- it to kiosks with the list). Replaced whole by each import.
CREATE TABLE session (
    id                TEXT PRIMARY KEY,
    title             TEXT NOT NULL,
    room              TEXT NOT NULL,
    starts_at         TEXT NOT NULL,   -- UTC
    ends_at           TEXT NOT NULL,   -- UTC
    capacity          INTEGER CHECK (capacity IS NULL OR capacity > 0),
    registration_only INTEGER NOT NULL DEFAULT 0 CHECK (registration_only IN (0, 1)),
    CHECK (ends_at > starts_at)
) WITHOUT ROWID;
-- Who registered for which session (registrant uids: a ticket's uid is
-- known before its holder is imported).
CREATE TABLE session_registrant (
    session    TEXT NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    registrant TEXT NOT NULL,
    PRIMARY KEY (session, registrant)
) WITHOUT ROWID;
