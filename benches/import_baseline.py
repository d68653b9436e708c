#!/usr/bin/env python3
"""The yardstick of accueil's import (BENCHMARKS.md, « Import »): a plain
Python script that loads the same CSV into SQLite the way accueil stores it
— the same registrant table and indexes, the same FTS5 index (same
tokenizer, prefixes and detail, which folds accents itself), one
transaction, WAL with synchronous=FULL — and nothing else: no validation,
no folding of its own (ł, ø, ß, œ stay as they are), no vocabulary for
typo tolerance, no re-import matching.

    python3 benches/import_baseline.py inscrits.csv baseline.sqlite

contentless_delete needs SQLite 3.43 or later: where Python's own sqlite3
is older (Debian 12 has 3.40), `pip install pysqlite3-binary` (SQLite
3.51) is used.
"""

import csv
import json
import sys

try:
    import pysqlite3 as sqlite3
except ImportError:
    import sqlite3
import uuid

SCHEMA = """
CREATE TABLE registrant (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    code         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    organisation TEXT NOT NULL,
    email        TEXT NOT NULL,
    category     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('valid', 'pending', 'cancelled')),
    origin       TEXT NOT NULL CHECK (origin IN ('import', 'walk_in')),
    extra        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    source       TEXT CHECK (source IS NULL OR json_valid(source)),
    last_key     TEXT NOT NULL,
    first_key    TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX registrant_email ON registrant (email COLLATE NOCASE) WHERE email <> '';
CREATE INDEX registrant_last_key ON registrant (last_key, first_key);
CREATE INDEX registrant_first_key ON registrant (first_key, last_key);
CREATE VIRTUAL TABLE registrant_fts USING fts5 (
    first, last, organisation, email, code,
    content = '', contentless_delete = 1,
    detail = column,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
"""

STATUS = {"confirmé": "valid", "en attente": "pending", "annulé": "cancelled"}
NAMESPACE = uuid.UUID("6b1f3c2e-9a4d-4e0b-8f7a-2d5c1e3b9a60")


def main(csv_path, db_path):
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA cache_size = -65536")
    db.executescript(SCHEMA)
    now = "2022-09-28T07:00:00.000Z"
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter=";")
        next(rows)
        db.execute("BEGIN")
        for code, last, first, org, email, category, status in rows:
            first_key, last_key = first.lower(), last.lower()
            cur = db.execute(
                "INSERT INTO registrant (uid, code, first_name, last_name, organisation, email,"
                " category, status, origin, extra, source, last_key, first_key, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'import', ?, NULL, ?, ?, ?)",
                (str(uuid.uuid5(NAMESPACE, code)), code, first, last, org, email, category,
                 STATUS[status], json.dumps({}), last_key, first_key, now),
            )
            db.execute(
                "INSERT INTO registrant_fts (rowid, first, last, organisation, email, code)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (cur.lastrowid, first, last, org, email, code),
            )
        db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
