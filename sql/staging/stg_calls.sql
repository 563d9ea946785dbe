-- view: stg_calls
-- One row per loaded call: the calls table renamed and cast for the marts (nothing computed).
-- columns:
--   call_id        VARCHAR    the call's id from its transcript
--   started_at     TIMESTAMP  call start, UTC (NULL when the transcript had none)
--   call_date      DATE       UTC day of started_at
--   agent_id       VARCHAR    agent who took the call
--   team           VARCHAR    agent's team
--   queue          VARCHAR    queue the call came in on
--   language       VARCHAR    nl, en, ...
--   duration_s     DOUBLE     end of the last turn, seconds
--   source         VARCHAR    file it came from (NULL once a recording reference is purged)
--   source_sha256  VARCHAR    content hash of that input
--   model_version  VARCHAR    classifier that labelled the turns
--   policy_version VARCHAR    dosing policy that judged them
--   loaded_at      TIMESTAMP  when the loader wrote the call
--   purged_at      TIMESTAMP  when retention purged its text (NULL while kept)
CREATE OR REPLACE VIEW stg_calls AS
SELECT
    call_id,
    CAST(started_at AS TIMESTAMP) AS started_at,
    CAST(started_at AS DATE)      AS call_date,
    agent_id,
    team,
    queue,
    language,
    CAST(duration_s AS DOUBLE)    AS duration_s,
    source,
    source_sha256,
    model_version,
    policy_version,
    loaded_at,
    purged_at
FROM calls;
