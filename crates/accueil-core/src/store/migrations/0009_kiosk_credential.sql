-- accueil schema 9: each kiosk its own credential, given by the hub at
-- enrolment. The hub keeps only a hash of its secret; a credential writes
-- only to the logs it started (a log is bound to the first credential that
-- brought records of it). A revoked kiosk id cannot enrol again until an
-- organiser readmits it.
CREATE TABLE kiosk_credential (
    id          TEXT PRIMARY KEY,   -- the credential's public part
    kiosk       TEXT NOT NULL,      -- [kiosk] id it was given to
    secret_hash TEXT NOT NULL,      -- SHA-256 of the secret, hex
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX kiosk_credential_kiosk ON kiosk_credential (kiosk);
CREATE TABLE kiosk_barred (
    kiosk     TEXT PRIMARY KEY,
    barred_at TEXT NOT NULL
);
CREATE TABLE log_credential (
    log        TEXT PRIMARY KEY,
    credential TEXT NOT NULL
);
