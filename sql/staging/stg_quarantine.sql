-- view: stg_quarantine
-- Inputs that could not be loaded, with the reason (one row per input).
-- columns:
--   source         VARCHAR    the input (file, or file.jsonl:LINE)
--   stage          VARCHAR    ingest | parse | transcribe | validate | analyze | gate
--   reason         VARCHAR    names the file, the field and the rule (for the gate: the expectation)
--   quarantined_at TIMESTAMP  when it was last quarantined
--   source_sha256  VARCHAR    content hash of the input
CREATE OR REPLACE VIEW stg_quarantine AS
SELECT
    source,
    stage,
    reason,
    "at" AS quarantined_at,
    source_sha256
FROM quarantine;
