-- accueil schema 4: this copy's dealings with pretix (only the copy that
-- talks to pretix fills these: the hub, or a kiosk working without one).

-- Arrival and undo records settled with pretix, and how.
CREATE TABLE pretix_push (
    record TEXT PRIMARY KEY,   -- record.id (also the nonce sent to pretix)
    answer TEXT NOT NULL CHECK (answer IN
        ('accepted', 'already_in', 'refused', 'annulled', 'annul_refused', 'local')),
    reason TEXT,               -- pretix's reason code, or why it stayed local
    forced INTEGER NOT NULL DEFAULT 0,
    at     TEXT NOT NULL       -- when it was settled
);

-- pretix check-ins already known here: one of our arrivals pushed there, or
-- an arrival brought in from pretix. Never brought in twice.
CREATE TABLE pretix_checkin (
    id     INTEGER PRIMARY KEY, -- pretix's check-in id
    record TEXT NOT NULL        -- the local arrival it is
);

-- Arrivals brought in from pretix are written in the log of the copy that
-- fetched them; for the desk and the counts they came through "pretix".
DROP VIEW live_arrival;
CREATE VIEW live_arrival AS
    SELECT a.id,
           CASE WHEN json_extract(a.payload, '$.via') = 'pretix' THEN 'pretix'
                ELSE a.kiosk END AS kiosk,
           a.seq, a.at, a.kind, a.registrant, a.day, a.reverts, a.payload
    FROM record a
    WHERE a.kind = 'arrival'
      AND NOT EXISTS (SELECT 1 FROM record u WHERE u.reverts = a.id);
