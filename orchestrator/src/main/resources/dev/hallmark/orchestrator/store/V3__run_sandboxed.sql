-- A run whose jobs ran without the bubblewrap sandbox (serve/run --unsafe-no-sandbox) says so for ever.
ALTER TABLE runs ADD COLUMN sandboxed INTEGER NOT NULL DEFAULT 1;
