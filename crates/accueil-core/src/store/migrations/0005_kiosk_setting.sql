-- accueil schema 5: what this kiosk learns by itself, never synced.

-- `scanner_mix`: the keyboard mix-up (`us/fr`: a scanner in US mode on a
-- French computer) under which an unknown scan last matched a ticket; the
-- next unknown scan tries it first.
CREATE TABLE kiosk_setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
