-- view: call_metrics
-- One row per call with the metrics of DOMAIN.md (computed once, in pipeline/metrics.py).
-- columns:
--   call_id                VARCHAR   the call's id from its transcript
--   call_date              DATE      UTC day of started_at
--   started_at             TIMESTAMP call start, UTC (NULL when the transcript had none)
--   agent_id               VARCHAR   agent who took the call
--   team                   VARCHAR   agent's team
--   queue                  VARCHAR   queue the call came in on
--   language               VARCHAR   nl, en, ...
--   model_version          VARCHAR   classifier that labelled the turns
--   duration_s             DOUBLE    end of the last turn, seconds
--   n_turns                INTEGER   turns in the call
--   agent_turns            INTEGER   agent turns
--   customer_turns         INTEGER   customer turns
--   judged_turns           INTEGER   agent turns the policy judged
--   appropriate            INTEGER   judged turns with outcome appropriate
--   dosing_score           DOUBLE    appropriate / judged_turns, 0..1 (NULL when nothing judged)
--   empathy_opportunities  INTEGER   agent answers to frustrated customer turns
--   empathy_hits           INTEGER   opportunities answered with empathy
--   empathy_hit_rate       DOUBLE    empathy_hits / empathy_opportunities
--   missed_empathy         INTEGER   outcome count
--   over_empathy           INTEGER   outcome count
--   missing_boundary       INTEGER   outcome count
--   dismissive             INTEGER   outcome count
--   aggression_turns       INTEGER   customer turns labelled aggressive
--   aggression_episodes    INTEGER   aggressive episodes
--   first_aggression_at_s  DOUBLE    start of the first aggressive turn, seconds
--   boundary_set           BOOLEAN   a boundary in every aggressive episode (NULL without aggression)
--   episodes_with_boundary INTEGER   aggressive episodes with a boundary
--   seconds_to_boundary    DOUBLE    mean seconds from episode start to the boundary
--   peak_customer_state    VARCHAR   the customer's highest state
--   final_customer_state   VARCHAR   the customer's last state
--   deescalated            BOOLEAN   ended calmer than the peak (NULL when never above neutral)
--   agent_talk_share       DOUBLE    agent speech / duration
--   customer_talk_share    DOUBLE    customer speech / duration
--   silence_share          DOUBLE    time nobody speaks / duration
--   longest_silence_s      DOUBLE    longest gap, seconds
--   overlap_count          INTEGER   turns starting before the other party stopped
--   turns_per_minute       DOUBLE    turns per minute of call
CREATE OR REPLACE VIEW call_metrics AS
SELECT
    c.call_id,
    c.call_date,
    c.started_at,
    c.agent_id,
    c.team,
    c.queue,
    c.language,
    c.model_version,
    f.* EXCLUDE (call_id)
FROM stg_calls c
JOIN stg_call_facts f USING (call_id);
