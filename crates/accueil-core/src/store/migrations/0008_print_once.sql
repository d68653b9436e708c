-- accueil schema 8: a badge printed exactly once, whatever kills the
-- process. Each job has a name of its own, sent to the printer (the CUPS
-- job-name, the folder printer's file name: no ticket code, no person's
-- name); `submitting` is set, durably, before the job is handed over, so
-- that after a crash the queue first asks the printer whether it already
-- holds a job of that name instead of printing it a second time.
ALTER TABLE print_job ADD COLUMN job_name TEXT;
ALTER TABLE print_job ADD COLUMN submitting INTEGER NOT NULL DEFAULT 0;
UPDATE print_job SET job_name = 'badge-' || id WHERE job_name IS NULL;
