-- Migration 5: what each run's quality gate and publishing did.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS gate_failures INTEGER;  -- calls the GX gate quarantined
ALTER TABLE runs ADD COLUMN IF NOT EXISTS data_docs VARCHAR;      -- index.html of the run's GX Data Docs
ALTER TABLE runs ADD COLUMN IF NOT EXISTS published_at TIMESTAMP; -- when the read-only snapshot was published
