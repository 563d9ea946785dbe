-- Migration 4: retention. `empathy-dial purge` deletes transcript text and audio references
-- older than the policy allows and keeps labels, outcomes and metrics.
ALTER TABLE turns ALTER COLUMN text DROP NOT NULL;   -- NULL once purged
ALTER TABLE calls ADD COLUMN IF NOT EXISTS purged_at TIMESTAMP;  -- when its text was purged
