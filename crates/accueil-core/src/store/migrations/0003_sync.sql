-- accueil schema 3: what this copy knows of the sync.

-- Small named values: on a kiosk, `acked` (its own last record the hub has
-- acknowledged), `hub_list_rev` (the hub list revision applied here),
-- `last_sync`, `last_error`; everywhere, `list_rev` (bumped by each import
-- that changed the list: a hub hands it to kiosks).
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Arrivals by day, for today's counts and double entries.
CREATE INDEX record_arrival_day ON record (day, registrant) WHERE kind = 'arrival';
