-- accueil schema 11: where each person is now, and who came to which session.
-- Derived from the door records as they come in (like the search index from the list),
-- so that a door's count and the page's are a lookup, not a replay of the
-- log. Rooms in door records are the programme's spelling (the door
-- writes it so), compared exactly. A record's refusal by the hub takes
-- it out again.
CREATE TABLE room_presence (
    registrant TEXT PRIMARY KEY,
    session    TEXT NOT NULL,
    room       TEXT NOT NULL,
    entered    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX room_presence_session ON room_presence (session);
CREATE TABLE session_attendance (
    session    TEXT NOT NULL,
    registrant TEXT NOT NULL,
    PRIMARY KEY (session, registrant)
) WITHOUT ROWID;

-- A person's presence: their latest entry not closed since by an entry
-- anywhere or an exit of its room (by time, then id, as every copy
-- orders them), their records refused by the hub left out.
CREATE VIEW room_presence_of AS
    SELECT e.registrant, json_extract(e.payload, '$.session') AS session,
           json_extract(e.payload, '$.room') AS room, e.at AS entered
    FROM record e
    WHERE e.kind = 'room_entry'
      AND NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = e.id AND f.kind = 'refused')
      AND NOT EXISTS (
          SELECT 1 FROM record l
          WHERE l.registrant = e.registrant AND l.kind IN ('room_entry', 'room_exit')
            AND (l.at > e.at OR (l.at = e.at AND l.id > e.id))
            AND (l.kind = 'room_entry'
                 OR json_extract(l.payload, '$.room') = json_extract(e.payload, '$.room'))
            AND NOT EXISTS (SELECT 1 FROM record_refused g WHERE g.id = l.id AND g.kind = 'refused'));

CREATE TRIGGER record_room AFTER INSERT ON record
WHEN NEW.kind IN ('room_entry', 'room_exit')
BEGIN
    DELETE FROM room_presence WHERE registrant = NEW.registrant;
    INSERT INTO room_presence (registrant, session, room, entered)
        SELECT registrant, session, room, entered FROM room_presence_of
        WHERE registrant = NEW.registrant;
    INSERT OR IGNORE INTO session_attendance (session, registrant)
        SELECT json_extract(NEW.payload, '$.session'), NEW.registrant
        WHERE NEW.kind = 'room_entry'
          AND NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = NEW.id AND f.kind = 'refused');
END;

CREATE TRIGGER record_room_refused AFTER INSERT ON record_refused
WHEN NEW.kind = 'refused'
  AND EXISTS (SELECT 1 FROM record r WHERE r.id = NEW.id AND r.kind IN ('room_entry', 'room_exit'))
BEGIN
    DELETE FROM room_presence
        WHERE registrant = (SELECT registrant FROM record WHERE id = NEW.id);
    INSERT INTO room_presence (registrant, session, room, entered)
        SELECT registrant, session, room, entered FROM room_presence_of
        WHERE registrant = (SELECT registrant FROM record WHERE id = NEW.id);
    DELETE FROM session_attendance
        WHERE registrant = (SELECT registrant FROM record WHERE id = NEW.id);
    INSERT OR IGNORE INTO session_attendance (session, registrant)
        SELECT json_extract(r.payload, '$.session'), r.registrant FROM record r
        WHERE r.registrant = (SELECT registrant FROM record WHERE id = NEW.id)
          AND r.kind = 'room_entry'
          AND NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = r.id AND f.kind = 'refused');
END;

-- Door records written under schema 10.
INSERT INTO room_presence (registrant, session, room, entered)
    SELECT registrant, session, room, entered FROM room_presence_of;
INSERT OR IGNORE INTO session_attendance (session, registrant)
    SELECT json_extract(r.payload, '$.session'), r.registrant FROM record r
    WHERE r.kind = 'room_entry'
      AND NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = r.id AND f.kind = 'refused');
