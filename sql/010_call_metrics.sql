-- call_metrics: one row per call with the metrics of DOMAIN.md.
-- Columns: call_id, call_date (UTC day of started_at), started_at, agent_id, team, queue,
-- language, model_version, and every column of call_facts (see 001_tables.sql and
-- pipeline/metrics.py for their definitions).
CREATE OR REPLACE VIEW call_metrics AS
SELECT
    c.call_id,
    CAST(c.started_at AS DATE) AS call_date,
    c.started_at,
    c.agent_id,
    c.team,
    c.queue,
    c.language,
    c.model_version,
    f.* EXCLUDE (call_id)
FROM calls c
JOIN call_facts f USING (call_id);
