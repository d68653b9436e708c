-- accueil schema 2: the persistent print queue.
--
-- A job survives the printer being off and the app restarting. States:
--   queued  waiting to be handed to the printer (attempts, error say why not yet);
--   sent    accepted by the printer (printer_job): the badge_printed record
--           is written at that moment, in the same transaction;
--   done    printed, as the printer reports;
--   failed  the printer cancelled or aborted it (error says why).
CREATE TABLE print_job (
    id          INTEGER PRIMARY KEY,
    registrant  TEXT NOT NULL,          -- registrant uid
    reason      TEXT NOT NULL,          -- "checkin", "reprint: …"
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    printer     TEXT NOT NULL,          -- where it was or will be sent
    printer_job TEXT,
    record      TEXT,                   -- the badge_printed record
    title       TEXT NOT NULL,
    media       TEXT NOT NULL,
    pdf         BLOB NOT NULL,          -- kept until printed: a restart re-renders nothing
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (state <> 'queued' OR record IS NULL),
    CHECK (state NOT IN ('sent', 'done') OR record IS NOT NULL)
);
CREATE INDEX print_job_state ON print_job (state, id);
CREATE INDEX print_job_registrant ON print_job (registrant);
CREATE INDEX record_badge ON record (registrant) WHERE kind = 'badge_printed';
