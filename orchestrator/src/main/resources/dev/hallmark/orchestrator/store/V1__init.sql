-- Hallmark orchestrator store, version 1. Times are milliseconds since the epoch (UTC).
CREATE TABLE repositories (
  name          TEXT PRIMARY KEY,
  path          TEXT NOT NULL,
  clone_url     TEXT NOT NULL,
  registered_at INTEGER NOT NULL
);
-- A run keeps its own copy of the clone URL: the statement is built from the run record alone.
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  repository    TEXT NOT NULL REFERENCES repositories(name),
  ref           TEXT NOT NULL,
  sha           TEXT NOT NULL,
  event         TEXT NOT NULL,
  workflow_path TEXT NOT NULL,
  clone_url     TEXT NOT NULL,
  status        TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER
);
CREATE TABLE jobs (
  id                    TEXT PRIMARY KEY,
  run_id                INTEGER NOT NULL REFERENCES runs(id),
  name                  TEXT NOT NULL,
  status                TEXT NOT NULL,
  reason                TEXT,
  started_at            INTEGER,
  finished_at           INTEGER,
  capability_hash       BLOB UNIQUE,
  capability_expires_at INTEGER
);
CREATE INDEX jobs_by_run ON jobs(run_id);
CREATE TABLE steps (
  job_id      TEXT NOT NULL REFERENCES jobs(id),
  name        TEXT NOT NULL,
  status      TEXT NOT NULL,
  message     TEXT,
  started_at  INTEGER,
  finished_at INTEGER,
  PRIMARY KEY (job_id, name)
);
CREATE TABLE logs (
  job_id TEXT NOT NULL REFERENCES jobs(id),
  seq    INTEGER NOT NULL,
  stream TEXT NOT NULL,
  line   TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
);
CREATE TABLE attestations (
  storage_key    TEXT PRIMARY KEY,
  job_id         TEXT NOT NULL REFERENCES jobs(id),
  subject_name   TEXT NOT NULL,
  subject_sha256 TEXT NOT NULL,
  bundle         BLOB NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX attestations_by_job ON attestations(job_id);
