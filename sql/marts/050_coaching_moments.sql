-- view: coaching_moments
-- The moments most worth a coach's time: every judged agent turn whose outcome is not
-- appropriate, ranked. priority = outcome weight (settings: coach_weight_*; 1 for an outcome without one)
--   x (1 + 0.5 x severity of the customer state it answered: neutral 0, frustrated 1, aggressive 2)
--   x 1.25 when the call ended no calmer than its peak (deescalated = false).
-- Ties go to the more recent call. Each row points at a call and a turn.
-- Computed live over all turns; the dashboard reads coaching_queue, the same rows materialised
-- by the loader (see 051_coaching_queue.sql).
-- columns:
--   rank             BIGINT    1 = most worth a coach's time, over the whole warehouse
--   agent_rank       BIGINT    the same ranking within the agent's own moments
--   priority         DOUBLE    the score ranked on (see above)
--   call_id          VARCHAR   the call
--   turn_index       INTEGER   the agent turn to review
--   start_s          DOUBLE    where that turn starts in the call, seconds
--   context_turn     INTEGER   the customer turn it was judged against
--   call_date        DATE      UTC day of the call
--   started_at       TIMESTAMP call start, UTC
--   agent_id         VARCHAR   the agent
--   team             VARCHAR   the agent's team
--   queue            VARCHAR   the call's queue
--   language         VARCHAR   the call's language
--   outcome          VARCHAR   missed_empathy | over_empathy | missing_boundary | dismissive
--   policy_rule      VARCHAR   the policy rule that matched
--   explanation      VARCHAR   why, naming the turns
--   agent_text       VARCHAR   what the agent said (NULL once purged)
--   customer_state   VARCHAR   state of the customer turn it answered
--   customer_text    VARCHAR   what the customer said (NULL once purged)
CREATE OR REPLACE VIEW coaching_moments AS
WITH weights AS (
    SELECT
        replace(key, 'coach_weight_', '') AS outcome,
        value                             AS weight
    FROM settings
    WHERE key LIKE 'coach_weight_%'
),
moments AS (
    SELECT
        t.call_id,
        t.turn_index,
        t.start_s,
        t.context_turn,
        c.call_date,
        c.started_at,
        c.agent_id,
        c.team,
        c.queue,
        c.language,
        t.outcome,
        t.policy_rule,
        t.explanation,
        t.text           AS agent_text,
        ct.customer_state,
        ct.text          AS customer_text,
        coalesce(w.weight, 1)
            * (1 + 0.5 * CASE ct.customer_state WHEN 'aggressive' THEN 2 WHEN 'frustrated' THEN 1 ELSE 0 END)
            * CASE WHEN c.deescalated = false THEN 1.25 ELSE 1 END AS priority
    FROM stg_turns t
    LEFT JOIN weights w ON w.outcome = t.outcome
    JOIN call_metrics c ON c.call_id = t.call_id
    LEFT JOIN stg_turns ct ON ct.call_id = t.call_id AND ct.turn_index = t.context_turn
    WHERE t.outcome IS NOT NULL AND t.outcome <> 'appropriate'
)
SELECT
    row_number() OVER (ORDER BY priority DESC, started_at DESC NULLS LAST, call_id, turn_index) AS rank,
    row_number() OVER (
        PARTITION BY agent_id ORDER BY priority DESC, started_at DESC NULLS LAST, call_id, turn_index
    ) AS agent_rank,
    priority,
    call_id,
    turn_index,
    start_s,
    context_turn,
    call_date,
    started_at,
    agent_id,
    team,
    queue,
    language,
    outcome,
    policy_rule,
    explanation,
    agent_text,
    customer_state,
    customer_text
FROM moments;
