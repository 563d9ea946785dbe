-- view: stg_runs
-- One row per run of the nightly job (command line or DAG).
-- columns:
--   run_id         VARCHAR    cli-... or the Airflow run id
--   started_at     TIMESTAMP  UTC
--   finished_at    TIMESTAMP  UTC
--   inputs         INTEGER    calls and files seen
--   loaded         INTEGER    calls written
--   skipped        INTEGER    calls already loaded with the same content, model and policy
--   quarantined    INTEGER    inputs quarantined (the gate's included)
--   gate_failures  INTEGER    calls the Great Expectations gate quarantined
--   exit_code      INTEGER    0 all loaded, 3 some quarantined, 1 failed
--   data_docs      VARCHAR    index.html of the run's GX Data Docs
--   published_at   TIMESTAMP  when the run's read-only snapshot was published
CREATE OR REPLACE VIEW stg_runs AS
SELECT
    run_id,
    started_at,
    finished_at,
    CAST(inputs AS INTEGER)        AS inputs,
    CAST(loaded AS INTEGER)        AS loaded,
    CAST(skipped AS INTEGER)       AS skipped,
    CAST(quarantined AS INTEGER)   AS quarantined,
    CAST(gate_failures AS INTEGER) AS gate_failures,
    CAST(exit_code AS INTEGER)     AS exit_code,
    data_docs,
    published_at
FROM runs;
