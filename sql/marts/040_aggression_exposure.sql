-- view: aggression_exposure
-- One row per agent and ISO week in which the agent took calls: how much aggression the agent
-- absorbed, over that week and the 4 weeks ending with it (weeks without calls count as
-- nothing). A wellbeing signal for team leads, not a ranking of blame. The thresholds live in
-- the settings table (exposure_high_rate, exposure_min_calls, exposure_sustained_weeks).
-- columns:
--   agent_id                    VARCHAR   the agent
--   team                        VARCHAR   the agent's team that week
--   week                        DATE      Monday of the week (UTC)
--   calls                       BIGINT    calls taken that week
--   calls_with_aggression       BIGINT    calls with at least one aggressive customer turn
--   aggression_turns            HUGEINT   aggressive customer turns absorbed
--   aggression_episodes         HUGEINT   aggressive episodes
--   exposure_rate               DOUBLE    calls_with_aggression / calls
--   rolling_4w_calls            HUGEINT   calls over the 4 weeks ending with this one
--   rolling_4w_calls_with_aggression HUGEINT calls with aggression over those 4 weeks
--   rolling_4w_aggression_turns HUGEINT   aggressive turns over those 4 weeks
--   rolling_4w_exposure_rate    DOUBLE    rolling_4w_calls_with_aggression / rolling_4w_calls
--   high_exposure               BOOLEAN   exposure_rate >= exposure_high_rate and calls >= exposure_min_calls
--   high_weeks_4w               HUGEINT   high weeks among the 4 weeks ending with this one
--   sustained_high_exposure     BOOLEAN   high_weeks_4w >= exposure_sustained_weeks (burnout risk)
CREATE OR REPLACE VIEW aggression_exposure AS
WITH limits AS (
    SELECT
        max(value) FILTER (WHERE key = 'exposure_high_rate')       AS high_rate,
        max(value) FILTER (WHERE key = 'exposure_min_calls')       AS min_calls,
        max(value) FILTER (WHERE key = 'exposure_sustained_weeks') AS sustained_weeks
    FROM settings
),
weekly AS (
    SELECT
        agent_id,
        any_value(team)                              AS team,
        CAST(date_trunc('week', call_date) AS DATE)  AS week,
        count(*)                                     AS calls,
        count(*) FILTER (WHERE aggression_turns > 0) AS calls_with_aggression,
        sum(aggression_turns)                        AS aggression_turns,
        sum(aggression_episodes)                     AS aggression_episodes
    FROM call_metrics
    WHERE call_date IS NOT NULL
    GROUP BY agent_id, week
),
flagged AS (
    SELECT
        w.*,
        w.calls_with_aggression / w.calls AS exposure_rate,
        (w.calls_with_aggression / w.calls >= l.high_rate AND w.calls >= l.min_calls) AS high_exposure,
        l.sustained_weeks
    FROM weekly w, limits l
),
rolled AS (
    SELECT
        *,
        sum(calls) OVER four_weeks                 AS rolling_4w_calls,
        sum(calls_with_aggression) OVER four_weeks AS rolling_4w_calls_with_aggression,
        sum(aggression_turns) OVER four_weeks      AS rolling_4w_aggression_turns,
        sum(CAST(high_exposure AS INTEGER)) OVER four_weeks AS high_weeks_4w
    FROM flagged
    WINDOW four_weeks AS (PARTITION BY agent_id ORDER BY week RANGE BETWEEN INTERVAL 21 DAYS PRECEDING AND CURRENT ROW)
)
SELECT
    agent_id,
    team,
    week,
    calls,
    calls_with_aggression,
    aggression_turns,
    aggression_episodes,
    exposure_rate,
    rolling_4w_calls,
    rolling_4w_calls_with_aggression,
    rolling_4w_aggression_turns,
    rolling_4w_calls_with_aggression / rolling_4w_calls AS rolling_4w_exposure_rate,
    high_exposure,
    high_weeks_4w,
    high_weeks_4w >= sustained_weeks AS sustained_high_exposure
FROM rolled;
