-- accueil schema 6: FTS5 keeps up to 32 MiB of new index entries in memory
-- before writing a segment (1 MiB by default): a 100,000-person import then
-- writes a few large segments instead of merging hundreds of small ones
-- (the index insert time halves). Desk transactions are tiny either way.
INSERT INTO registrant_fts (registrant_fts, rank) VALUES ('hashsize', 33554432);
