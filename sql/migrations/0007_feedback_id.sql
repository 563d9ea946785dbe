-- Migration 7: each correction keeps the id it had in the inbox, so storing it twice (a crash
-- between the commit and the inbox clean-up) replaces instead of doubling it.
ALTER TABLE feedback ADD COLUMN IF NOT EXISTS correction_id VARCHAR;
