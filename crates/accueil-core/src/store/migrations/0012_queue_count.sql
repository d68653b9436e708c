-- accueil schema 12: what the people counting the entrance queue said
-- (the door view's « + 1 », « la file est vide »). Kept by the hub, where the
-- count is made and the forecast computed; no person in it. Append-only.
CREATE TABLE queue_count (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    -- People who joined the queue (negative: a correction), or NULL for
    -- « the queue is empty now ».
    joined INTEGER,
    CHECK (joined IS NULL OR joined BETWEEN -1000 AND 1000)
);
CREATE INDEX queue_count_at ON queue_count (at, joined);
-- « The queue is empty »: the latest one is where the count starts.
CREATE INDEX queue_count_empty ON queue_count (at) WHERE joined IS NULL;
