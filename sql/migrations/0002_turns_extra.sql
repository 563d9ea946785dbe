-- Migration 2: warehouses created before turns.extra existed get it.
ALTER TABLE turns ADD COLUMN IF NOT EXISTS extra VARCHAR;
