-- The transparency log (FORMATS §8): every entry with its RFC 6962 leaf hash, indexed from 0 in the
-- order the sequencer committed them, and the latest checkpoint published (cosigned to quorum).
-- Entries are never updated or deleted: the tree is rebuilt from them after a crash.
CREATE TABLE log_entries (
  idx       INTEGER PRIMARY KEY,
  leaf_hash BLOB NOT NULL,
  entry     BLOB NOT NULL
);
CREATE TABLE log_checkpoint (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  size         INTEGER NOT NULL,
  checkpoint   TEXT NOT NULL,
  published_at INTEGER NOT NULL
);
